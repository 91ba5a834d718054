#pragma once
// A fingerprint of a built binary's bytes, so that answers cached by one build of a plugin (or of
// the host) are never served by another: it is part of every response-cache key, and a cache shared
// by several instances (Redis) shares entries only between identical builds.

#include <string>

namespace zaplify::core {

/// 16 hex digits of FNV-1a 64 over the file's bytes; "unreadable" when it cannot be read (then
/// the caller's other key parts still separate answers, but not builds).
std::string file_fingerprint(const std::string& path);

/// The running host executable's fingerprint (computed once; thread-safe).
const std::string& host_fingerprint();

}  // namespace zaplify::core
