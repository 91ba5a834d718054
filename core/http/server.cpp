#include "http/server.h"

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <random>
#include <shared_mutex>
#include <unordered_map>
#include <stdexcept>
#include <thread>

#include "auth/authenticator.h"
#include "calendar/calendar.h"
#include "http/pipeline.h"
#include "http/query_string.h"
#include "http/request_id.h"
#include "http/wire.h"
#include "http/worker_pool.h"
#include "observability/prometheus.h"

namespace zaplify::core {
namespace Http = Pistache::Http;

namespace {

std::int64_t wall_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool method_from(Http::Method m, sdk::Method& out) {
  switch (m) {
    case Http::Method::Get: out = sdk::Method::Get; return true;
    case Http::Method::Post: out = sdk::Method::Post; return true;
    case Http::Method::Put: out = sdk::Method::Put; return true;
    case Http::Method::Delete: out = sdk::Method::Delete; return true;
    case Http::Method::Patch: out = sdk::Method::Patch; return true;
    default: return false;
  }
}

// Reads of tenant data need a tenant; the host's admin reads (/metrics, /admin/*) are
// server-wide, so a "*" admin token may call them without X-Tenant-ID.
bool needs_tenant(const RouteEntry& entry, sdk::Method method) {
  if (method != sdk::Method::Get) return false;
  return !(entry.plugin == "core" && entry.spec.required_role == sdk::Role::Admin);
}

bool is_json_content_type(const std::string& ct) {
  std::string base = ct.substr(0, ct.find(';'));
  while (!base.empty() && base.back() == ' ') base.pop_back();
  for (auto& c : base) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return base == "application/json";
}

std::string header_or_empty(const std::map<std::string, std::string>& h, const char* name) {
  auto it = h.find(name);
  return it == h.end() ? std::string() : it->second;
}

}  // namespace

struct HttpServer::Impl {
  HttpSettings settings;
  HttpServices services;
  std::unique_ptr<Http::Endpoint> endpoint;
  std::unique_ptr<WorkerPool> pool;
  std::atomic<int> in_flight{0};
  std::atomic<bool> draining{false};
  std::atomic<bool> started{false};
  sdk::Counter* overloads = nullptr;
  GaugeMetric* in_flight_gauge = nullptr;
  /// Per-(route, method, status) series, so the hot path skips building label maps.
  std::shared_mutex series_mutex;
  std::unordered_map<std::string, std::pair<sdk::Counter*, sdk::Histogram*>> series;

  void observe(const Exchange& ex, int status, double seconds);

  void handle(const Http::Request& request, Http::ResponseWriter writer);
  void dispatch(const std::shared_ptr<Exchange>& ex, const Http::Request& request,
                const std::map<std::string, std::string>& headers);
  void reply(const std::shared_ptr<Exchange>& ex, Outgoing out);
  void run_uncached(const std::shared_ptr<Exchange>& ex, std::shared_ptr<const RouteEntry> entry,
                    std::shared_ptr<sdk::Request> req, std::int64_t now_ms);
  void run_cached(const std::shared_ptr<Exchange>& ex, std::shared_ptr<const RouteEntry> entry,
                  std::shared_ptr<sdk::Request> req, std::int64_t now_ms);
  std::function<CachedResponse()> cached_compute(std::shared_ptr<const RouteEntry> entry,
                                                 std::shared_ptr<sdk::Request> req);
  std::int64_t now_ms() const {
    return services.calendar ? services.calendar->now_ms() : wall_now_ms();
  }
  bool submit(std::function<void()> job) {
    if (pool && pool->try_submit(std::move(job))) return true;
    if (overloads) overloads->inc();
    return false;
  }
};

namespace {

using OnRequest = std::function<void(const Http::Request&, Http::ResponseWriter)>;

// Pistache clones the handler per reactor thread; every clone forwards to the one server.
class PipelineHandler : public Http::Handler {
 public:
  HTTP_PROTOTYPE(PipelineHandler)
  explicit PipelineHandler(OnRequest on_request) : on_request_(std::move(on_request)) {}
  void onRequest(const Http::Request& request, Http::ResponseWriter writer) override {
    on_request_(request, std::move(writer));
  }

