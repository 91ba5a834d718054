// libFuzzer target: arbitrary bytes from a connection through the framing stage, as the server
// reads them (request after request until more bytes are needed or a refusal). Never a crash, a
// hang or a request that claims bytes it did not have, and every answer the server would send for
// the outcome is a well-formed HTTP/1.1 response.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "http/framing.h"

namespace {

using zaplify::core::Frame;

void require(bool ok) {
  if (!ok) std::abort();
}

/// A response head + body must parse back: status line, header lines with a name and ':', no
/// stray CR or LF, the blank line, and exactly Content-Length body bytes.
void check_response(std::string_view wire) {
  require(wire.substr(0, 9) == "HTTP/1.1 " && wire.size() > 12);
  std::size_t head_end = wire.find("\r\n\r\n");
  require(head_end != std::string_view::npos);
  std::string_view head = wire.substr(0, head_end + 2);
  std::size_t length = SIZE_MAX;
  for (std::size_t pos = head.find("\r\n") + 2; pos < head.size();) {
    std::size_t end = head.find("\r\n", pos);
    std::string_view line = head.substr(pos, end - pos);
    require(line.find('\r') == std::string_view::npos && line.find('\n') == std::string_view::npos);
    std::size_t colon = line.find(':');
    require(colon != std::string_view::npos && colon > 0);
    if (line.substr(0, colon) == "Content-Length")
      length = std::stoul(std::string(line.substr(colon + 2)));
    pos = end + 2;
  }
  require(length == wire.size() - head_end - 4);
}

/// What the server answers for `f`: the envelope for a refusal, a body for a request.
std::string answer(const Frame& f) {
  std::string body;
  int status = 200;
  if (f.kind == Frame::Kind::Error) {
    status = f.status;
    require(status == 400 || status == 411 || status == 413 || status == 414 || status == 431 ||
            status == 501);
    body = nlohmann::json{{"error", {{"code", f.code}, {"message", f.message}, {"field", nullptr}}}}
               .dump();
  } else {
    body = nlohmann::json{{"method", f.request.method}, {"path", f.request.path}}.dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  // Header values taken from the request (X-Request-ID) must never split the head.
  auto id = f.request.headers.find("x-request-id");
  std::string echoed = id == f.request.headers.end() ? "-" : id->second;
  std::string wire = zaplify::core::response_head(
      status, {{"X-Request-ID", echoed}, {"Content-Type", "application/json"}}, body.size(),
      f.request.keep_alive);
  return wire + body;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  zaplify::core::FramingLimits limits;  // small limits, so the fuzzer reaches every refusal
  limits.max_body_bytes = 256;
  limits.max_head_bytes = 512;
  limits.max_target_bytes = 128;
  for (int guard = 0; guard <= static_cast<int>(size); ++guard) {
    Frame f = zaplify::core::frame_request(input, limits);
    if (f.kind == Frame::Kind::NeedMore) return 0;
    check_response(answer(f));
    if (f.kind == Frame::Kind::Error) return 0;
    require(f.consumed > 0 && f.consumed <= input.size());
    require(f.request.body.size() <= limits.max_body_bytes);
    // The request's own bytes alone frame to the same request (nothing read beyond it).
    Frame alone = zaplify::core::frame_request(input.substr(0, f.consumed), limits);
    require(alone.kind == Frame::Kind::Request && alone.consumed == f.consumed &&
            alone.request.body == f.request.body);
    input.remove_prefix(f.consumed);
  }
  std::abort();  // more requests than bytes: framing made no progress
}
