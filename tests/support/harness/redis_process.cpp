#include "support/harness/redis_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "support/harness/ports.h"

namespace zaplify::testing {
namespace {

// A whole simple reply (+, -, :) or bulk string ($len, then len bytes).
bool reply_complete(const std::string& reply) {
  auto line_end = reply.find("\r\n");
  if (line_end == std::string::npos) return false;
  if (reply[0] != '$' || reply.compare(0, 3, "$-1") == 0) return true;
  std::size_t length = std::stoul(reply.substr(1, line_end - 1));
  return reply.size() >= line_end + 2 + length + 2;
}

// One RESP request on a fresh connection; the raw reply ("" when nothing came within 500 ms).
std::string exchange(std::uint16_t port, const std::vector<std::string>& words) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return {};
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string reply;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    // Appended piece by piece: GCC 12's -Wrestrict misfires on "literal" + std::string.
    std::string wire(1, '*');
    wire.append(std::to_string(words.size())).append("\r\n");
    for (const auto& w : words)
      wire.append(1, '$').append(std::to_string(w.size())).append("\r\n").append(w).append("\r\n");
    if (::send(fd, wire.data(), wire.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(wire.size())) {
      char buf[16384];
      pollfd p{fd, POLLIN, 0};
      while (!reply_complete(reply) && ::poll(&p, 1, 500) > 0) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        reply.append(buf, static_cast<std::size_t>(n));
      }
    }
  }
  ::close(fd);
  return reply;
}

}  // namespace

bool RedisProcess::available() { return ::access(kBinary, X_OK) == 0; }

RedisProcess::RedisProcess() : port_(free_port()) {
  log_path_ =
      (std::filesystem::temp_directory_path() /
       ("zaplify-redis-" + std::to_string(::getpid()) + "-" + std::to_string(port_) + ".log"))
          .string();
}

RedisProcess::~RedisProcess() {
  stop();
  std::error_code ec;
  std::filesystem::remove(log_path_, ec);
}

bool RedisProcess::start() {
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (start_on_port()) return started_once_ = true;
    // Another process holds the port: a first start moves on; a restart keeps its port (the
    // code under test reconnects to it) and waits for it to be released.
    if (!started_once_) port_ = free_port();
    sleep_ms(100);
  }
  return false;
}

bool RedisProcess::start_on_port() {
  stop();
  ProcessSpec spec;
  spec.argv = {kBinary,  "--port", std::to_string(port_), "--bind", "127.0.0.1",
               "--save", "",       "--appendonly",        "no"};
  spec.log_path = log_path_;
  process_ = std::make_unique<ChildProcess>(spec);
  for (int i = 0; i < 500 && process_->running(); ++i) {
    if (answers_as_itself()) return true;
    sleep_ms(10);
  }
  process_.reset();
  return false;
}

// PING answered by *this* redis-server (INFO names its pid), not one that took the port first.
bool RedisProcess::answers_as_itself() const {
  std::string info = exchange(port_, {"INFO", "server"});
  return info.find("process_id:" + std::to_string(process_->pid()) + "\r\n") != std::string::npos;
}

void RedisProcess::stop() {
  if (!process_) return;
  process_->signal(SIGCONT);
  process_->stop(5000);
  process_.reset();
}

void RedisProcess::kill() {
  if (!process_) return;
  process_->signal(SIGKILL);
  process_->wait_exit(5000);
  process_.reset();
}

void RedisProcess::pause() {
  if (process_) process_->signal(SIGSTOP);
}

void RedisProcess::resume() {
  if (process_) process_->signal(SIGCONT);
}

std::string RedisProcess::command(const std::string& name, const std::string& arg) const {
  std::string reply = exchange(port_, {name, arg});
  if (reply.empty()) return {};
  auto line_end = reply.find("\r\n");
  if (reply[0] == ':' || reply[0] == '+') return reply.substr(1, line_end - 1);
  if (reply[0] == '$' && reply.compare(0, 3, "$-1") != 0) {
    std::size_t length = std::stoul(reply.substr(1, line_end - 1));
    return reply.substr(line_end + 2, length);
  }
  return {};
}

}  // namespace zaplify::testing
