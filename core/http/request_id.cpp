#include "http/request_id.h"

#include <random>

namespace zaplify::core {

std::string request_id_from(const std::string& v) {
  bool ok = !v.empty() && v.size() <= 128;
  for (char c : v) {
    if (!ok) break;
    ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == ':' || c == '-';
  }
  if (ok) return v;
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* hex = "0123456789abcdef";
  std::uint64_t x = rng();
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i, x >>= 4) id[static_cast<std::size_t>(i)] = hex[x & 15];
  return id;
}

}  // namespace zaplify::core
