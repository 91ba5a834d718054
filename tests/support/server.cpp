#include "support/server.h"

#include <jwt.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

#include "support/harness/postgres_databases.h"

namespace zaplify::testing {
namespace fs = std::filesystem;
namespace {

std::string env_or(const char* name, const std::string& fallback = {}) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

std::string unique_suffix() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  std::ostringstream s;
  s << ::getpid() << "_" << counter++ << "_" << (rd() % 100000);
  return s.str();
}

std::string yaml_quote(const std::string& s) {
  return nlohmann::json(s).dump();  // a JSON string is a valid YAML double-quoted scalar
}

}  // namespace

bool postgres_available() { return !env_or("ZAPLIFY_TEST_PG_URL").empty(); }
bool redis_available() { return !env_or("ZAPLIFY_TEST_REDIS_URL").empty(); }
std::string redis_url() { return env_or("ZAPLIFY_TEST_REDIS_URL"); }

std::vector<std::string> backends() {
  if (postgres_available()) return {"sqlite", "postgres"};
  if (env_or("CI") == "true") {
    throw std::runtime_error(
        "CI=true but ZAPLIFY_TEST_PG_URL is not set: PostgreSQL tests must run");
  }
  return {"sqlite"};
}

std::string fresh_postgres_database() {
  std::string base = env_or("ZAPLIFY_TEST_PG_URL");
  if (base.empty()) throw std::runtime_error("ZAPLIFY_TEST_PG_URL is not set");
  return create_postgres_database(base, "zt_" + unique_suffix());
}

void drop_postgres_database(const std::string& url) {
  std::string base = env_or("ZAPLIFY_TEST_PG_URL");
  std::string name = database_name(url);
  if (base.empty() || name.rfind("zt_", 0) != 0) return;  // only databases this harness created
  drop_postgres_database(base, name);
}

