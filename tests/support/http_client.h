#pragma once
// A minimal blocking HTTP/1.1 client for tests: one request per connection, over loopback.

#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace zaplify::testing {

struct HttpResponse {
  int status = 0;                              ///< 0 when the connection failed.
  std::map<std::string, std::string> headers;  ///< Names lower-cased.
  std::string body;                            ///< De-chunked.

  /// The body parsed as JSON; a failed parse fails the current test and returns null.
  nlohmann::json json() const;
  std::string header(const std::string& lower_name) const;
};

using Headers = std::map<std::string, std::string>;

/// Sends one request to 127.0.0.1:port. `target` is path + query. Adds Content-Length for bodies
/// and `Connection: close`. Times out after `timeout_ms` (status 0 then).
HttpResponse http_request(std::uint16_t port, const std::string& method, const std::string& target,
                          const std::string& body = {}, const Headers& headers = {},
                          int timeout_ms = 60000);

/// Percent-encodes a query value.
std::string url_encode(const std::string& value);

}  // namespace zaplify::testing