 private:
  OnRequest on_request_;
};

}  // namespace

void HttpServer::Impl::handle(const Http::Request& request, Http::ResponseWriter writer) {
  auto ex = std::make_shared<Exchange>(std::move(writer));
  auto headers = collect_headers(request);
  ex->request_id = request_id_from(header_or_empty(headers, "x-request-id"));
  ex->method = Http::methodString(request.method());
  apply_keep_alive(request, headers, ex->writer);
  in_flight.fetch_add(1);
  if (in_flight_gauge) in_flight_gauge->add(1);
  if (draining.load()) {
    reply(ex, error_outgoing(503, "shutting_down", "the server is shutting down"));
    return;
  }
  try {
    dispatch(ex, request, headers);
  } catch (...) {
    reply(ex, outgoing_for_exception(std::current_exception(), ex->request_id));
  }
}

void HttpServer::Impl::dispatch(const std::shared_ptr<Exchange>& ex, const Http::Request& request,
                                const std::map<std::string, std::string>& headers) {
  const std::string& path = request.resource();
  sdk::Method method = sdk::Method::Get;
  bool known_method = method_from(request.method(), method);
  auto table = services.routes->current();
  RouteMatch match = table->match(method, path);
  if (!known_method && match.entry) {
    match.allowed.push_back(match.entry->spec.method);
    match.entry.reset();
    match.method_not_allowed = true;
  }
  if (match.method_not_allowed) {
    std::string allow;
    for (auto m : match.allowed) allow += (allow.empty() ? "" : ", ") + std::string(sdk::method_name(m));
    auto out = error_outgoing(405, "method_not_allowed", "method not allowed for " + path);
    out.headers.emplace_back("Allow", allow);
    return reply(ex, std::move(out));
  }
  if (!match.entry) return reply(ex, error_outgoing(404, "not_found", "no route for " + path));
  auto entry = match.entry;
  const auto& spec = entry->spec;
  ex->route = spec.path;

  if (request.body().size() > settings.max_request_bytes)
    return reply(ex, error_outgoing(413, "payload_too_large",
                                    "the body exceeds " + std::to_string(settings.max_request_bytes) + " bytes"));
  std::string content_type = header_or_empty(headers, "content-type");
  if (method != sdk::Method::Get && (!request.body().empty() || !content_type.empty()) &&
      !is_json_content_type(content_type))
    return reply(ex, error_outgoing(415, "unsupported_media_type", "the body must be application/json"));

  std::int64_t now = now_ms();
  Principal principal;
  if (!is_public_route(*entry)) {
    principal = services.auth->authenticate(header_or_empty(headers, "authorization"),
                                            header_or_empty(headers, "x-tenant-id"),
                                            needs_tenant(*entry, method), now / 1000);
    if (principal.role < spec.required_role)
      return reply(ex, error_outgoing(403, "forbidden", "this route needs a higher role"));
  }
  ex->tenant = principal.tenant_id;

  auto req = std::make_shared<sdk::Request>();
  req->method = method;
  req->path = url_decode(path, false);
  req->path_params = std::move(match.path_params);
  for (auto it = request.query().parameters_begin(); it != request.query().parameters_end(); ++it)
    req->query[url_decode(it->first, true)] = url_decode(it->second, true);
  req->headers = headers;
  req->body = request.body();
  req->tenant_id = principal.tenant_id;
  req->role = principal.role;
  req->request_id = ex->request_id;
  if (spec.windowed) req->window = parse_window(req->query, now, settings.retention_days);

  bool cacheable = method == sdk::Method::Get && spec.cache != sdk::CachePolicy::None && services.cache;
  if (cacheable) return run_cached(ex, entry, req, now);
  run_uncached(ex, entry, req, now);
}

void HttpServer::Impl::run_uncached(const std::shared_ptr<Exchange>& ex,
                                    std::shared_ptr<const RouteEntry> entry,
                                    std::shared_ptr<sdk::Request> req, std::int64_t now_ms) {
  auto job = [this, ex, entry, req, now_ms]() {
    Outgoing out;
    try {
      out = invoke_route(entry, *req, services.calendar, now_ms, StreamMode::Spool);
    } catch (...) {
      out = outgoing_for_exception(std::current_exception(), ex->request_id);
    }
    reply(ex, std::move(out));
  };
  if (!entry->spec.heavy) return job();
  if (!submit(job)) reply(ex, error_outgoing(503, "overloaded", "the server is busy; retry shortly"));
}

std::function<CachedResponse()> HttpServer::Impl::cached_compute(std::shared_ptr<const RouteEntry> entry,
                                                                 std::shared_ptr<sdk::Request> req) {
  return [this, entry, req]() {
    std::int64_t computed_at = now_ms();
    Outgoing out = invoke_route(entry, *req, services.calendar, computed_at, StreamMode::Buffer);
    return to_cached(out, computed_at);
  };
}

void HttpServer::Impl::run_cached(const std::shared_ptr<Exchange>& ex,
                                  std::shared_ptr<const RouteEntry> entry,
                                  std::shared_ptr<sdk::Request> req, std::int64_t) {
  const auto& spec = entry->spec;
  auto key = ResponseCache::make_key(spec.path, req->path,
                                     cache_query(spec, req->query, spec.windowed ? &req->window : nullptr));
  services.cache->record_use(req->tenant_id, req->path, req->query);
  ResponseCache::Schedule schedule;
  if (spec.heavy) {
    schedule = [this](std::function<void()> job) { return submit(std::move(job)); };
  } else {
    schedule = [](std::function<void()> job) {
      job();
      return true;
    };
  }
  services.cache->fetch_async(
      req->tenant_id, key, spec.cache, cached_compute(entry, req), schedule,
      [this, ex](const CachedResponse* r, bool hit, std::exception_ptr error) {
        Outgoing out = error ? outgoing_for_exception(error, ex->request_id) : from_cached(*r);
        out.x_cache = hit ? "HIT" : "MISS";
        reply(ex, std::move(out));
      });
}

void HttpServer::Impl::reply(const std::shared_ptr<Exchange>& ex, Outgoing out) {
  send_outgoing(*ex, out);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - ex->start).count();
  observe(*ex, out.status, seconds);
  spdlog::info("{} {} {} {:.2f}ms tenant={} request_id={}", ex->method, ex->route, out.status,
               seconds * 1000.0, ex->tenant.empty() ? "-" : ex->tenant, ex->request_id);
  if (in_flight_gauge) in_flight_gauge->add(-1);
  in_flight.fetch_sub(1);
}

