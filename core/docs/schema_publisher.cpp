#include "docs/schema_publisher.h"

#include <cctype>
#include <stdexcept>

namespace zaplify::core {
namespace {

using nlohmann::json;

const char* type_name(sdk::SchemaType t) {
  switch (t) {
    case sdk::SchemaType::Object:
      return "object";
    case sdk::SchemaType::Array:
      return "array";
    case sdk::SchemaType::String:
      return "string";
    case sdk::SchemaType::Integer:
      return "integer";
    case sdk::SchemaType::Number:
      return "number";
    case sdk::SchemaType::Boolean:
      return "boolean";
    case sdk::SchemaType::Unspecified:
    case sdk::SchemaType::Ref:
      break;
  }
  return "";
}

/// The unit goes to `x-unit` for tools and into the description for readers of /docs.
void add_description(json& out, const sdk::Schema& s) {
  std::string text = s.description;
  if (!s.unit.empty()) {
    out["x-unit"] = s.unit;
    if (!text.empty() && text.back() != '.') text += '.';
    text += (text.empty() ? "" : " ") + std::string("Unit: ") + s.unit + ".";
  }
  if (!text.empty()) out["description"] = text;
}

void add_example(json& out, const sdk::Schema& s) {
  if (s.example_json.empty()) return;
  json parsed = json::parse(s.example_json, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded())
    throw std::invalid_argument("schema example is not JSON: " + s.example_json);
  out["example"] = std::move(parsed);
}

}  // namespace

std::string camel_case(const std::string& snake) {
  std::string out;
  bool upper = true;
  for (unsigned char c : snake) {
    if (!std::isalnum(c)) {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(c)) : static_cast<char>(c);
    upper = false;
  }
  return out;
}

std::string SchemaPublisher::component_name(const std::string& plugin, const std::string& name) {
  if (plugin == "core") return name;
  std::string prefix = camel_case(plugin);
  return name.rfind(prefix, 0) == 0 ? name : prefix + name;
}

std::string SchemaPublisher::publish(const std::string& name, const json& schema) {
  std::string candidate = name;
  for (int n = 2;; ++n) {
    auto it = components_.find(candidate);
    if (it == components_.end()) {
      components_[candidate] = schema;
      return candidate;
    }
    if (*it == schema) return candidate;
    candidate = name + std::to_string(n);
  }
}

json SchemaPublisher::render_body(const sdk::Schema& s, const std::string& plugin) {
  json out = json::object();
  if (s.type == sdk::SchemaType::Ref) {
    json ref = {{"$ref", "#/components/schemas/" + s.ref}};
    // OpenAPI 3.0 ignores siblings of $ref: wrap it when it says more than the reference.
    if (!s.nullable && s.description.empty() && s.unit.empty()) return ref;
    out["allOf"] = json::array({ref});
  } else if (s.type != sdk::SchemaType::Unspecified) {
    out["type"] = type_name(s.type);
  }
  add_description(out, s);
  if (!s.format.empty()) out["format"] = s.format;
  if (s.nullable) out["nullable"] = true;
  if (!s.enum_values.empty()) {
    out["enum"] = s.enum_values;
    if (s.nullable) out["enum"].push_back(nullptr);  // 3.0: null must be listed to be valid
  }
  if (s.type == sdk::SchemaType::Object) {
    json props = json::object();
    json required = json::array();
    for (const auto& p : s.properties) {
      props[p.name] = render(p.schema, plugin);
      if (p.required) required.push_back(p.name);
    }
    if (!props.empty()) out["properties"] = std::move(props);
    if (!required.empty()) out["required"] = std::move(required);
    if (!s.values.empty())
      out["additionalProperties"] = render(s.values.front(), plugin);
    else if (!s.open)
      out["additionalProperties"] = false;
  }
  if (s.type == sdk::SchemaType::Array) {
    if (s.items.size() != 1)
      throw std::invalid_argument("an array schema needs exactly one item schema");
    out["items"] = render(s.items.front(), plugin);
  }
  add_example(out, s);
  return out;
}

json SchemaPublisher::render(const sdk::Schema& s, const std::string& plugin) {
  json body = render_body(s, plugin);
  if (s.name.empty()) return body;
  std::string name = publish(component_name(plugin, s.name), body);
  return {{"$ref", "#/components/schemas/" + name}};
}

sdk::Schema data_source_row_schema(const sdk::DataSourceInfo& source) {
  using sdk::ColumnType;
  sdk::Schema row = sdk::schema::object("One row of the data source `" + source.name + "` (" +
                                        source.description + ")");
  for (const auto& c : source.columns) {
    sdk::Schema cell;
    switch (c.type) {
      case ColumnType::String:
        cell = sdk::schema::string();
        break;
      case ColumnType::Integer:
        cell = sdk::schema::integer();
        break;
      case ColumnType::Number:
        cell = sdk::schema::number();
        break;
      case ColumnType::Timestamp:
        cell = sdk::schema::timestamp();
        break;
      case ColumnType::Date:
        cell = sdk::schema::date();
        break;
      case ColumnType::Boolean:
        cell = sdk::schema::boolean();
        break;
    }
    cell.describe(c.description).with_unit(c.unit);
    if (c.nullable) cell.or_null();
    if (!c.present_with.empty()) {
      cell.describe(c.description + " (only with " + c.present_with + ")");
      row.optional_field(c.name, std::move(cell));
    } else {
      row.field(c.name, std::move(cell));
    }
  }
  return row;
}

}  // namespace zaplify::core
