#pragma once
// Starts the real `zaplify-analytics` binary for a benchmark: a generated YAML, a free loopback
// port, a fresh SQLite file or a fresh PostgreSQL database, its output in a log file.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace zaplify::bench {

struct LaunchOptions {
  std::string binary;          ///< Path of zaplify-analytics.
  std::string plugins_dir;     ///< Folder holding the plugin .so files.
  std::string database_url;    ///< sqlite3://PATH or postgresql://...; the database to use.
  bool cache_enabled = false;  ///< The `cache` plugin enabled (else listed as disabled).
  /// false: the core alone — every plugin, the cache too, listed with `enabled: false`.
  bool plugins_enabled = true;
  /// With plugins_enabled: a comma-separated list enables only those plugins ("" = every one).
  std::string only_plugins;
  std::string cache_backend = "memory";  ///< "memory" | "redis"
  std::string redis_url;                 ///< For the redis backend.
  std::int64_t cache_max_bytes =
      0;                    ///< cache.max_bytes of the memory LRU; 0: the server's default.
  int sqlite_cache_mb = 0;  ///< database.sqlite_cache_mb; 0: the server's default.
  int threads = 2;          ///< server.threads (Pistache reactors).
  int max_concurrent_requests = 4;
  int pool_size = 8;
  std::string log_level = "warn";
  std::string work_dir;  ///< Where the YAML and log go (must exist).
  /// Plugin name → its `config:` block as JSON text (JSON is YAML); absent: no block.
  std::map<std::string, std::string> plugin_configs;
};

/// Renders the YAML for `options` listening on `port` (pure; unit-tested).
std::string render_server_yaml(const LaunchOptions& options, std::uint16_t port);

/// The running server. The destructor stops it (SIGTERM, then SIGKILL after 15 s).
class ServerInstance {
 public:
  /// Forks and execs the binary, then waits up to `ready_timeout_ms` for GET /health to answer
  /// 200. Throws std::runtime_error (with the log tail) when it does not.
  explicit ServerInstance(const LaunchOptions& options, int ready_timeout_ms = 60000);
  ~ServerInstance();
  ServerInstance(const ServerInstance&) = delete;
  ServerInstance& operator=(const ServerInstance&) = delete;

  int pid() const { return pid_; }
  std::uint16_t port() const { return port_; }
  std::string log_tail(std::size_t max_bytes = 4000) const;
  /// SIGTERM and wait; returns the exit status, or -1 when it had to be killed.
  int stop();

 private:
  int pid_ = -1;
  std::uint16_t port_ = 0;
  std::string log_path_;
};

/// A free TCP port on 127.0.0.1 (bound, read back, released).
std::uint16_t free_port();
/// Creates an empty database on the PostgreSQL server of `server_url` (any database in its path
/// is only used to connect) and returns the URL of the new database. Throws on failure.
std::string create_postgres_database(const std::string& server_url, const std::string& name);
/// DROP DATABASE IF EXISTS `name` on the server of `server_url`; best effort (a benchmark's
/// leftovers are not worth failing a run for).
void drop_postgres_database(const std::string& server_url, const std::string& name);
/// Replaces the database name (the path) of a postgresql:// URL, keeping any ?query.
std::string with_database_name(const std::string& url, const std::string& name);

}  // namespace zaplify::bench
