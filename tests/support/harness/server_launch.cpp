#include "support/harness/server_launch.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace zaplify::testing {

const std::vector<std::string>& server_override_variables() {
  static const std::vector<std::string> names{
      "DATABASE_URL", "HOST", "LOG_LEVEL", "PLUGINS_DIR", "PORT", "REDIS_URL", "SECRET_KEY"};
  return names;
}

namespace {

// The port once the file holds a whole line (the server renames it into place), else 0.
std::uint16_t read_port_file(const std::string& path) {
  std::ifstream in(path);
  long port = 0;
  if (!(in >> port) || port <= 0 || port > 65535) return 0;
  return static_cast<std::uint16_t>(port);
}

}  // namespace

// The port file is named after the configuration: servers started from one folder never share it.
LaunchedServer::LaunchedServer(const ServerLaunch& launch)
    : port_file_(launch.config_path + ".port") {
  std::filesystem::remove(port_file_);
  ProcessSpec spec;
  spec.argv = {launch.binary, "--config", launch.config_path, "--port-file", port_file_};
  spec.argv.insert(spec.argv.end(), launch.args.begin(), launch.args.end());
  spec.log_path = launch.log_path.empty() ? launch.work_dir + "/server.log" : launch.log_path;
  spec.unset_env = server_override_variables();
  spec.set_env = launch.env;
  process_ = std::make_unique<ChildProcess>(spec);
}

bool LaunchedServer::wait_port(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    if ((port_ = read_port_file(port_file_)) != 0) return true;
    if (!process_->running() || std::chrono::steady_clock::now() >= deadline) return false;
    sleep_ms(10);
  }
}

}  // namespace zaplify::testing
