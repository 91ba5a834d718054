#pragma once
// Starts the real `zaplify-analytics` binary for a benchmark: a generated YAML, a loopback port
// the server picks (tests/support/harness/server_launch.h), a fresh SQLite file or a fresh
// PostgreSQL database, its output in a log file.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/harness/postgres_databases.h"
#include "support/harness/server_launch.h"

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

/// Renders the YAML for `options`, on port 0 (pure; unit-tested).
std::string render_server_yaml(const LaunchOptions& options);

/// The running server. The destructor stops it (SIGTERM, then SIGKILL after 15 s).
class ServerInstance {
 public:
  /// Starts the binary, then waits up to `ready_timeout_ms` for GET /health to answer 200.
  /// Throws std::runtime_error (with the log tail) when it does not.
  explicit ServerInstance(const LaunchOptions& options, int ready_timeout_ms = 60000);
  ~ServerInstance();
  ServerInstance(const ServerInstance&) = delete;
  ServerInstance& operator=(const ServerInstance&) = delete;

  int pid() const { return server_->process().pid(); }
  std::uint16_t port() const { return server_->port(); }
  std::string log_tail(std::size_t max_bytes = 4000) const {
    return server_->process().log(max_bytes);
  }
  /// SIGTERM and wait; returns the exit status, or -1 when it had to be killed.
  int stop() { return server_->process().stop(); }

 private:
  std::unique_ptr<testing::LaunchedServer> server_;
};

using testing::create_postgres_database;
using testing::drop_postgres_database;
using testing::with_database_name;

}  // namespace zaplify::bench
