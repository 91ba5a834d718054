#pragma once
// Starts the real zaplify-analytics binary for a test or a benchmark. The caller writes the YAML
// with `server.port: 0`; the server binds a port the kernel picks and reports it through
// `--port-file`, so two servers started at once can never be given the same port (a port picked
// by the caller and released before the server binds it can be: a test then talks to another
// test's server).

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/harness/child_process.h"

namespace zaplify::testing {

struct ServerLaunch {
  std::string binary;       ///< Path of zaplify-analytics.
  std::string config_path;  ///< Its YAML (server.port: 0); the port file is this path + ".port".
  std::string work_dir;     ///< Holds server.log unless `log_path` is set.
  std::string log_path;
  std::vector<std::string> args;           ///< More command-line arguments.
  std::map<std::string, std::string> env;  ///< Set for the server (the rest is inherited).
};

/// The server's environment variables that override its YAML: cleared for a launched server, so
/// only the YAML and ServerLaunch::env configure it.
const std::vector<std::string>& server_override_variables();

class LaunchedServer {
 public:
  /// Starts the server (does not wait). Throws std::runtime_error when it cannot fork.
  explicit LaunchedServer(const ServerLaunch& launch);

  /// Waits until the server has written its port: false when it exited first (see process()) or
  /// `timeout_ms` passed.
  bool wait_port(int timeout_ms = 60000);
  /// 0 until wait_port() succeeded.
  std::uint16_t port() const { return port_; }
  ChildProcess& process() { return *process_; }
  const ChildProcess& process() const { return *process_; }

 private:
  std::unique_ptr<ChildProcess> process_;
  std::string port_file_;
  std::uint16_t port_ = 0;
};

}  // namespace zaplify::testing
