#pragma once
// The one HTTP/1.1 client of the test suites and the benchmark: a keep-alive connection, a
// one-shot request, and the incremental response parser both share (also used on its own by tests
// that write raw bytes). Blocking, IPv4; no GoogleTest, so zaplify-bench links it too.

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace zaplify::testing {

using Headers = std::map<std::string, std::string>;

struct HttpResponse {
  int status = 0;    ///< 0 when no response arrived (see `error`).
  Headers headers;   ///< Names lower-cased; the first of repeated names.
  std::string body;  ///< De-chunked.
  std::string error;

  /// The body parsed as JSON. Throws std::runtime_error (naming the status and the body's start)
  /// when it is not JSON: inside a test that fails the test at this line.
  nlohmann::json json() const;
  /// The header with this lower-case name, or "".
  std::string header(const std::string& lower_name) const;
};

/// Incremental HTTP/1.1 response parser: feed bytes, it says when one full response is in.
/// Handles Content-Length, chunked (trailers skipped) and, for `Connection: close` responses
/// without a length, body-until-EOF. Pure logic, no sockets.
class ResponseParser {
 public:
  /// REQUIRES: `head_request` true when the request was HEAD (no body follows).
  explicit ResponseParser(bool head_request = false) : head_(head_request) {}
  /// Appends bytes; returns true once the response is complete. Throws std::runtime_error on
  /// malformed input. Bytes past the end of the response are kept in `leftover()`.
  bool feed(const char* data, std::size_t n);
  /// Signals EOF; returns true when that completes a body-until-EOF response.
  bool finish_on_eof();
  HttpResponse& response() { return resp_; }
  std::string& leftover() { return buf_; }
  /// True when the server asked to close the connection after this response.
  bool connection_close() const { return close_; }

 private:
  bool parse_head();
  bool parse_body();
  bool parse_chunked();

  enum class State { Head, Length, Chunked, UntilEof, Done };
  bool head_ = false;
  State state_ = State::Head;
  std::string buf_;
  std::size_t remaining_ = 0;
  bool close_ = false;
  HttpResponse resp_;
};

/// One keep-alive connection; not thread-safe (one object per thread). Reconnects transparently
/// when the server closed it between requests.
class HttpConnection {
 public:
  HttpConnection(std::string host, std::uint16_t port, int timeout_ms = 120000);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  /// Sends one request with `headers`; adds Host, `Connection: keep-alive` unless `headers` name
  /// a Connection, Content-Length for a body (and for every POST/PUT) and
  /// `Content-Type: application/json` when a body goes without a type. Never throws: a failure
  /// gives status 0 and `error`.
  HttpResponse request(const std::string& method, const std::string& target,
                       const std::string& body = {}, const Headers& headers = {});
  /// How many TCP connections this object opened (1 means keep-alive held throughout).
  int connects() const { return connects_; }

 private:
  void open();
  void close_socket();
  HttpResponse exchange(const std::string& wire, bool head);

  std::string host_;
  std::uint16_t port_;
  int timeout_ms_;
  int fd_ = -1;
  int connects_ = 0;
};

/// One request on a connection of its own (`Connection: close`) to 127.0.0.1:port; `target` is
/// path + query. Status 0 when the connection failed or `timeout_ms` passed.
HttpResponse http_request(std::uint16_t port, const std::string& method, const std::string& target,
                          const std::string& body = {}, const Headers& headers = {},
                          int timeout_ms = 60000);

/// Percent-encodes a query value.
std::string url_encode(const std::string& value);

/// Splits "http://host:port" (path ignored) into host and port; throws on anything else.
std::pair<std::string, std::uint16_t> parse_base_url(const std::string& url);

}  // namespace zaplify::testing
