#pragma once
// A streamed response body spooled to an anonymous temporary file, so a million-row export never
// sits in memory; the HTTP layer then sends it with sendfile.

#include <cstdint>
#include <string>
#include <string_view>

#include "zaplify/sdk/http.h"

namespace zaplify::core {

/// Not thread-safe (one producer). The file has no name on disk (O_TMPFILE, or unlinked right
/// after mkstemp); it disappears when the last descriptor to it closes.
class SpoolFile final : public sdk::ByteSink {
 public:
  /// Throws std::runtime_error when no temporary file can be made in `dir` ($TMPDIR or /tmp when
  /// empty).
  explicit SpoolFile(const std::string& dir = {});
  ~SpoolFile() override;
  SpoolFile(const SpoolFile&) = delete;
  SpoolFile& operator=(const SpoolFile&) = delete;

  void write(std::string_view bytes) override;
  /// Flushes the buffer. Throws std::runtime_error on a write error (e.g. disk full).
  void finish();
  std::uint64_t size() const { return size_; }
  int fd() const { return fd_; }
  /// A path that opens this file ("/proc/self/fd/N") while this object lives.
  std::string path() const;

 private:
  void flush();
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::string buffer_;
};

/// A ByteSink that keeps everything in memory, for small streamed bodies that are cached.
class StringSink final : public sdk::ByteSink {
 public:
  void write(std::string_view bytes) override { data.append(bytes); }
  std::string data;
};

}  // namespace zaplify::core
