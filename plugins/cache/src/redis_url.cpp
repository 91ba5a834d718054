#include "redis_url.h"

#include <charconv>
#include <string_view>

namespace zaplify::cache {
namespace {

std::optional<int> parse_int(std::string_view s, int min, int max) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v < min || v > max)
    return std::nullopt;
  return v;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    int hi = hex_digit(s[i + 1]);
    int lo = hex_digit(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

}  // namespace

std::optional<RedisEndpoint> parse_redis_url(const std::string& url) {
  constexpr std::string_view kScheme = "redis://";
  std::string_view rest(url);
  if (rest.substr(0, kScheme.size()) != kScheme) return std::nullopt;
  rest.remove_prefix(kScheme.size());

  RedisEndpoint ep;
  std::string_view authority = rest.substr(0, rest.find('/'));
  std::string_view path = authority.size() < rest.size() ? rest.substr(authority.size() + 1) : "";
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
    auto colon = userinfo.find(':');
    auto user = percent_decode(userinfo.substr(0, colon));
    auto pass = percent_decode(colon == std::string_view::npos ? "" : userinfo.substr(colon + 1));
    if (!user || !pass) return std::nullopt;
    // "redis://secret@host" is a password alone, as redis-cli reads it.
    if (colon == std::string_view::npos) std::swap(*user, *pass);
    ep.user = std::move(*user);
    ep.password = std::move(*pass);
  }
  if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    auto port = parse_int(authority.substr(colon + 1), 1, 65535);
    if (!port) return std::nullopt;
    ep.port = *port;
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) return std::nullopt;
  ep.host = std::string(authority);
  if (!path.empty()) {
    auto db = parse_int(path, 0, 1 << 20);
    if (!db) return std::nullopt;
    ep.db = *db;
  }
  return ep;
}

}  // namespace zaplify::cache