void HttpServer::Impl::observe(const Exchange& ex, int status, double seconds) {
  auto* m = services.metrics;
  if (!m) return;
  std::string id = ex.route + '\n' + ex.method + '\n' + std::to_string(status);
  std::pair<sdk::Counter*, sdk::Histogram*> s{nullptr, nullptr};
  {
    std::shared_lock lock(series_mutex);
    if (auto it = series.find(id); it != series.end()) s = it->second;
  }
  if (!s.first) {
    s.first = &m->counter("http_requests_total", "HTTP requests by route template, method and status.",
                          {{"route", ex.route}, {"method", ex.method}, {"status", std::to_string(status)}});
    s.second = &m->histogram("http_request_duration_seconds", "HTTP request latency by route template.",
                             {{"route", ex.route}});
    std::unique_lock lock(series_mutex);
    series.emplace(id, s);
  }
  s.first->inc();
  s.second->observe(seconds);
}

HttpServer::HttpServer(HttpSettings settings, HttpServices services) : impl_(std::make_unique<Impl>()) {
  impl_->settings = std::move(settings);
  impl_->services = services;
  if (!services.routes || !services.auth)
    throw std::invalid_argument("HttpServer needs a route table source and an authenticator");
  if (auto* m = services.metrics) {
    impl_->overloads = &m->counter("http_overload_rejections_total",
                                   "Requests refused with 503 because the worker pool and its queue were full.");
    impl_->in_flight_gauge = &m->gauge("http_in_flight", "HTTP requests accepted and not yet answered.");
  }
}

