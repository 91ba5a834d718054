#pragma once
// A plugin's `config:` block, declared: the keys it reads, their types and defaults, and a check of
// what types cannot say. The host validates a block against it before the plugin starts, and before
// a changed block replaces the running one on reload: a bad block is refused with a message naming
// the key, and on reload the running instance keeps serving with its previous block. The same
// declaration is the operator's reference (docs/operations.md, the plugin's tag in /docs).
//
// Declare it once per plugin, beside ZAPLIFY_PLUGIN:
//   zaplify::sdk::ConfigSpec sla_config() {
//     using namespace zaplify::sdk::schema;
//     zaplify::sdk::ConfigSpec spec;
//     spec.keys.push_back({"threshold_ms", integer("Replies slower than this breach the SLA")
//                                              .with_unit("ms"),
//                          "60000", false, 1, 86400000});
//     return spec;
//   }
//   ZAPLIFY_PLUGIN_CONFIG(sla_config)
// start() then reads host.config(), where absent keys already hold their defaults.
// A plugin without ZAPLIFY_PLUGIN_CONFIG gets its block unchecked (SDK 2.0 behaviour).

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zaplify/sdk/calendar.h"
#include "zaplify/sdk/schema.h"

namespace zaplify::sdk {

/// One top-level key of the block.
struct ConfigKey {
  std::string name;
  /// Its type and description; objects and arrays are checked all the way down (a closed object
  /// refuses undeclared fields; schema::map_of for maps keyed by data, e.g. assistant ids).
  Schema schema;
  /// JSON text of the value used when the key is absent (e.g. "60000", "\"USD\"", "[]"); empty:
  /// the key stays absent.
  std::string default_json;
  bool required = false;
  /// Integer and number keys: inclusive bounds.
  std::optional<double> minimum;
  std::optional<double> maximum;
};

/// What a config check may consult; valid during the call only.
struct ConfigCheckContext {
  const Calendar& calendar;  ///< Time zones: format_local throws for a name it does not know.
  std::string plugin_dir;    ///< Directory of the plugin's .so (data files shipped beside it).
};

struct ConfigSpec {
  /// The block is closed: a key not listed here is refused (a typo is not silently ignored).
  std::vector<ConfigKey> keys;
  /// Optional. Checks what the types cannot (a time range, a time zone's name, a regex). Gets the
  /// block with defaults applied, after the type checks passed; returns "" when it is good, else a
  /// message that names the key, e.g. "business_hours.default.tz: unknown time zone 'Mars/X'".
  /// Called on candidate blocks that may never be used: it must not keep state. Must not throw
  /// (the host treats an escaping exception as a refusal with its message).
  std::function<std::string(const nlohmann::json& block, const ConfigCheckContext& context)> check;
};

/// A ConfigSpec::check made of the plugin's own parser, which throws a std::exception whose message
/// names the bad key (the parser start() uses, so the check and the use cannot disagree):
///   spec.check = check_by_parsing([](const nlohmann::json& block, const ConfigCheckContext&) {
///     parse_prices(block);
///   });
template <typename Parse>
std::function<std::string(const nlohmann::json&, const ConfigCheckContext&)> check_by_parsing(
    Parse parse) {
  return [parse](const nlohmann::json& block, const ConfigCheckContext& context) -> std::string {
    try {
      parse(block, context);
      return "";
    } catch (const std::exception& e) {
      return e.what();
    }
  };
}

}  // namespace zaplify::sdk

/// Exports the plugin's config declaration. SPEC_FUNCTION: a function taking nothing and returning
/// a zaplify::sdk::ConfigSpec; called once, when the host first reads it. Use once, in one .cpp.
/// A plugin that takes no keys: ZAPLIFY_PLUGIN_CONFIG(zaplify::sdk::ConfigSpec) (refuses any).
#define ZAPLIFY_PLUGIN_CONFIG(SPEC_FUNCTION)                                          \
  extern "C" __attribute__((visibility("default"))) const ::zaplify::sdk::ConfigSpec* \
  zaplify_plugin_config_spec() noexcept {                                             \
    try {                                                                             \
      static const ::zaplify::sdk::ConfigSpec spec = SPEC_FUNCTION();                 \
      return &spec;                                                                   \
    } catch (...) {                                                                   \
      return nullptr;                                                                 \
    }                                                                                 \
  }
