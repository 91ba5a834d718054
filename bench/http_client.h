#pragma once
// A small blocking HTTP/1.1 client that keeps its connection alive between requests, for the
// benchmark: one object per thread (not thread-safe), loopback or any IPv4 host.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace zaplify::bench {

struct HttpResponse {
  int status = 0;  ///< 0 when the request failed (see `error`).
  std::vector<std::pair<std::string, std::string>> headers;  ///< Names lower-cased.
  std::string body;                                          ///< De-chunked.
  std::string error;
  /// The first header with this lower-case name, or "".
  std::string header(const std::string& lower_name) const;
};

/// Incremental HTTP/1.1 response parser: feed bytes, it says when one full response is in.
/// Handles Content-Length, chunked (trailers skipped) and, for `Connection: close` responses
/// without a length, body-until-EOF. Pure logic, no sockets, so it is unit-tested on its own.
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

/// One keep-alive connection. Reconnects transparently when the server closed it.
class HttpConnection {
 public:
  HttpConnection(std::string host, std::uint16_t port, int timeout_ms = 120000);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  /// Sends one request with `Connection: keep-alive` and `extra_headers` (full "Name: value"
  /// lines without CRLF). Never throws: a failure gives status 0 and `error`.
  HttpResponse request(const std::string& method, const std::string& target,
                       const std::string& body = {},
                       const std::vector<std::string>& extra_headers = {});
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

/// Splits "http://host:port" (path ignored) into host and port; throws on anything else.
std::pair<std::string, std::uint16_t> parse_base_url(const std::string& url);

}  // namespace zaplify::bench