HttpServer::~HttpServer() { shutdown(0); }

void HttpServer::start() {
  std::signal(SIGPIPE, SIG_IGN);
  auto& s = impl_->settings;
  impl_->pool = std::make_unique<WorkerPool>(s.max_concurrent_requests, s.queue_size);
  Pistache::Address address(s.host, Pistache::Port(s.port));
  impl_->endpoint = std::make_unique<Http::Endpoint>(address);
  // Room above the configured limit so a body just over it gets our JSON 413, not Pistache's text.
  std::size_t headroom = std::max<std::size_t>(1u << 20, s.max_request_bytes / 8);
  auto opts = Http::Endpoint::options()
                  .threads(std::max(1, s.threads))
                  .flags(Pistache::Tcp::Options::ReuseAddr | Pistache::Tcp::Options::NoDelay)
                  .maxRequestSize(s.max_request_bytes + headroom)
                  .keepaliveTimeout(std::chrono::seconds(60));
  try {
    impl_->endpoint->init(opts);
    impl_->endpoint->setHandler(Http::make_handler<PipelineHandler>(
        [impl = impl_.get()](const Http::Request& r, Http::ResponseWriter w) { impl->handle(r, std::move(w)); }));
    impl_->endpoint->serveThreaded();
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot listen on " + s.host + ":" + std::to_string(s.port) + ": " + e.what());
  }
  impl_->started = true;
}

std::uint16_t HttpServer::port() const {
  return impl_->endpoint ? static_cast<std::uint16_t>(impl_->endpoint->getPort()) : 0;
}

void HttpServer::shutdown(int drain_ms) {
  if (!impl_->started.exchange(false)) return;
  impl_->draining = true;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max(0, drain_ms));
  while (impl_->in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  impl_->pool->stop();
  impl_->endpoint->shutdown();
}

int HttpServer::in_flight() const { return impl_->in_flight.load(); }

std::optional<CachedResponse> HttpServer::recompute(const std::string& tenant, const std::string& path,
                                                    const std::map<std::string, std::string>& query) {
  auto& svc = impl_->services;
  auto match = svc.routes->current()->match(sdk::Method::Get, path);
  if (!match.entry || match.entry->spec.cache == sdk::CachePolicy::None || !svc.cache) return std::nullopt;
  auto entry = match.entry;
  auto req = std::make_shared<sdk::Request>();
  req->path = url_decode(path, false);
  req->path_params = std::move(match.path_params);
  req->query = query;
  req->tenant_id = tenant;
  req->role = entry->spec.required_role;
  req->request_id = request_id_from({});
  try {
    if (entry->spec.windowed) req->window = parse_window(query, impl_->now_ms(), impl_->settings.retention_days);
    auto key = ResponseCache::make_key(entry->spec.path, req->path,
                                       cache_query(entry->spec, query, entry->spec.windowed ? &req->window : nullptr));
    return svc.cache->refresh(tenant, key, entry->spec.cache, impl_->cached_compute(entry, req));
  } catch (...) {
    auto out = outgoing_for_exception(std::current_exception(), req->request_id);
    return to_cached(out, impl_->now_ms());
  }
}

}  // namespace zaplify::core
