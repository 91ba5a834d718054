#include "server_launcher.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "http_client.h"

namespace zaplify::bench {
namespace {

std::string quote(const std::string& s) { return nlohmann::json(s).dump(); }

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

}  // namespace

std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot bind a loopback port");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string with_database_name(const std::string& url, const std::string& name) {
  std::string head = url;
  std::string query;
  if (auto q = head.find('?'); q != std::string::npos) {
    query = head.substr(q);
    head.resize(q);
  }
  auto authority = head.find("//");
  auto slash = head.find('/', authority == std::string::npos ? 0 : authority + 2);
  if (slash != std::string::npos) head.resize(slash);
  return head + "/" + name + query;
}

std::string create_postgres_database(const std::string& server_url, const std::string& name) {
  PGconn* conn = PQconnectdb(server_url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string err = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("cannot connect to PostgreSQL " + server_url + ": " + err);
  }
  PGresult* r = PQexec(conn, ("CREATE DATABASE " + name).c_str());
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  std::string err = PQerrorMessage(conn);
  PQclear(r);
  PQfinish(conn);
  if (!ok) throw std::runtime_error("CREATE DATABASE " + name + " failed: " + err);
  return with_database_name(server_url, name);
}

void drop_postgres_database(const std::string& server_url, const std::string& name) {
  PGconn* conn = PQconnectdb(server_url.c_str());
  if (PQstatus(conn) == CONNECTION_OK)
    PQclear(PQexec(conn, ("DROP DATABASE IF EXISTS " + name).c_str()));
  PQfinish(conn);
}

namespace {

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

std::string render_server_yaml(const LaunchOptions& o, std::uint16_t port) {
  std::ostringstream y;
  y << "server:\n  host: 127.0.0.1\n  port: " << port << "\n  threads: " << o.threads
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
  port_ = free_port();
  std::string config = o.work_dir + "/server-" + std::to_string(port_) + ".yaml";
  log_path_ = o.work_dir + "/server-" + std::to_string(port_) + ".log";
  std::ofstream(config) << render_server_yaml(o, port_);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    for (const char* v : {"DATABASE_URL", "PORT", "HOST", "REDIS_URL", "PLUGINS_DIR", "LOG_LEVEL"})
      ::unsetenv(v);
    std::vector<std::string> args{o.binary, "--config", config};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ready_timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("the server exited during start-up; log:\n" + log_tail());
    }
    HttpConnection probe("127.0.0.1", port_, 2000);
    if (probe.request("GET", "/health").status == 200) return;
    sleep_ms(50);
  }
  std::string tail = log_tail();
  stop();
  throw std::runtime_error("the server did not answer GET /health with 200; log:\n" + tail);
}

ServerInstance::~ServerInstance() { stop(); }

int ServerInstance::stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    sleep_ms(20);
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
  return -1;
}

std::string ServerInstance::log_tail(std::size_t max_bytes) const {
  std::ifstream in(log_path_);
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  return text.size() > max_bytes ? text.substr(text.size() - max_bytes) : text;
}

}  // namespace zaplify::bench
