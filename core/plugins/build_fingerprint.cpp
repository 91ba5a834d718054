#include "plugins/build_fingerprint.h"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <vector>

namespace zaplify::core {

std::string file_fingerprint(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "unreadable";
  std::uint64_t hash = 1469598103934665603ull;  // FNV-1a offset basis; not a security measure
  std::vector<char> buffer(1 << 16);
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
    const auto n = static_cast<std::size_t>(in.gcount());
    for (std::size_t i = 0; i < n; ++i) {
      hash ^= static_cast<unsigned char>(buffer[i]);
      hash *= 1099511628211ull;
    }
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

const std::string& host_fingerprint() {
  static const std::string id = file_fingerprint("/proc/self/exe");
  return id;
}

}  // namespace zaplify::core
