#include "http/wire.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <sstream>

namespace zaplify::core {
namespace Http = Pistache::Http;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

/// A response header with any name: Pistache 0.0.5 writes only typed headers (a Raw one added to
/// the response is silently dropped), so every header the host sets goes through this class.
class DynamicHeader final : public Http::Header::Header {
 public:
  DynamicHeader(std::string name, std::string value) : name_(std::move(name)), value_(std::move(value)) {}
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

void set_header(Http::ResponseWriter& writer, std::string name, std::string value) {
  writer.headers().add(std::make_shared<DynamicHeader>(std::move(name), std::move(value)));
}

}  // namespace

std::map<std::string, std::string> collect_headers(const Http::Request& request) {
  std::map<std::string, std::string> out;
  const auto& collection = request.headers();
  for (const auto& h : collection.list()) {
    std::ostringstream value;
    h->write(value);
    out[lower(h->name())] = value.str();
  }
  for (const auto& [name, raw] : collection.rawList()) out[lower(name)] = raw.value();
  return out;
}

void apply_keep_alive(const Http::Request& request, const std::map<std::string, std::string>& headers,
                      Http::ResponseWriter& writer) {
  if (request.version() != Http::Version::Http11 || headers.count("connection")) return;
  // Pistache pre-sets "Connection: Close" here; adding alone does not override it.
  writer.headers().remove<Http::Header::Connection>();
  writer.headers().add<Http::Header::Connection>(Http::ConnectionControl::KeepAlive);
}

void send_outgoing(Exchange& ex, const Outgoing& out) {
  try {
    set_header(ex.writer, "X-Request-ID", ex.request_id);
    if (!out.x_cache.empty()) set_header(ex.writer, "X-Cache", out.x_cache);
    if (out.retry_after_seconds > 0)
      set_header(ex.writer, "Retry-After", std::to_string(out.retry_after_seconds));
    for (const auto& [name, value] : out.headers) {
      std::string n = lower(name);
      if (n == "content-type" || n == "content-length" || n == "connection" ||
          n == "transfer-encoding")
        continue;  // owned by the host
      set_header(ex.writer, name, value);
    }
    auto code = static_cast<Http::Code>(out.status);
    if (out.file) {
      auto mime = Http::Mime::MediaType::fromString(out.content_type);
      auto file = out.file;  // the spool must stay open until Pistache has opened it
      Http::serveFile(ex.writer, file->path(), mime)
          .then([file](ssize_t) {}, [file](std::exception_ptr) {});
      return;
    }
    set_header(ex.writer, "Content-Type", out.content_type);
    ex.writer.send(code, out.body);
  } catch (const std::exception& e) {
    spdlog::error("request {}: could not send the response: {}", ex.request_id, e.what());
  } catch (...) {
    spdlog::error("request {}: could not send the response", ex.request_id);
  }
}

}  // namespace zaplify::core
