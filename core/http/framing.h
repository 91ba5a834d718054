#pragma once
// The first stage of the request pipeline: raw connection bytes → whole HTTP/1.x requests
// (RFC 9112), or a refusal with its status, before anything else looks at a request. Pure (no
// sockets, no Pistache), so the unit tests and the fuzz target drive it directly.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zaplify::core {

struct FramingLimits {
  std::size_t max_body_bytes = 16u << 20;    ///< server.max_request_bytes; larger → 413.
  std::size_t max_head_bytes = 64u << 10;    ///< Request line + header fields; larger → 431.
  std::size_t max_target_bytes = 16u << 10;  ///< The request-target (path + query); longer → 414.
};

/// One request as it came off the wire, transport-neutral.
struct WireRequest {
  std::string method;     ///< As sent (a token; case-sensitive).
  std::string path;       ///< The target before '?', still percent-encoded.
  std::string query;      ///< The target after '?', without it, still encoded ("" when absent).
  int minor_version = 1;  ///< HTTP/1.<minor_version>: 0 or 1.
  std::map<std::string, std::string> headers;  ///< Lower-cased names; repeats joined by ", ".
  std::string body;                            ///< De-chunked.
  bool keep_alive = true;                      ///< False: the connection closes after the answer.
};

/// What frame_request found at the start of the input.
struct Frame {
  enum class Kind { NeedMore, Request, Error };
  Kind kind = Kind::NeedMore;
  /// Request: bytes the request occupied. Error/NeedMore: 0 (after an error the rest of the
  /// stream cannot be trusted, so the connection closes).
  std::size_t consumed = 0;
  /// Request: the request. Error: what was read of it before the error (method and headers may
  /// be empty), so the answer can still echo X-Request-ID and name the method in the access log.
  WireRequest request;
  int status = 0;       ///< Error: 400, 411, 413, 414, 431 or 501.
  std::string code;     ///< Error: the envelope's code.
  std::string message;  ///< Error: the envelope's message (never input echoed back).
  /// NeedMore: the head is complete, asked for "Expect: 100-continue" and the body is not here.
  bool expects_continue = false;
};

/// Frames the request at the start of `input`. Rules: CRLF line endings only; method a token;
/// target origin-form ("/..."); version HTTP/1.0 or HTTP/1.1; header names tokens with no space
/// before ':', no obsolete line folding, no control characters in values. Content-Length: digits
/// only, every copy equal; above limits.max_body_bytes → 413. Transfer-Encoding "chunked" only
/// (else 501), never together with Content-Length, never on HTTP/1.0; chunked bodies are decoded
/// and refused as soon as a chunk line is malformed. Never throws; cost is linear in the input.
Frame frame_request(std::string_view input, const FramingLimits& limits);

/// The standard reason phrase of `status` ("Unknown" for codes we never send).
const char* reason_phrase(int status);

/// A response head: status line, `headers` in order, Content-Length, Connection, blank line.
std::string response_head(int status,
                          const std::vector<std::pair<std::string, std::string>>& headers,
                          std::size_t content_length, bool keep_alive);

}  // namespace zaplify::core
