#pragma once
// Starts the real server binary with the real plugin .so files on a loopback port it picks itself
// (port 0, reported through --port-file), with a generated YAML config, against SQLite (a fresh
// file) or PostgreSQL (a fresh database on the server named by ZAPLIFY_TEST_PG_URL), optionally
// with Redis (ZAPLIFY_TEST_REDIS_URL).

#include <csignal>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/harness/http_client.h"
#include "support/harness/ports.h"
#include "support/harness/server_launch.h"

namespace zaplify::testing {

struct ServerOptions {
  std::string database = "sqlite";  ///< "sqlite" | "postgres"
  /// Reuse an existing database (e.g. two servers sharing one PostgreSQL); empty: a fresh one.
  std::string database_url;
  bool redis = false;              ///< cache.backend redis with ZAPLIFY_TEST_REDIS_URL.
  std::string auth_mode = "none";  ///< "none" | "jwt"
  std::string secret_key;          ///< For jwt mode (passed as env SECRET_KEY).
  std::vector<std::string> plugins{"metrics", "funnel", "conversation", "export", "cache"};
  std::vector<std::string> disabled;                    ///< Listed in YAML with enabled: false.
  std::map<std::string, nlohmann::json> plugin_config;  ///< Per-plugin `config:` blocks.
  std::map<std::string, std::string> library_paths;     ///< Per-plugin library path overrides.
  std::string extra_yaml;  ///< Appended top-level YAML (e.g. "ingest:\n  batch_size: 10\n").
  std::map<std::string, std::string> env;  ///< Extra environment variables.
  std::vector<std::string> args;           ///< Extra command-line arguments.
  std::string plugins_dir;                 ///< Default: the build's plugin folder.
  int max_concurrent_requests = 4;
  std::int64_t max_request_bytes = 0;  ///< 0: the server's default.
  bool wait_ready = true;
};

class ServerProcess {
 public:
  explicit ServerProcess(ServerOptions options);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  /// 0 when the server never listened (e.g. a configuration it refused).
  std::uint16_t port() const { return server_->port(); }
  const std::string& database_url() const { return database_url_; }
  const std::string& config_path() const { return config_path_; }
  const std::string& work_dir() const { return work_dir_; }
  /// Rewrites the YAML file (for reload tests) from the given options.
  void rewrite_config(const ServerOptions& options);

  HttpResponse get(const std::string& target, const Headers& headers = {}) const;
  HttpResponse post_json(const std::string& target, const nlohmann::json& body,
                         const Headers& headers = {}) const;
  HttpResponse request(const std::string& method, const std::string& target,
                       const std::string& body = {}, const Headers& headers = {}) const;

  bool running() { return server_->process().running(); }
  void signal(int sig) { server_->process().signal(sig); }
  /// Waits for exit; returns the exit status (or -1 after timeout, the process then killed).
  int wait_exit(int timeout_ms = 15000) { return server_->process().wait_exit(timeout_ms); }
  /// The server's combined stdout/stderr so far.
  std::string log() const { return server_->process().log(); }
  /// Waits until GET /health answers (any status) or timeout; true when it answered.
  bool wait_healthy(int timeout_ms = 20000) const;
  /// Waits until no plugin in GET /health is `catching_up` (its projections replaying the log).
  bool wait_caught_up(int timeout_ms = 60000) const;

 private:
  std::string render_yaml(const ServerOptions& options) const;
  ServerOptions options_;
  std::unique_ptr<LaunchedServer> server_;
  std::string work_dir_;
  std::string config_path_;
  std::string database_url_;
  bool owns_database_ = false;  ///< Created by this process: dropped when it ends.
};

/// "sqlite", plus "postgres" when ZAPLIFY_TEST_PG_URL is set. In CI (env CI=true) PostgreSQL
/// must be available: a missing ZAPLIFY_TEST_PG_URL then fails the test run loudly.
std::vector<std::string> backends();
bool postgres_available();
bool redis_available();
std::string redis_url();  ///< ZAPLIFY_TEST_REDIS_URL or "".
/// Creates a fresh empty database on the test PostgreSQL server and returns its URL.
std::string fresh_postgres_database();
/// Drops a database made by fresh_postgres_database() (names starting with "zt_" only).
void drop_postgres_database(const std::string& url);
/// Polls GET `target` every 25 ms until it answers `status`; false after `timeout_ms`.
bool wait_for_status(const ServerProcess& server, const std::string& target, int status,
                     int timeout_ms = 10000);
/// An HS256 JWT with the given claims, `exp` = now + exp_offset_seconds (omitted when
/// `with_exp` is false).
std::string make_jwt(const std::string& secret, const nlohmann::json& claims,
                     long exp_offset_seconds = 3600, bool with_exp = true);
/// RFC 3339 UTC text for epoch ms in the server's form: "2026-11-20T14:03:00.250Z", and
/// "2026-11-20T14:03:00Z" on a whole second.
std::string rfc3339(std::int64_t ms);
/// Now in epoch ms.
std::int64_t now_ms();

}  // namespace zaplify::testing
