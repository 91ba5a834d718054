#include "support/harness/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace zaplify::testing {

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

namespace {

// This process's environment with `spec`'s changes, built before fork (setenv after fork in a
// process with threads may deadlock in malloc).
std::vector<std::string> child_environment(const ProcessSpec& spec) {
  std::vector<std::string> out;
  for (char** e = environ; e && *e; ++e) {
    std::string entry = *e;
    std::string name = entry.substr(0, entry.find('='));
    bool dropped = spec.set_env.count(name) > 0;
    for (const auto& unset : spec.unset_env) dropped = dropped || unset == name;
    if (!dropped) out.push_back(std::move(entry));
  }
  for (const auto& [name, value] : spec.set_env) out.push_back(name + "=" + value);
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& texts) {
  std::vector<char*> out;
  for (auto& t : texts) out.push_back(t.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

ChildProcess::ChildProcess(const ProcessSpec& spec) : log_path_(spec.log_path) {
  if (spec.argv.empty()) throw std::runtime_error("ChildProcess: empty argv");
  std::vector<std::string> args = spec.argv;
  std::vector<std::string> environment = child_environment(spec);
  std::vector<char*> argv = pointers(args);
  std::vector<char*> envp = pointers(environment);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {  // only async-signal-safe calls from here
    int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
}

ChildProcess::~ChildProcess() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

bool ChildProcess::running() {
  if (pid_ <= 0 || exit_status_) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) != pid_) return true;
  exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return false;
}

void ChildProcess::signal(int sig) {
  if (running()) ::kill(pid_, sig);
}

int ChildProcess::wait_exit(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!running()) return exit_status_.value_or(-1);
    sleep_ms(20);
  }
  if (running()) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    exit_status_ = 128 + SIGKILL;
  }
  return -1;
}

int ChildProcess::stop(int timeout_ms) {
  if (!running()) return -1;
  ::kill(pid_, SIGTERM);
  return wait_exit(timeout_ms);
}

std::string ChildProcess::log(std::size_t max_bytes) const {
  std::ifstream in(log_path_);
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  return text.size() > max_bytes ? text.substr(text.size() - max_bytes) : text;
}

}  // namespace zaplify::testing
