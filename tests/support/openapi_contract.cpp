#include "support/openapi_contract.h"

#include <chrono>
#include <map>
#include <sstream>
#include <thread>

// Errors in a schema throw (with the reason) instead of aborting the test binary.
#define VALIJSON_USE_EXCEPTIONS 1
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "support/projection_drill_support.h"

namespace zaplify::testing {

using nlohmann::json;

ServerOptions contract_server_options(const std::string& backend) {
  ServerOptions o;
  o.database = backend;
  o.plugins = {"metrics", "funnel", "conversation", "export",
               "cache",   "costs",  "cohorts",      "dashboard"};
  o.plugin_config["costs"] = {{"currency", "USD"},
                              {"default_per_1k_tokens", 0.002},
                              {"assistants",
                               {{"assistant-1", 0.003},
                                {"assistant-2", 0.0015},
                                {"assistant-3", 0.006},
                                {"assistant-4", 0.0008}}}};
  o.plugin_config["conversation"] = drill_options(backend).plugin_config["conversation"];
  // Business hours (plugins/metrics/README.md), so that /metrics/performance?hours=business
  // answers 200.
  const json weekday = json::array({"09:00-12:00", "13:00-18:00"});
  o.plugin_config["metrics"] = {{"business_hours",
                                 {{"default",
                                   {{"tz", "America/Sao_Paulo"},
                                    {"days",
                                     {{"mon", weekday},
                                      {"tue", weekday},
                                      {"wed", weekday},
                                      {"thu", weekday},
                                      {"fri", weekday}}},
                                    {"holidays", {"2026-12-25"}}}}}}};
  return o;
}

bool wait_demo_loaded(const ServerProcess& server) {
  for (int i = 0; i < 1200; ++i) {
    const auto health = server.get("/health").json();
    const auto& demo = health.value("demo", json::object());
    bool running = health.contains("plugins");
    for (const auto& p : health.value("plugins", json::array()))
      running &= p["status"] == "running";
    if (running && !demo.value("loading", true) && demo.value("events", 0) > 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

namespace {

/// The JSON Schema formats the documents use, as the patterns valijson itself checks them with.
const std::map<std::string, std::string>& format_patterns() {
  static const std::map<std::string, std::string> patterns = {
      {"date", "^([0-9]+)-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$"},
      {"time",
       "^([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]|60)(\\.[0-9]+)?(([Zz])|([\\+|\\-]([01][0-9]|2["
       "0-3]):[0-5][0-9]))$"},
      {"date-time",
       "^([0-9]+)-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):([0-5][0-9]):([0-"
       "5][0-9]|60)(\\.[0-9]+)?(([Zz])|([\\+|\\-]([01][0-9]|2[0-3]):[0-5][0-9]))$"}};
  return patterns;
}

}  // namespace

json to_json_schema(const json& node) {
  if (node.is_array()) {
    json out = json::array();
    for (const auto& x : node) out.push_back(to_json_schema(x));
    return out;
  }
  if (!node.is_object()) return node;
  json out = json::object();
  for (const auto& [key, value] : node.items()) {
    if (key == "nullable" || key == "discriminator" || key == "example" || key.rfind("x-", 0) == 0)
      continue;
    // `properties` maps names to schemas: convert the values, never treat the names as keywords.
    if (key == "properties" || key == "schemas") {
      out[key] = json::object();
      for (const auto& [name, sub] : value.items()) out[key][name] = to_json_schema(sub);
    } else {
      out[key] = to_json_schema(value);
    }
  }
  const auto format = node.find("format");
  if (auto f = format_patterns().find(format != node.end() && format->is_string() ? *format : "");
      f != format_patterns().end()) {
    out.erase("format");
    if (!out.contains("pattern")) {
      out["pattern"] = f->second;
    } else {
      if (!out.contains("allOf")) out["allOf"] = json::array();
      out["allOf"].push_back({{"pattern", f->second}});
    }
  }
  if (node.value("nullable", false)) return json{{"anyOf", {out, {{"type", "null"}}}}};
  return out;
}

ContractValidator::ContractValidator(const json& openapi)
    : components_(to_json_schema(openapi["components"]["schemas"])),
      validator_(std::make_unique<valijson::Validator>()) {}

ContractValidator::~ContractValidator() = default;

std::string ContractValidator::check(const json& value, const json& schema) {
  const std::string key = schema.dump();
  auto it = parsed_.find(key);
  if (it == parsed_.end()) {
    root_docs_.push_back(
        std::make_unique<json>(json{{"components", {{"schemas", components_}}},
                                    {"allOf", json::array({to_json_schema(schema)})}}));
    auto compiled = std::make_unique<valijson::Schema>();
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter adapter(*root_docs_.back());
    try {
      parser.populateSchema(adapter, *compiled);
    } catch (const std::exception& e) {
      return std::string("schema not readable by valijson: ") + e.what() + "\n" + key;
    }
    it = parsed_.emplace(key, std::move(compiled)).first;
  }
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(value);
  if (validator_->validate(*it->second, target, &results)) return "";
  std::string why;
  valijson::ValidationResults::Error error;
  for (int n = 0; n < 6 && results.popError(error); ++n) {
    std::string where;
    for (const auto& c : error.context) where += c;
    why += "  " + where + ": " + error.description + "\n";
  }
  return why;
}

const json* response_schema(const json& op, int status) {
  const json::json_pointer at("/responses/" + std::to_string(status) +
                              "/content/application~1json/schema");
  return op.contains(at) ? &op.at(at) : nullptr;
}

namespace {

void object_pointers_by_shape(const json& value, const std::string& at, const std::string& shape,
                              std::set<std::string>& shapes_seen, std::vector<std::string>& out) {
  if (value.is_object()) {
    if (shapes_seen.insert(shape).second) out.push_back(at);
    for (const auto& [k, v] : value.items())
      object_pointers_by_shape(v, at + "/" + k, shape + "/" + k, shapes_seen, out);
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i)
      object_pointers_by_shape(value[i], at + "/" + std::to_string(i), shape + "/*", shapes_seen,
                               out);
  }
}

}  // namespace

void object_pointers(const json& value, const std::string& at, std::vector<std::string>& out) {
  std::set<std::string> shapes_seen;
  object_pointers_by_shape(value, at, at, shapes_seen, out);
}

namespace {

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  std::stringstream in(path);
  for (std::string seg; std::getline(in, seg, '/');)
    if (!seg.empty()) out.push_back(seg);
  return out;
}

void collect_paths(const json& value, const std::string& at, std::set<std::string>& out) {
  if (value.is_object()) {
    for (const auto& [k, v] : value.items()) {
      out.insert(at + "/" + k);
      collect_paths(v, at + "/" + k, out);
    }
  } else if (value.is_array()) {
    for (const auto& item : value) {
      out.insert(at + "/*");
      collect_paths(item, at + "/*", out);
    }
  }
}

}  // namespace

std::string path_template(const json& openapi, const std::string& target) {
  const auto want = segments(target.substr(0, target.find('?')));
  std::string best;
  std::size_t best_templates = want.size() + 1;  // a literal segment beats a {parameter}
  for (const auto& [path, ops] : openapi["paths"].items()) {
    const auto have = segments(path);
    if (have.size() != want.size()) continue;
    bool match = true;
    std::size_t templates = 0;
    for (std::size_t i = 0; i < have.size() && match; ++i) {
      const bool is_param = have[i].front() == '{' && have[i].back() == '}';
      templates += is_param ? 1 : 0;
      match = is_param || have[i] == want[i];
    }
    if (match && templates < best_templates) {
      best = path;
      best_templates = templates;
    }
  }
  return best;
}

std::set<std::string> field_paths(const json& value) {
  std::set<std::string> out;
  collect_paths(value, "", out);
  return out;
}

json trimmed(const json& value) {
  if (value.is_array()) {
    const std::size_t keep = value.size() > 8 ? 3 : value.size();
    json out = json::array();
    for (std::size_t i = 0; i < keep; ++i) out.push_back(trimmed(value[i]));
    return out;
  }
  if (value.is_object()) {
    json out = json::object();
    for (const auto& [k, v] : value.items()) out[k] = trimmed(v);
    return out;
  }
  return value;
}

}  // namespace zaplify::testing
