#include "plugins/config_check.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

namespace zaplify::core {
namespace {

using nlohmann::json;

std::string type_word(sdk::SchemaType t) {
  switch (t) {
    case sdk::SchemaType::Object:
      return "an object";
    case sdk::SchemaType::Array:
      return "a list";
    case sdk::SchemaType::String:
      return "a string";
    case sdk::SchemaType::Integer:
      return "an integer";
    case sdk::SchemaType::Number:
      return "a number";
    case sdk::SchemaType::Boolean:
      return "true or false";
    default:
      return "a value";
  }
}

std::string number_text(double d) {
  if (std::trunc(d) == d && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
  std::ostringstream o;
  o << d;
  return o.str();
}

std::string shown(const json& v) {
  std::string text = v.dump();
  return text.size() > 60 ? text.substr(0, 57) + "..." : text;
}

bool has_type(sdk::SchemaType t, const json& v) {
  switch (t) {
    case sdk::SchemaType::Object:
      return v.is_object();
    case sdk::SchemaType::Array:
      return v.is_array();
    case sdk::SchemaType::String:
      return v.is_string();
    case sdk::SchemaType::Integer:
      return v.is_number_integer() ||
             (v.is_number_float() && std::trunc(v.get<double>()) == v.get<double>());
    case sdk::SchemaType::Number:
      return v.is_number();
    case sdk::SchemaType::Boolean:
      return v.is_boolean();
    default:
      return true;  // Unspecified, Ref: any value
  }
}

/// "" or "<at>: <what is wrong>" for the first problem of `v` under `s`.
std::string check_value(const sdk::Schema& s, const json& v, const std::string& at) {
  if (v.is_null() && s.nullable) return "";
  if (!has_type(s.type, v)) return at + ": must be " + type_word(s.type) + ", got " + shown(v);
  if (s.type == sdk::SchemaType::String && !s.enum_values.empty() &&
      std::find(s.enum_values.begin(), s.enum_values.end(), v.get<std::string>()) ==
          s.enum_values.end()) {
    std::string allowed;
    for (const auto& e : s.enum_values) allowed += (allowed.empty() ? "" : ", ") + e;
    return at + ": must be one of " + allowed + ", got " + shown(v);
  }
  if (s.type == sdk::SchemaType::Array && !s.items.empty()) {
    for (std::size_t i = 0; i < v.size(); ++i)
      if (auto e = check_value(s.items[0], v[i], at + "[" + std::to_string(i) + "]"); !e.empty())
        return e;
  }
  if (s.type != sdk::SchemaType::Object) return "";
  for (const auto& p : s.properties) {
    if (!v.contains(p.name)) {
      if (p.required) return at + "." + p.name + ": required";
      continue;
    }
    if (auto e = check_value(p.schema, v[p.name], at + "." + p.name); !e.empty()) return e;
  }
  for (const auto& [key, value] : v.items()) {
    const std::string& field = key;  // a lambda may not capture a structured binding (clang 14)
    const bool declared =
        std::any_of(s.properties.begin(), s.properties.end(),
                    [&](const sdk::SchemaProperty& p) { return p.name == field; });
    if (declared) continue;
    if (!s.open) return at + "." + key + ": not a known key";
    if (!s.values.empty())
      if (auto e = check_value(s.values[0], value, at + "." + key); !e.empty()) return e;
  }
  return "";
}

std::string check_key(const sdk::ConfigKey& key, const json& v, const std::string& at) {
  if (auto e = check_value(key.schema, v, at); !e.empty()) return e;
  if (!v.is_number()) return "";
  const double x = v.get<double>();
  if (key.minimum && x < *key.minimum)
    return at + ": must be at least " + number_text(*key.minimum) + ", got " + shown(v);
  if (key.maximum && x > *key.maximum)
    return at + ": must be at most " + number_text(*key.maximum) + ", got " + shown(v);
  return "";
}

std::string type_text(const sdk::ConfigKey& key) {
  const auto& s = key.schema;
  std::string text;
  if (s.type == sdk::SchemaType::String && !s.enum_values.empty()) {
    for (const auto& e : s.enum_values) text += (text.empty() ? "" : " \\| ") + e;
  } else {
    switch (s.type) {
      case sdk::SchemaType::Object:
        text = s.open ? "map" : "object";
        break;
      case sdk::SchemaType::Array:
        text = "list";
        break;
      case sdk::SchemaType::String:
        text = "string";
        break;
      case sdk::SchemaType::Integer:
        text = "integer";
        break;
      case sdk::SchemaType::Number:
        text = "number";
        break;
      case sdk::SchemaType::Boolean:
        text = "boolean";
        break;
      default:
        text = "any";
    }
  }
  if (key.minimum || key.maximum)
    text += " (" + (key.minimum ? number_text(*key.minimum) : "") + "–" +
            (key.maximum ? number_text(*key.maximum) : "") + ")";
  if (!s.unit.empty()) text += ", " + s.unit;
  return text;
}

}  // namespace

std::string check_plugin_config(const std::string& plugin, const sdk::ConfigSpec& spec,
                                const json& block, const sdk::ConfigCheckContext& context) {
  const std::string prefix = "plugins[" + plugin + "].config";
  if (!block.is_null() && !block.is_object()) return prefix + ": must be a mapping of keys";
  for (const auto& key : spec.keys) {
    if (!key.default_json.empty() && !json::accept(key.default_json))
      return prefix + "." + key.name + ": the plugin declares a default that is not JSON";
  }
  if (block.is_object()) {
    for (const auto& [name, value] : block.items()) {
      const std::string& key_name = name;  // a lambda may not capture a structured binding
      auto it = std::find_if(spec.keys.begin(), spec.keys.end(),
                             [&](const sdk::ConfigKey& k) { return k.name == key_name; });
      if (it == spec.keys.end()) {
        std::string known;
        for (const auto& k : spec.keys) known += (known.empty() ? "" : ", ") + k.name;
        return prefix + "." + name + ": not a key of this plugin" +
               (known.empty() ? " (it takes none)" : " (known: " + known + ")");
      }
      if (auto e = check_key(*it, value, prefix + "." + name); !e.empty()) return e;
    }
  }
  for (const auto& key : spec.keys)
    if (key.required && !(block.is_object() && block.contains(key.name)))
      return prefix + "." + key.name + ": required";
  if (!spec.check) return "";
  std::string why;
  try {
    why = spec.check(with_config_defaults(spec, block), context);
  } catch (const std::exception& e) {
    why = e.what();
  } catch (...) {
    why = "refused by the plugin's check";
  }
  return why.empty() ? "" : prefix + ": " + why;
}

json with_config_defaults(const sdk::ConfigSpec& spec, const json& block) {
  json out = block.is_object() ? block : json::object();
  for (const auto& key : spec.keys) {
    if (out.contains(key.name) || key.default_json.empty()) continue;
    json value = json::parse(key.default_json, nullptr, /*allow_exceptions=*/false);
    if (!value.is_discarded()) out[key.name] = std::move(value);
  }
  return out;
}

std::string config_spec_markdown(const std::string& plugin, const sdk::ConfigSpec& spec) {
  std::ostringstream out;
  for (const auto& key : spec.keys) {
    std::string description = key.schema.description;
    std::replace(description.begin(), description.end(), '\n', ' ');
    std::string def = key.required ? "(required)" : key.default_json;
    out << "| `plugins[" << plugin << "].config." << key.name << "` | " << type_text(key) << " | "
        << (def.empty() ? "" : "`" + def + "`") << " | " << description << " |\n";
  }
  return out.str();
}

}  // namespace zaplify::core
