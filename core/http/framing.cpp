#include "http/framing.h"

#include <optional>

namespace zaplify::core {
namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr std::size_t npos = std::string_view::npos;
// A chunk-size line (size and extensions) longer than this is refused: no client needs more.
constexpr std::size_t kMaxChunkLine = 1024;
// Each read re-walks the chunks received so far, so their number bounds the work per read (a
// client sending 1-byte chunks would otherwise make framing quadratic). Clients send KiB chunks.
constexpr std::size_t kMaxChunks = 65536;
constexpr std::size_t kMaxTrailerBytes = 64u << 10;

bool is_tchar(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != npos;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (!is_tchar(c)) return false;
  return true;
}

// VCHAR, SP, HTAB and obs-text; never CR, LF, NUL or another control character.
bool is_field_value(std::string_view s) {
  for (unsigned char c : s)
    if (c != '\t' && (c < 0x20 || c == 0x7f)) return false;
  return true;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// Calls `fn` with each trimmed element of a comma-separated field value (empty ones included).
template <typename Fn>
void for_each_element(std::string_view value, Fn fn) {
  for (;;) {
    std::size_t comma = value.find(',');
    fn(trim_ows(value.substr(0, comma)));
    if (comma == npos) return;
    value.remove_prefix(comma + 1);
  }
}

Frame refuse(int status, std::string code, std::string message, WireRequest partial = {}) {
  Frame f;
  f.kind = Frame::Kind::Error;
  f.status = status;
  f.code = std::move(code);
  f.message = std::move(message);
  f.request = std::move(partial);
  return f;
}

Frame bad_request(std::string message, WireRequest partial = {}) {
  return refuse(400, "bad_request", std::move(message), std::move(partial));
}

/// A bare LF (not after CR) anywhere in `s`: a line ending we do not accept.
bool has_bare_lf(std::string_view s) {
  for (std::size_t i = s.find('\n'); i != npos; i = s.find('\n', i + 1))
    if (i == 0 || s[i - 1] != '\r') return true;
  return false;
}

/// Parses "METHOD /target HTTP/1.x" into `req`; an error frame when it is not one.
std::optional<Frame> parse_request_line(std::string_view line, const FramingLimits& limits,
                                        WireRequest& req) {
  std::size_t sp1 = line.find(' ');
  std::size_t sp2 = sp1 == npos ? npos : line.find(' ', sp1 + 1);
  if (sp2 == npos || !is_token(line.substr(0, sp1))) return bad_request("malformed request line");
  req.method = std::string(line.substr(0, sp1));
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (target.size() > limits.max_target_bytes)
    return refuse(
        414, "uri_too_long",
        "the request target exceeds " + std::to_string(limits.max_target_bytes) + " bytes");
  if (target.empty() || target.front() != '/')
    return bad_request("the request target must start with '/'");
  for (unsigned char c : target)
    if (c <= 0x20 || c >= 0x7f) return bad_request("malformed request target");
  if (version == "HTTP/1.1")
    req.minor_version = 1;
  else if (version == "HTTP/1.0")
    req.minor_version = 0;
  else
    return refuse(400, "unsupported_http_version", "only HTTP/1.0 and HTTP/1.1 are supported");
  std::size_t q = target.find('?');
  req.path = std::string(target.substr(0, q));
  if (q != npos) req.query = std::string(target.substr(q + 1));
  return std::nullopt;
}

/// Parses the header lines of `fields` (each ending in CRLF) into `req.headers`.
std::optional<Frame> parse_fields(std::string_view fields, WireRequest& req) {
  while (!fields.empty()) {
    std::size_t end = fields.find(kCrlf);
    std::string_view line = fields.substr(0, end);
    fields.remove_prefix(end + 2);
    if (line.front() == ' ' || line.front() == '\t')
      return bad_request("obsolete header line folding", req);
    std::size_t colon = line.find(':');
    if (colon == npos || !is_token(line.substr(0, colon)))
      return bad_request("malformed header field", req);
    std::string_view value = trim_ows(line.substr(colon + 1));
    if (!is_field_value(value)) return bad_request("control character in a header value", req);
    auto [it, fresh] = req.headers.try_emplace(lower(line.substr(0, colon)), value);
    if (!fresh) it->second.append(", ").append(value);
  }
  return std::nullopt;
}

/// The body length Content-Length announces; an error when it is not one non-negative decimal
/// (all copies equal) or exceeds the limit.
std::optional<Frame> content_length(const std::string& value, const FramingLimits& limits,
                                    const WireRequest& req, std::size_t& length) {
  std::optional<std::size_t> seen;
  bool malformed = false;
  for_each_element(value, [&](std::string_view e) {
    std::size_t v = 0;
    if (e.empty()) malformed = true;
    for (char c : e) {
      if (!is_digit(c)) malformed = true;
      // Saturate just above the limit: any larger value is equally too large, and no overflow.
      else
        v = v > limits.max_body_bytes ? v : v * 10 + static_cast<std::size_t>(c - '0');
    }
    if (seen && *seen != v) malformed = true;
    seen = v;
  });
  if (malformed || !seen)
    return bad_request("Content-Length must be one non-negative decimal number", req);
  if (*seen > limits.max_body_bytes)
    return refuse(413, "payload_too_large",
                  "the body exceeds " + std::to_string(limits.max_body_bytes) + " bytes", req);
  length = *seen;
  return std::nullopt;
}

/// Connection and Expect rules: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive".
void apply_connection_options(WireRequest& req, bool& expects_continue) {
  req.keep_alive = req.minor_version == 1;
  if (auto it = req.headers.find("connection"); it != req.headers.end()) {
    for_each_element(it->second, [&](std::string_view e) {
      std::string token = lower(e);
      if (token == "close") req.keep_alive = false;
      if (token == "keep-alive" && req.minor_version == 0) req.keep_alive = true;
    });
  }
  auto expect = req.headers.find("expect");
  expects_continue =
      expect != req.headers.end() && lower(trim_ows(expect->second)) == "100-continue";
}

/// The result of walking a chunked body.
struct ChunkWalk {
  enum class State { NeedMore, Done, Error } state = State::NeedMore;
  std::size_t end = 0;  ///< Done: bytes the chunked body (with trailers) occupied.
  Frame error;
};

ChunkWalk chunk_error(int status, std::string code, std::string message) {
  ChunkWalk w;
  w.state = ChunkWalk::State::Error;
  w.error = refuse(status, std::move(code), std::move(message));
  return w;
}

/// Reads the hex size of a chunk-size line (extensions after ';' skipped). -1: malformed; a
/// size above `room` is returned as room + 1.
long long chunk_size(std::string_view line, std::size_t room) {
  std::size_t digits = 0, size = 0;
  while (digits < line.size() && hex_value(line[digits]) >= 0) {
    if (size <= room) size = size * 16 + static_cast<std::size_t>(hex_value(line[digits]));
    ++digits;
  }
  if (digits == 0) return -1;
  std::string_view rest = trim_ows(line.substr(digits));
  if (!rest.empty() && (rest.front() != ';' || !is_field_value(rest))) return -1;
  return static_cast<long long>(std::min(size, room + 1));
}

/// True while an unfinished chunk-size line can still become a valid one.
bool chunk_line_prefix_ok(std::string_view partial) {
  if (partial.size() > kMaxChunkLine) return false;
  std::size_t i = 0;
  while (i < partial.size() && hex_value(partial[i]) >= 0) ++i;
  if (i == partial.size()) return true;
  if (i == 0) return false;
  std::string_view rest = partial.substr(i);
  if (partial.back() == '\r') rest.remove_suffix(1);
  rest = trim_ows(rest);
  return rest.empty() || (rest.front() == ';' && is_field_value(rest));
}

/// Walks the trailer section after the last chunk, up to its blank line.
ChunkWalk walk_trailers(std::string_view data, std::size_t pos) {
  const std::size_t start = pos;
  for (;;) {
    if (pos - start > kMaxTrailerBytes)
      return chunk_error(400, "bad_request", "trailer section too large");
    std::size_t end = data.find(kCrlf, pos);
    if (end == npos) {
      if (data.size() - pos > kMaxChunkLine)
        return chunk_error(400, "bad_request", "trailer line too long");
      return {};
    }
    if (end == pos) return {ChunkWalk::State::Done, end + 2, {}};
    std::string_view line = data.substr(pos, end - pos);
    std::size_t colon = line.find(':');
    if (colon == npos || !is_token(line.substr(0, colon)) || !is_field_value(line))
      return chunk_error(400, "bad_request", "malformed trailer field");
    pos = end + 2;
  }
}

/// Walks a chunked body at the start of `data`; appends the decoded bytes to `body` when given.
ChunkWalk walk_chunks(std::string_view data, std::size_t max_body, std::string* body) {
  std::size_t pos = 0, total = 0;
  for (std::size_t chunks = 0;; ++chunks) {
    if (chunks > kMaxChunks)
      return chunk_error(413, "payload_too_large",
                         "the body has more than " + std::to_string(kMaxChunks) + " chunks");
    std::size_t line_end = data.find(kCrlf, pos);
    if (line_end == npos) {
      if (!chunk_line_prefix_ok(data.substr(pos)))
        return chunk_error(400, "bad_request", "malformed chunk size line");
      return {};
    }
    long long size = chunk_size(data.substr(pos, line_end - pos), max_body - total);
    if (size < 0) return chunk_error(400, "bad_request", "malformed chunk size line");
    auto n = static_cast<std::size_t>(size);
    if (n > max_body - total)
      return chunk_error(413, "payload_too_large",
                         "the body exceeds " + std::to_string(max_body) + " bytes");
    pos = line_end + 2;
    if (n == 0) return walk_trailers(data, pos);
    std::size_t available = data.size() - pos;
    if (available < n + 2) {
      bool bad_end = (available > n && data[pos + n] != '\r');
      if (bad_end) return chunk_error(400, "bad_request", "chunk data must end with CRLF");
      return {};
    }
    if (data.substr(pos + n, 2) != kCrlf)
      return chunk_error(400, "bad_request", "chunk data must end with CRLF");
    if (body) body->append(data.substr(pos, n));
    total += n;
    pos += n + 2;
  }
}

/// How the body is delimited, per RFC 9112 §6.
std::optional<Frame> body_framing(const WireRequest& req, const FramingLimits& limits,
                                  bool& chunked, std::size_t& length) {
  auto te = req.headers.find("transfer-encoding");
  auto cl = req.headers.find("content-length");
  chunked = false;
  length = 0;
  if (te != req.headers.end()) {
    if (cl != req.headers.end())
      return bad_request("Content-Length and Transfer-Encoding must not be sent together", req);
    if (req.minor_version == 0)
      return bad_request("Transfer-Encoding is not allowed with HTTP/1.0", req);
    if (lower(trim_ows(te->second)) != "chunked")
      return refuse(501, "not_implemented", "only the chunked transfer coding is supported", req);
    chunked = true;
    return std::nullopt;
  }
  if (cl != req.headers.end()) return content_length(cl->second, limits, req, length);
  return std::nullopt;
}

/// Whether the bytes so far (`rest`, after `skipped` empty lines), with no complete head yet, are
/// already beyond saving.
Frame incomplete_head(std::string_view rest, std::size_t skipped, const FramingLimits& limits) {
  if (has_bare_lf(rest)) return bad_request("lines must end with CRLF");
  std::size_t line_end = rest.find(kCrlf);
  if (line_end == npos && rest.size() > limits.max_target_bytes + 64)
    return refuse(
        414, "uri_too_long",
        "the request target exceeds " + std::to_string(limits.max_target_bytes) + " bytes");
  if (skipped + rest.size() > limits.max_head_bytes)
    return refuse(431, "headers_too_large",
                  "the request head exceeds " + std::to_string(limits.max_head_bytes) + " bytes");
  if (line_end != npos) {
    WireRequest probe;  // a complete request line can be judged before the headers end
    if (auto error = parse_request_line(rest.substr(0, line_end), limits, probe)) return *error;
  }
  return {};
}

/// Reads the body after a complete head at `body_start`.
Frame read_body(std::string_view input, std::size_t body_start, WireRequest req,
                const FramingLimits& limits, bool expects_continue) {
  bool chunked = false;
  std::size_t length = 0;
  if (auto error = body_framing(req, limits, chunked, length)) return *error;
  std::string_view data = input.substr(body_start);
  Frame f;
  if (chunked) {
    ChunkWalk walk = walk_chunks(data, limits.max_body_bytes, nullptr);
    if (walk.state == ChunkWalk::State::Error) {
      walk.error.request = std::move(req);
      return walk.error;
    }
    if (walk.state == ChunkWalk::State::NeedMore) {
      f.expects_continue = expects_continue && data.empty();
      return f;
    }
    walk_chunks(data, limits.max_body_bytes, &req.body);
    length = walk.end;
  } else if (data.size() < length) {
    f.expects_continue = expects_continue && data.empty();
    return f;
  } else {
    req.body.assign(data.substr(0, length));
  }
  f.kind = Frame::Kind::Request;
  f.consumed = body_start + length;
  f.request = std::move(req);
  return f;
}

}  // namespace

Frame frame_request(std::string_view input, const FramingLimits& limits) {
  std::size_t start = 0;  // RFC 9112 §2.2: ignore empty lines before the request line
  while (input.substr(start, 2) == kCrlf) start += 2;
  std::string_view rest = input.substr(start);
  std::size_t head_end = rest.find("\r\n\r\n");
  if (head_end == npos) return incomplete_head(rest, start, limits);
  if (head_end + 4 > limits.max_head_bytes)
    return refuse(431, "headers_too_large",
                  "the request head exceeds " + std::to_string(limits.max_head_bytes) + " bytes");
  std::size_t line_end = rest.find(kCrlf);
  WireRequest req;
  if (auto error = parse_request_line(rest.substr(0, line_end), limits, req)) return *error;
  if (auto error = parse_fields(rest.substr(line_end + 2, head_end + 2 - (line_end + 2)), req))
    return *error;
  bool expects_continue = false;
  apply_connection_options(req, expects_continue);
  return read_body(input, start + head_end + 4, std::move(req), limits, expects_continue);
}

const char* reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

std::string response_head(int status,
                          const std::vector<std::pair<std::string, std::string>>& headers,
                          std::size_t content_length, bool keep_alive) {
  if (status < 100 || status > 999) status = 500;
  std::string head = "HTTP/1.1 " + std::to_string(status) + ' ' + reason_phrase(status) + "\r\n";
  for (const auto& [name, value] : headers) {
    if (!is_token(name) || !is_field_value(value)) continue;  // never let a value split the head
    head.append(name).append(": ").append(value).append(kCrlf);
  }
  head.append("Content-Length: ").append(std::to_string(content_length)).append(kCrlf);
  // Spelled as Pistache spelled them, which clients of earlier releases may compare verbatim.
  head.append(keep_alive ? "Connection: Keep-Alive\r\n\r\n" : "Connection: Close\r\n\r\n");
  return head;
}

}  // namespace zaplify::core
