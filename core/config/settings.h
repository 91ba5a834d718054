#pragma once
// The service's configuration (docs/operations.md, Configuration reference): one YAML file,
// overridden by environment variables, validated into a typed Settings. Every key is declared once
// in the reference table (config_reference.h), from which parsing, env overrides and the operator
// docs follow.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace zaplify::core {

struct ServerConfig {
  std::string host = "0.0.0.0";
  int port = 8003;
  int threads = 2;
  std::int64_t max_request_bytes = 16ll << 20;
  int max_concurrent_requests = 10;
  int queue_size = 32;
  int drain_seconds = 10;
};

struct DatabaseConfig {
  std::string url = "sqlite3://var/analytics.db";
  int pool_size = 8;
  std::string sqlite_synchronous = "full";  ///< "full" | "normal"
  int sqlite_cache_mb = 16;
};

struct AuthConfig {
  std::string mode = "none";    ///< "none" | "jwt"
  std::string secret_key;       ///< Never logged.
  int jwt_leeway_seconds = 30;  ///< Clock skew allowed for a token's nbf and iat.
};

struct IngestConfig {
  int batch_size = 1000;
  int max_events_per_batch = 10000;
};

struct MetricsConfig {
  int retention_days = 90;
  int realtime_window_minutes = 5;
  int purge_interval_seconds = 3600;  ///< 0 disables the retention purge.
};

struct CacheConfig {
  std::string backend = "memory";  ///< "memory" | "redis"
  int ttl_seconds = 3600;
  std::string redis_url;
  std::int64_t max_bytes = 64ll << 20;
};

struct LoggingConfig {
  std::string level = "info";
};

/// One entry of `plugins:`.
struct PluginConfig {
  std::string name;
  std::string library;       ///< As written in the YAML.
  std::string library_path;  ///< Resolved against plugins_dir (absolute when plugins_dir is).
  bool enabled = true;
  nlohmann::json config = nlohmann::json::object();  ///< The plugin's own `config:` block.
};

struct Settings {
  ServerConfig server;
  DatabaseConfig database;
  AuthConfig auth;
  IngestConfig ingest;
  MetricsConfig metrics;
  CacheConfig cache;
  LoggingConfig logging;
  std::string plugins_dir;  ///< Resolved: YAML/env value, else `<executable dir>/../plugins`.
  std::vector<PluginConfig> plugins;
  /// Things worth a warning at start-up (e.g. a secret written in the file). Never holds secrets.
  std::vector<std::string> warnings;
  std::string source_path;  ///< The YAML file read.
};

/// Every problem found in a configuration, collected into one message (one line per problem, each
/// naming the key path or file path).
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<std::string> problems, const std::string& source = {});
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::vector<std::string> problems_;
};

/// Environment lookup; the process environment in production, a map in tests.
using Environment = std::map<std::string, std::string>;
Environment process_environment();

/// Largest accepted configuration file.
inline constexpr std::size_t kMaxConfigBytes = 1 << 20;

/// Reads, overrides and validates. `default_plugins_dir` is used when neither the YAML nor
/// PLUGINS_DIR names one. Throws ConfigError listing every problem (unknown keys, wrong types or
/// ranges, missing plugin libraries, jwt without a usable secret, unreadable or malformed YAML, a
/// file over kMaxConfigBytes, nesting deeper than yaml-cpp's limit of 500 levels).
Settings load_settings(const std::string& yaml_path, const Environment& env,
                       const std::string& default_plugins_dir);

/// Same, from YAML text (tests; `source_name` appears in messages).
Settings load_settings_from_string(const std::string& yaml_text, const Environment& env,
                                   const std::string& default_plugins_dir,
                                   const std::string& source_name = "<string>");

/// `<dir of the running executable>/../plugins`, normalised.
std::string default_plugins_dir_for_executable();

}  // namespace zaplify::core