std::string make_jwt(const std::string& secret, const nlohmann::json& claims,
                     long exp_offset_seconds, bool with_exp) {
  jwt_t* raw = nullptr;
  jwt_new(&raw);
  std::unique_ptr<jwt_t, decltype(&jwt_free)> token(raw, jwt_free);
  nlohmann::json all = claims;
  if (with_exp) all["exp"] = static_cast<long>(std::time(nullptr)) + exp_offset_seconds;
  jwt_add_grants_json(token.get(), all.dump().c_str());
  jwt_set_alg(token.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret.data()),
              static_cast<int>(secret.size()));
  char* encoded = jwt_encode_str(token.get());
  std::string out = encoded ? encoded : "";
  free(encoded);
  return out;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string rfc3339(std::int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  if (ms < 0 && ms % 1000) --secs;
  int millis = static_cast<int>(((ms % 1000) + 1000) % 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  // The server's own form: a fraction only when there are milliseconds ("...:51Z", "...:51.250Z"),
  // so a test can compare an instant the server wrote with this text.
  if (millis == 0)
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  else
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

std::string ServerProcess::render_yaml(const ServerOptions& o) const {
  std::ostringstream y;
  // Port 0: the server binds one the kernel picks and reports it (support/harness/server_launch.h).
  y << "server:\n  host: 127.0.0.1\n  port: 0\n  threads: 2\n"
    << "  max_concurrent_requests: " << o.max_concurrent_requests << "\n";
  if (o.max_request_bytes > 0) y << "  max_request_bytes: " << o.max_request_bytes << "\n";
  y << "database:\n  url: " << yaml_quote(database_url_) << "\n";
  y << "auth:\n  mode: " << o.auth_mode << "\n";
  y << "cache:\n  backend: " << (o.redis ? "redis" : "memory") << "\n";
  // ZAPLIFY_TEST_PLUGIN_DIR / ZAPLIFY_TEST_SERVER_BINARY: another build's server (e.g. an older
  // commit's, to record the read_identity_test golden file).
  const std::string default_plugins = env_or("ZAPLIFY_TEST_PLUGIN_DIR", ZAPLIFY_PLUGIN_DIR);
  y << "plugins_dir: " << yaml_quote(o.plugins_dir.empty() ? default_plugins : o.plugins_dir)
    << "\n";
  y << "plugins:\n";
  auto emit = [&](const std::string& name, bool enabled) {
    auto lib = o.library_paths.count(name) ? o.library_paths.at(name) : name + ".so";
    y << "  - name: " << name << "\n    library: " << yaml_quote(lib)
      << "\n    enabled: " << (enabled ? "true" : "false") << "\n";
    auto it = o.plugin_config.find(name);
    if (it != o.plugin_config.end()) {
      y << "    config: " << it->second.dump() << "\n";
    } else if (name == "cache" && o.redis) {
      // One Redis serves every test, and ctest runs test processes in parallel: a server starting
      // in another test invalidates *its* keys only (its catch-up empties the cache). Servers of
      // one test process share the prefix, so tests of sharing between instances still share.
      y << "    config: {\"key_prefix\": \"zaplify-test-" << ::getpid() << ":\"}\n";
    }
  };
  for (const auto& p : o.plugins) emit(p, true);
  for (const auto& p : o.disabled) emit(p, false);
  y << o.extra_yaml;
  return y.str();
}

ServerProcess::ServerProcess(ServerOptions options) : options_(std::move(options)) {
  work_dir_ = (fs::temp_directory_path() / ("zaplify-test-" + unique_suffix())).string();
  fs::create_directories(work_dir_);
  if (!options_.database_url.empty()) {
    database_url_ = options_.database_url;
  } else if (options_.database == "postgres") {
    database_url_ = fresh_postgres_database();
    owns_database_ = true;
  } else {
    database_url_ = "sqlite3://" + work_dir_ + "/analytics.db";
  }
  config_path_ = work_dir_ + "/analytics.yaml";
  rewrite_config(options_);

  ServerLaunch launch;
  launch.binary = env_or("ZAPLIFY_TEST_SERVER_BINARY", ZAPLIFY_SERVER_BINARY);
  launch.config_path = config_path_;
  launch.work_dir = work_dir_;
  launch.args = options_.args;
  launch.env = options_.env;
  launch.env.emplace("LOG_LEVEL", env_or("ZAPLIFY_TEST_LOG_LEVEL", "info"));
  if (options_.redis) launch.env.emplace("REDIS_URL", redis_url());
  if (!options_.secret_key.empty()) launch.env.emplace("SECRET_KEY", options_.secret_key);
  server_ = std::make_unique<LaunchedServer>(launch);
  if (!server_->wait_port() && options_.wait_ready) {
    ADD_FAILURE() << "server did not start listening; log:\n" << log();
  } else if (options_.wait_ready && !wait_healthy()) {
    ADD_FAILURE() << "server did not become healthy; log:\n" << log();
  } else if (options_.wait_ready && !wait_caught_up()) {
    ADD_FAILURE() << "plugins did not catch up with the event log; log:\n" << log();
  }
}

ServerProcess::~ServerProcess() {
  if (running()) {
    signal(SIGTERM);
    // A clean drain exits 0; anything else (a sanitizer report, a crash in shutdown) fails the
    // test.
    int status = wait_exit(10000);
    if (status == -1)
      ADD_FAILURE() << "server did not exit on SIGTERM";
    else if (status != 0)
      ADD_FAILURE() << "server exited with status " << status << " on SIGTERM";
  }
  if (::testing::Test::HasFailure()) {
    std::string l = server_->process().log(6000);
    std::cerr << "---- server log (tail) ----\n" << l << "\n---------------------------\n";
  }
  std::error_code ec;
  fs::remove_all(work_dir_, ec);
  if (owns_database_) drop_postgres_database(database_url_);
}

void ServerProcess::rewrite_config(const ServerOptions& options) {
  std::ofstream(config_path_) << render_yaml(options);
}

HttpResponse ServerProcess::get(const std::string& target, const Headers& headers) const {
  return http_request(port(), "GET", target, {}, headers);
}

HttpResponse ServerProcess::post_json(const std::string& target, const nlohmann::json& body,
                                      const Headers& headers) const {
  return http_request(port(), "POST", target, body.dump(), headers);
}

HttpResponse ServerProcess::request(const std::string& method, const std::string& target,
                                    const std::string& body, const Headers& headers) const {
  return http_request(port(), method, target, body, headers);
}

bool wait_for_status(const ServerProcess& server, const std::string& target, int status,
                     int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (server.get(target).status == status) return true;
    sleep_ms(25);
  }
  return false;
}

bool ServerProcess::wait_healthy(int timeout_ms) const {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!server_->process().running()) return false;
    auto r = http_request(port(), "GET", "/health", {}, {}, 2000);
    if (r.status != 0) return true;
    sleep_ms(20);
  }
  return false;
}

bool ServerProcess::wait_caught_up(int timeout_ms) const {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = http_request(port(), "GET", "/health", {}, {}, 2000);
    if (r.status != 0) {
      auto body = nlohmann::json::parse(r.body, nullptr, false);
      bool catching_up = false;
      if (body.is_object() && body.contains("plugins") && body["plugins"].is_array())
        for (const auto& p : body["plugins"])
          catching_up = catching_up || p.value("status", "") == "catching_up";
      if (!catching_up) return true;
    }
    sleep_ms(20);
  }
  return false;
}

}  // namespace zaplify::testing
