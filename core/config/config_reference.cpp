#include "config/config_reference.h"

#include <sstream>

namespace zaplify::core {
namespace {

constexpr std::int64_t kMiB = 1ll << 20;

ConfigKey integer(std::string path, std::string def, std::string env, std::int64_t min,
                  std::int64_t max, std::string description,
                  std::function<KeyTarget(Settings&)> target) {
  ConfigKey k;
  k.path = std::move(path);
  k.kind = KeyKind::Integer;
  k.default_text = std::move(def);
  k.env = std::move(env);
  k.min = min;
  k.max = max;
  k.description = std::move(description);
  k.target = std::move(target);
  return k;
}

ConfigKey text(std::string path, std::string def, std::string env, std::string description,
               std::function<KeyTarget(Settings&)> target) {
  ConfigKey k;
  k.path = std::move(path);
  k.kind = KeyKind::String;
  k.default_text = std::move(def);
  k.env = std::move(env);
  k.description = std::move(description);
  k.target = std::move(target);
  return k;
}

ConfigKey one_of(std::string path, std::string def, std::string env,
                 std::vector<std::string> allowed, std::string description,
                 std::function<KeyTarget(Settings&)> target) {
  ConfigKey k = text(std::move(path), std::move(def), std::move(env), std::move(description),
                     std::move(target));
  k.kind = KeyKind::Enum;
  k.allowed = std::move(allowed);
  return k;
}

ConfigKey documented(std::string path, KeyKind kind, std::string def, std::string description) {
  ConfigKey k;
  k.path = std::move(path);
  k.kind = kind;
  k.default_text = std::move(def);
  k.description = std::move(description);
  return k;
}

std::vector<ConfigKey> make_keys() {
  std::vector<ConfigKey> k;
  k.push_back(text("server.host", "0.0.0.0", "HOST", "Address to listen on.",
                   [](Settings& s) -> KeyTarget { return &s.server.host; }));
  k.push_back(integer("server.port", "8003", "PORT", 0, 65535, "TCP port (0 picks a free one).",
                      [](Settings& s) -> KeyTarget { return &s.server.port; }));
  k.push_back(integer("server.threads", "2", "", 1, 64, "Pistache reactor (I/O) threads.",
                      [](Settings& s) -> KeyTarget { return &s.server.threads; }));
  k.push_back(integer("server.max_request_bytes", "16777216", "", 1024, 1024 * kMiB,
                      "Largest accepted request (bytes); larger bodies get 413.",
                      [](Settings& s) -> KeyTarget { return &s.server.max_request_bytes; }));
  k.push_back(integer("server.max_concurrent_requests", "10", "", 1, 1024,
                      "Uncached analytics computations running at once (worker pool size).",
                      [](Settings& s) -> KeyTarget { return &s.server.max_concurrent_requests; }));
  k.push_back(integer("server.queue_size", "32", "", 0, 100000,
                      "Heavy requests waiting for a worker; beyond it: 503 with Retry-After.",
                      [](Settings& s) -> KeyTarget { return &s.server.queue_size; }));
  k.push_back(integer("server.drain_seconds", "10", "", 0, 600,
                      "On SIGTERM (and plugin unload), how long in-flight requests may finish.",
                      [](Settings& s) -> KeyTarget { return &s.server.drain_seconds; }));
  k.push_back(text("database.url", "sqlite3://var/analytics.db", "DATABASE_URL",
                   "sqlite3://PATH (relative to the working directory) or "
                   "postgresql://user:pass@host:port/db.",
                   [](Settings& s) -> KeyTarget { return &s.database.url; }));
  k.push_back(integer("database.pool_size", "8", "", 1, 256, "Database connections in the pool.",
                      [](Settings& s) -> KeyTarget { return &s.database.pool_size; }));
  k.push_back(one_of("database.sqlite_synchronous", "full", "", {"full", "normal"},
                     "SQLite only. full: every acknowledged batch is on disk before the 200 "
                     "(survives power loss and a file system forced read-only); normal: "
                     "survives a process crash, may lose the last commits on power loss, "
                     "faster ingest (docs/benchmarks.md).",
                     [](Settings& s) -> KeyTarget { return &s.database.sqlite_synchronous; }));
  k.push_back(integer("database.sqlite_cache_mb", "16", "", 4, 1 << 20,
                      "SQLite only. Memory for page caches, all connections together (MiB).",
                      [](Settings& s) -> KeyTarget { return &s.database.sqlite_cache_mb; }));
  k.push_back(one_of("auth.mode", "none", "", {"none", "jwt"},
                     "none: no token, caller is admin of X-Tenant-ID (or `default`); "
                     "jwt: HS256 bearer tokens.",
                     [](Settings& s) -> KeyTarget { return &s.auth.mode; }));
  k.push_back(text("auth.secret_key", "", "SECRET_KEY",
                   "HS256 secret, at least 32 bytes, required in jwt mode. Prefer the env "
                   "variable: a secret in the file is accepted with a warning.",
                   [](Settings& s) -> KeyTarget { return &s.auth.secret_key; }));
  k.push_back(integer("auth.jwt_leeway_seconds", "30", "", 0, 600,
                      "Clock skew allowed for a token's nbf (not before) and iat (issued at); "
                      "exp is checked without leeway.",
                      [](Settings& s) -> KeyTarget { return &s.auth.jwt_leeway_seconds; }));
  k.push_back(integer("ingest.batch_size", "1000", "", 1, 100000, "Events per write transaction.",
                      [](Settings& s) -> KeyTarget { return &s.ingest.batch_size; }));
  k.push_back(integer("ingest.max_events_per_batch", "10000", "", 1, 1000000,
                      "Most events in one request; more → 413.",
                      [](Settings& s) -> KeyTarget { return &s.ingest.max_events_per_batch; }));
  k.push_back(integer("metrics.retention_days", "90", "", 1, 36500,
                      "Events older than this are purged and rejected at ingest; also the "
                      "longest query window.",
                      [](Settings& s) -> KeyTarget { return &s.metrics.retention_days; }));
  k.push_back(integer("metrics.realtime_window_minutes", "5", "", 1, 1440,
                      "Width of the real-time window R.",
                      [](Settings& s) -> KeyTarget { return &s.metrics.realtime_window_minutes; }));
  k.push_back(integer("metrics.purge_interval_seconds", "3600", "", 0, 7 * 86400,
                      "How often the retention purge runs (0: never).",
                      [](Settings& s) -> KeyTarget { return &s.metrics.purge_interval_seconds; }));
  k.push_back(one_of("cache.backend", "memory", "", {"memory", "redis"},
                     "Where the cache plugin stores responses.",
                     [](Settings& s) -> KeyTarget { return &s.cache.backend; }));
  k.push_back(integer("cache.ttl_seconds", "3600", "", 0, 30 * 86400,
                      "Lifetime of a cached analytics response.",
                      [](Settings& s) -> KeyTarget { return &s.cache.ttl_seconds; }));
  k.push_back(text("cache.redis_url", "", "REDIS_URL",
                   "redis://host:port[/db]; required for "
                   "the redis backend.",
                   [](Settings& s) -> KeyTarget { return &s.cache.redis_url; }));
  k.push_back(integer("cache.max_bytes", "67108864", "", 0, 1ll << 40,
                      "Bound of the in-process (memory) cache.",
                      [](Settings& s) -> KeyTarget { return &s.cache.max_bytes; }));
  k.push_back(one_of("logging.level", "info", "LOG_LEVEL",
                     {"trace", "debug", "info", "warn", "error", "critical", "off"},
                     "Log verbosity.", [](Settings& s) -> KeyTarget { return &s.logging.level; }));
  k.push_back(text("plugins_dir", "<executable dir>/../plugins", "PLUGINS_DIR",
                   "Directory against which relative plugin libraries are resolved (a relative "
                   "plugins_dir is taken from the working directory).",
                   [](Settings& s) -> KeyTarget { return &s.plugins_dir; }));
  k.push_back(documented("plugins[].name", KeyKind::String, "(required)",
                         "Unique plugin name, [a-z0-9_]+; must match the library's descriptor."));
  k.push_back(documented("plugins[].library", KeyKind::String, "(required)",
                         "Shared library file, relative to plugins_dir or absolute."));
  k.push_back(documented("plugins[].enabled", KeyKind::Boolean, "true",
                         "Load it; toggled at run time by SIGHUP or POST /admin/reload."));
  k.push_back(documented("plugins[].config", KeyKind::String, "{}",
                         "The plugin's own keys, as it declares them (below). A changed block "
                         "restarts the plugin on reload; a bad one is refused and the running "
                         "plugin keeps its previous block."));
  return k;
}

std::string kind_name(KeyKind kind) {
  switch (kind) {
    case KeyKind::String:
      return "string";
    case KeyKind::Integer:
      return "integer";
    case KeyKind::Boolean:
      return "boolean";
    case KeyKind::Enum:
      return "enum";
  }
  return "string";
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
  return out;
}

}  // namespace

const std::vector<ConfigKey>& config_keys() {
  static const std::vector<ConfigKey> keys = make_keys();
  return keys;
}

const ConfigKey* find_config_key(const std::string& path) {
  for (const auto& k : config_keys())
    if (k.path == path && k.target) return &k;
  return nullptr;
}

bool is_config_section(const std::string& name) {
  for (const auto& k : config_keys())
    if (k.target && k.path.rfind(name + ".", 0) == 0) return true;
  return false;
}

std::string expected_type(const ConfigKey& key) {
  switch (key.kind) {
    case KeyKind::Integer:
      return "an integer from " + std::to_string(key.min) + " to " + std::to_string(key.max);
    case KeyKind::Enum:
      return "one of " + join(key.allowed, ", ");
    case KeyKind::Boolean:
      return "a boolean (true or false)";
    case KeyKind::String:
      return "a string";
  }
  return "a string";
}

std::string config_reference_markdown() {
  std::ostringstream out;
  out << "| key | type | default | env | description |\n|---|---|---|---|---|\n";
  for (const auto& k : config_keys()) {
    std::string type = kind_name(k.kind);
    if (k.kind == KeyKind::Enum) type = join(k.allowed, " \\| ");
    if (k.kind == KeyKind::Integer)
      type += " (" + std::to_string(k.min) + "–" + std::to_string(k.max) + ")";
    out << "| `" << k.path << "` | " << type << " | "
        << (k.default_text.empty() ? "" : "`" + k.default_text + "`") << " | "
        << (k.env.empty() ? "" : "`" + k.env + "`") << " | " << k.description << " |\n";
  }
  return out.str();
}

}  // namespace zaplify::core
