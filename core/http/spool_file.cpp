#include "http/spool_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace zaplify::core {
namespace {

constexpr std::size_t kBufferBytes = 256 * 1024;

std::string spool_dir(const std::string& dir) {
  if (!dir.empty()) return dir;
  const char* tmp = std::getenv("TMPDIR");
  return tmp && *tmp ? tmp : "/tmp";
}

}  // namespace

SpoolFile::SpoolFile(const std::string& dir) {
  std::string d = spool_dir(dir);
  fd_ = ::open(d.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    // Filesystems without O_TMPFILE: a named file, unlinked at once.
    std::string templ = d + "/zaplify-spool-XXXXXX";
    std::vector<char> name(templ.begin(), templ.end());
    name.push_back('\0');
    fd_ = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd_ >= 0) ::unlink(name.data());
  }
  if (fd_ < 0)
    throw std::runtime_error("cannot create a spool file in " + d + ": " + std::strerror(errno));
  buffer_.reserve(kBufferBytes);
}

SpoolFile::~SpoolFile() {
  if (fd_ >= 0) ::close(fd_);
}

void SpoolFile::write(std::string_view bytes) {
  if (buffer_.size() + bytes.size() > kBufferBytes) flush();
  if (bytes.size() >= kBufferBytes) {
    buffer_.assign(bytes);
    flush();
    return;
  }
  buffer_.append(bytes);
}

void SpoolFile::flush() {
  std::size_t off = 0;
  while (off < buffer_.size()) {
    ssize_t n = ::write(fd_, buffer_.data() + off, buffer_.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("spool write failed: ") + std::strerror(errno));
    }
    off += static_cast<std::size_t>(n);
  }
  size_ += buffer_.size();
  buffer_.clear();
}

void SpoolFile::finish() { flush(); }

std::string SpoolFile::path() const { return "/proc/self/fd/" + std::to_string(fd_); }

}  // namespace zaplify::core
