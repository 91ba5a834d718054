#include "server_launcher.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "support/harness/http_client.h"

namespace zaplify::bench {
namespace {

std::string quote(const std::string& s) { return nlohmann::json(s).dump(); }

bool listed(const std::string& comma_list, std::string_view name) {
  std::size_t start = 0;
  while (start <= comma_list.size()) {
    std::size_t end = comma_list.find(',', start);
    if (end == std::string::npos) end = comma_list.size();
    if (std::string_view(comma_list).substr(start, end - start) == name) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

std::string render_server_yaml(const LaunchOptions& o) {
  std::ostringstream y;
  y << "server:\n  host: 127.0.0.1\n  port: 0\n  threads: " << o.threads
    << "\n  max_concurrent_requests: " << o.max_concurrent_requests
    << "\n  max_request_bytes: " << (64 << 20) << "\n"
    << "database:\n  url: " << quote(o.database_url) << "\n  pool_size: " << o.pool_size << "\n"
    << (o.sqlite_cache_mb > 0 ? "  sqlite_cache_mb: " + std::to_string(o.sqlite_cache_mb) + "\n"
                              : "")
    << "auth:\n  mode: none\n"
    << "cache:\n  backend: " << o.cache_backend << "\n";
  if (o.cache_backend == "redis") y << "  redis_url: " << quote(o.redis_url) << "\n";
  if (o.cache_max_bytes > 0) y << "  max_bytes: " << o.cache_max_bytes << "\n";
  y << "metrics:\n  purge_interval_seconds: 0\n"
    << "logging:\n  level: " << o.log_level << "\n"
    << "plugins_dir: " << quote(o.plugins_dir) << "\n"
    << "plugins:\n";
  for (const char* name :
       {"metrics", "funnel", "conversation", "export", "cache", "costs", "cohorts"}) {
    bool enabled = o.plugins_enabled && (std::string(name) != "cache" || o.cache_enabled);
    if (!o.only_plugins.empty()) enabled = o.plugins_enabled && listed(o.only_plugins, name);
    y << "  - name: " << name << "\n    library: " << quote(std::string(name) + ".so")
      << "\n    enabled: " << (enabled ? "true" : "false") << "\n";
    if (auto it = o.plugin_configs.find(name); it != o.plugin_configs.end())
      y << "    config: " << it->second << "\n";
  }
  return y.str();
}

ServerInstance::ServerInstance(const LaunchOptions& o, int ready_timeout_ms) {
  static std::atomic<int> launched{0};
  const std::string name =
      "server-" + std::to_string(::getpid()) + "-" + std::to_string(launched++);
  testing::ServerLaunch launch;
  launch.binary = o.binary;
  launch.config_path = o.work_dir + "/" + name + ".yaml";
  launch.log_path = o.work_dir + "/" + name + ".log";
  launch.work_dir = o.work_dir;
  std::ofstream(launch.config_path) << render_server_yaml(o);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ready_timeout_ms);
  server_ = std::make_unique<testing::LaunchedServer>(launch);
  if (!server_->wait_port(ready_timeout_ms))
    throw std::runtime_error("the server did not start listening; log:\n" + log_tail());
  while (std::chrono::steady_clock::now() < deadline) {
    testing::HttpConnection probe("127.0.0.1", port(), 2000);
    if (probe.request("GET", "/health").status == 200) return;
    if (!server_->process().running()) break;
    testing::sleep_ms(50);
  }
  std::string tail = log_tail();
  stop();
  throw std::runtime_error("the server did not answer GET /health with 200; log:\n" + tail);
}

ServerInstance::~ServerInstance() { stop(); }

}  // namespace zaplify::bench
