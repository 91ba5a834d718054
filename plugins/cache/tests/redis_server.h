#pragma once
// Test helper: a private redis-server on a free port, which a test may stop, pause and restart.

#include <hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace zaplify::cache::testing {

inline int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

class RedisServer {
 public:
  static bool available() { return ::access(ZAPLIFY_REDIS_SERVER, X_OK) == 0; }

  RedisServer() : port_(free_port()) {
    pidfile_ = (std::filesystem::temp_directory_path() /
                ("zaplify-cache-test-" + std::to_string(::getpid()) + "-" + std::to_string(port_) +
                 ".pid"))
                   .string();
  }
  ~RedisServer() { stop(); }

  int port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

  /// Starts (again) on the same port; returns once it answers PING.
  bool start() {
    std::string cmd =
        std::string(ZAPLIFY_REDIS_SERVER) + " --port " + std::to_string(port_) +
        " --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --logfile /dev/null"
        " --pidfile " +
        pidfile_;
    if (std::system(cmd.c_str()) != 0) return false;
    for (int i = 0; i < 500; ++i) {
      if (ping()) {
        pid_ = read_pid();
        return pid_ > 0;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGCONT);
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 500 && ::kill(pid_, 0) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    pid_ = -1;
    std::filesystem::remove(pidfile_);
  }
  void pause() { ::kill(pid_, SIGSTOP); }
  void resume() { ::kill(pid_, SIGCONT); }

  /// Runs one command on a fresh connection; returns the integer or string reply as text.
  std::string command(const std::string& a, const std::string& b) const {
    redisContext* c = redisConnect("127.0.0.1", port_);
    std::string out;
    if (c && !c->err) {
      auto* r = static_cast<redisReply*>(redisCommand(c, "%s %b", a.c_str(), b.data(), b.size()));
      if (r && r->type == REDIS_REPLY_INTEGER) out = std::to_string(r->integer);
      if (r && r->type == REDIS_REPLY_STRING) out.assign(r->str, r->len);
      if (r) freeReplyObject(r);
    }
    if (c) redisFree(c);
    return out;
  }

 private:
  bool ping() const {
    timeval tv{0, 100'000};
    redisContext* c = redisConnectWithTimeout("127.0.0.1", port_, tv);
    bool ok = false;
    if (c && !c->err) {
      auto* r = static_cast<redisReply*>(redisCommand(c, "PING"));
      ok = r && r->type == REDIS_REPLY_STATUS;
      if (r) freeReplyObject(r);
    }
    if (c) redisFree(c);
    return ok;
  }
  pid_t read_pid() const {
    for (int i = 0; i < 200; ++i) {
      std::ifstream in(pidfile_);
      pid_t pid = 0;
      if (in >> pid && pid > 0) return pid;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

  int port_;
  pid_t pid_ = -1;
  std::string pidfile_;
};

}  // namespace zaplify::cache::testing
