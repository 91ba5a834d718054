#include "http/wire.h"

#include <pistache/http.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace zaplify::core {
namespace Http = Pistache::Http;

namespace {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

/// A response header with any name: Pistache 0.0.5 writes only typed headers (a Raw one added to
/// the response is silently dropped), so serveFile's headers go through this class.
class DynamicHeader final : public Http::Header::Header {
 public:
  DynamicHeader(std::string name, std::string value)
      : name_(std::move(name)), value_(std::move(value)) {}
  const char* name() const override { return name_.c_str(); }
  void parseRaw(const char* str, size_t len) override { value_.assign(str, len); }
  void write(std::ostream& os) const override { os << value_; }
#ifdef SAFE_HEADER_CAST
  uint64_t hash() const override { return 0; }
#endif

 private:
  std::string name_;
  std::string value_;
};

/// Every header of the answer except Content-Length and Connection (the framing owns those).
HeaderList answer_headers(const Exchange& ex, const Outgoing& out) {
  HeaderList h;
  h.emplace_back("X-Request-ID", ex.request_id);
  if (!out.x_cache.empty()) h.emplace_back("X-Cache", out.x_cache);
  if (out.retry_after_seconds > 0)
    h.emplace_back("Retry-After", std::to_string(out.retry_after_seconds));
  for (const auto& [name, value] : out.headers) {
    std::string n = lower(name);
    if (n == "content-type" || n == "content-length" || n == "connection" ||
        n == "transfer-encoding")
      continue;  // owned by the host
    h.emplace_back(name, value);
  }
  return h;
}

void send_file(Exchange& ex, const Outgoing& out, HeaderList headers) {
  auto writer = ex.connection->writer();
  for (auto& [name, value] : headers)
    writer.headers().add(std::make_shared<DynamicHeader>(std::move(name), std::move(value)));
  writer.headers().add<Http::Header::Connection>(ex.keep_alive ? Http::ConnectionControl::KeepAlive
                                                               : Http::ConnectionControl::Close);
  auto mime = Http::Mime::MediaType::fromString(out.content_type);
  // The spool must stay open until Pistache has sent it.
  ex.connection->answered(Http::serveFile(writer, out.file->path(), mime), ex.keep_alive, out.file,
                          true);
}

}  // namespace

void send_outgoing(Exchange& ex, const Outgoing& out) {
  try {
    HeaderList headers = answer_headers(ex, out);
    if (out.file) return send_file(ex, out, std::move(headers));
    headers.emplace_back("Content-Type", out.content_type);
    std::string bytes = response_head(out.status, headers, out.body.size(), ex.keep_alive);
    bytes += out.body;
    ex.connection->respond(std::move(bytes), ex.keep_alive);
  } catch (const std::exception& e) {
    spdlog::error("request {}: could not send the response: {}", ex.request_id, e.what());
    ex.connection->respond({}, false);
  } catch (...) {
    spdlog::error("request {}: could not send the response", ex.request_id);
    ex.connection->respond({}, false);
  }
}

}  // namespace zaplify::core
