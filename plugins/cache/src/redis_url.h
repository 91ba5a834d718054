#pragma once
// Parsing of REDIS_URL: redis://[[user]:password@]host[:port][/db]

#include <optional>
#include <string>

namespace zaplify::cache {

struct RedisEndpoint {
  std::string host;
  int port = 6379;
  std::string user;      ///< Empty: AUTH with the password only (Redis < 6 style).
  std::string password;  ///< Empty: no AUTH.
  int db = 0;
};

/// Returns nullopt for anything that is not a well-formed redis:// URL (unknown scheme, empty host,
/// port outside 1..65535, non-numeric db). Percent-escapes in user and password are decoded.
std::optional<RedisEndpoint> parse_redis_url(const std::string& url);

}  // namespace zaplify::cache
