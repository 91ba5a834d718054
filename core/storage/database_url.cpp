#include "storage/database_url.h"

#include <cctype>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace zaplify::core::storage {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding of URL components (user names and passwords may hold '@', ':' or '/').
std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex_value(s[i + 1]);
      int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

// libpq conninfo values are quoted with single quotes; backslash escapes ' and \.
std::string conninfo_value(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

void add_kv(std::string& info, const std::string& key, const std::string& value) {
  if (!info.empty()) info.push_back(' ');
  info += key + "=" + conninfo_value(value);
}

ParsedUrl parse_postgres(std::string_view rest) {
  ParsedUrl out;
  out.dialect = sdk::Dialect::PostgreSQL;
  std::string_view query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view authority = rest, db;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    authority = rest.substr(0, slash);
    db = rest.substr(slash + 1);
  }
  std::string_view userinfo, hostport = authority;
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    userinfo = authority.substr(0, at);
    hostport = authority.substr(at + 1);
  }
  std::string info;
  if (!hostport.empty()) {
    std::string_view host = hostport, port;
    if (hostport.front() == '[') {  // [ipv6]:port
      auto close = hostport.find(']');
      if (close == std::string_view::npos)
        throw std::invalid_argument("malformed host in DATABASE_URL");
      host = hostport.substr(1, close - 1);
      if (close + 1 < hostport.size() && hostport[close + 1] == ':')
        port = hostport.substr(close + 2);
    } else if (auto colon = hostport.rfind(':'); colon != std::string_view::npos) {
      host = hostport.substr(0, colon);
      port = hostport.substr(colon + 1);
    }
    for (char c : port)
      if (!std::isdigit(static_cast<unsigned char>(c)))
        throw std::invalid_argument("the port of DATABASE_URL is not a number");
    if (!host.empty()) add_kv(info, "host", percent_decode(host));
    if (!port.empty()) add_kv(info, "port", std::string(port));
  }
  if (!db.empty()) add_kv(info, "dbname", percent_decode(db));
  if (!userinfo.empty()) {
    auto colon = userinfo.find(':');
    add_kv(info, "user", percent_decode(userinfo.substr(0, colon)));
    if (colon != std::string_view::npos)
      add_kv(info, "password", percent_decode(userinfo.substr(colon + 1)));
  }
  bool has_timeout = false;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string key = percent_decode(pair.substr(0, eq));
    std::string value =
        eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
    for (char c : key)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
        throw std::invalid_argument("malformed query parameter in DATABASE_URL");
    if (key == "connect_timeout") has_timeout = true;
    add_kv(info, key, value);
  }
  // A dead host must fail in seconds, not after the OS's TCP timeout.
  if (!has_timeout) add_kv(info, "connect_timeout", "5");
  out.pg_conninfo = info;
  return out;
}

}  // namespace

ParsedUrl parse_database_url(const std::string& url) {
  std::string_view u = url;
  for (std::string_view scheme : {"sqlite3://", "sqlite://"}) {
    if (starts_with(u, scheme)) {
      ParsedUrl out;
      out.dialect = sdk::Dialect::SQLite;
      out.sqlite_path = std::string(u.substr(scheme.size()));
      if (auto q = out.sqlite_path.find('?'); q != std::string::npos) out.sqlite_path.resize(q);
      if (out.sqlite_path.empty())
        throw std::invalid_argument("DATABASE_URL sqlite3:// needs a file path");
      return out;
    }
  }
  for (std::string_view scheme : {"postgresql://", "postgres://"})
    if (starts_with(u, scheme)) return parse_postgres(u.substr(scheme.size()));
  throw std::invalid_argument("DATABASE_URL must start with sqlite3:// or postgresql:// (got '" +
                              redact_url(url) + "')");
}

std::string redact_url(const std::string& url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) {
    // Not a URL: it could be a conninfo string with password=...
    auto p = url.find("password=");
    if (p == std::string::npos) return url;
    auto end = url.find(' ', p);
    return url.substr(0, p) + "password=***" + (end == std::string::npos ? "" : url.substr(end));
  }
  std::size_t start = scheme_end + 3;
  std::size_t auth_end = url.find_first_of("/?#", start);
  if (auth_end == std::string::npos) auth_end = url.size();
  std::size_t at = url.rfind('@', auth_end);
  if (at == std::string::npos || at < start) return url;
  std::size_t colon = url.find(':', start);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

}  // namespace zaplify::core::storage
