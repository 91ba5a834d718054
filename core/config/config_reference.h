#pragma once
// The table of every configuration key: type, default, environment override, range and meaning.
// Parsing, env overrides, validation messages and `--print-config-reference` (the operator docs)
// all read this one table, so a key is declared exactly once.

#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "config/settings.h"

namespace zaplify::core {

enum class KeyKind { String, Integer, Boolean, Enum };

/// Where a scalar key's value lands in Settings.
using KeyTarget = std::variant<std::string*, int*, std::int64_t*, bool*>;

struct ConfigKey {
  std::string path;  ///< "server.port"
  KeyKind kind = KeyKind::String;
  std::string default_text;  ///< As shown in the docs.
  std::string env;           ///< Overriding environment variable, "" when none.
  std::string description;
  std::int64_t min = 0;  ///< Integer range (inclusive).
  std::int64_t max = 0;
  std::vector<std::string> allowed;  ///< Enum values.
  /// Null for keys that are documented only (the per-plugin keys, parsed by hand).
  std::function<KeyTarget(Settings&)> target;
};

/// Every key, in documentation order. Static; thread-safe to read.
const std::vector<ConfigKey>& config_keys();

/// The key with this dotted path, or null.
const ConfigKey* find_config_key(const std::string& path);

/// The sections that hold scalar keys ("server", "database", ...).
bool is_config_section(const std::string& name);

/// A human name of the expected type, e.g. "integer from 1 to 1024" or "one of none, jwt".
std::string expected_type(const ConfigKey& key);

/// The reference as a Markdown table (key, type, default, env, description).
std::string config_reference_markdown();

}  // namespace zaplify::core
