#pragma once
// A child process of a test or a benchmark (the server, redis-server, a tool), its output appended
// to a log file, with the waits the suites need. No GoogleTest: failures are return values or
// std::runtime_error.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace zaplify::testing {

struct ProcessSpec {
  std::vector<std::string> argv;  ///< argv[0] is the executable's path.
  std::string log_path;           ///< stdout and stderr are appended here.
  std::vector<std::string> unset_env;
  std::map<std::string, std::string> set_env;  ///< Applied after `unset_env`.
};

class ChildProcess {
 public:
  /// Forks and execs. Throws std::runtime_error when fork fails; a failed exec exits 127.
  explicit ChildProcess(const ProcessSpec& spec);
  /// Kills (SIGKILL) and reaps a process still running: a destructor never leaves one behind.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int pid() const { return pid_; }
  /// False once the process has exited (it is then reaped and `exit_status()` is set).
  bool running();
  /// The exit code, or 128 + the signal that ended it; empty while it runs.
  std::optional<int> exit_status() const { return exit_status_; }
  void signal(int sig);
  /// Waits for the exit; returns its status, or -1 after `timeout_ms` (the process then killed).
  int wait_exit(int timeout_ms);
  /// SIGTERM, then wait_exit(timeout_ms). -1 when it had to be killed, or was not running.
  int stop(int timeout_ms = 15000);
  /// The log so far, or its last `max_bytes`.
  std::string log(std::size_t max_bytes = std::string::npos) const;
  const std::string& log_path() const { return log_path_; }

 private:
  int pid_ = -1;
  std::optional<int> exit_status_;
  std::string log_path_;
};

void sleep_ms(int ms);

}  // namespace zaplify::testing
