#pragma once
// A private redis-server for one test: started in the foreground on a loopback port, stopped,
// crashed, paused and restarted on the same port.

#include <cstdint>
#include <memory>
#include <string>

#include "support/harness/child_process.h"

namespace zaplify::testing {

class RedisProcess {
 public:
  static constexpr const char* kBinary = "/usr/bin/redis-server";
  static bool available();

  /// Picks the port (started by start()). Throws std::runtime_error when no port can be had.
  RedisProcess();
  ~RedisProcess();
  RedisProcess(const RedisProcess&) = delete;
  RedisProcess& operator=(const RedisProcess&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

  /// Starts (again, on the same port, with no data); true once this process answers PING. A first
  /// start that finds its port taken by another process moves to a fresh port.
  bool start();
  /// A polite shutdown (SIGTERM, after waking a paused server).
  void stop();
  /// A crash: SIGKILL.
  void kill();
  /// Keeps its data but stops answering (SIGSTOP) / answers again (SIGCONT).
  void pause();
  void resume();

  /// Runs `name arg` on a fresh connection; the integer or string reply as text, "" on failure.
  std::string command(const std::string& name, const std::string& arg) const;

 private:
  bool start_on_port();
  bool answers_as_itself() const;

  std::uint16_t port_ = 0;
  std::string log_path_;
  std::unique_ptr<ChildProcess> process_;
  bool started_once_ = false;
};

}  // namespace zaplify::testing
