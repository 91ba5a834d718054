#include "http/server.h"

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <random>
#include <shared_mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "auth/authenticator.h"
#include "calendar/calendar.h"
#include "http/connection.h"
#include "http/framing.h"
#include "http/pipeline.h"
#include "http/query_string.h"
#include "http/request_id.h"
#include "http/stages.h"
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
  /// Answers handed to the transport and not yet written (http/connection.h).
  std::shared_ptr<UnwrittenAnswers> unwritten = std::make_shared<UnwrittenAnswers>(0);
  std::atomic<bool> draining{false};
  std::atomic<bool> started{false};
  sdk::Counter* overloads = nullptr;
  GaugeMetric* in_flight_gauge = nullptr;
  /// Per-(route, method, status) series, so the hot path skips building label maps.
  std::shared_mutex series_mutex;
  std::unordered_map<std::string, std::pair<sdk::Counter*, sdk::Histogram*>> series;

  void observe(const Exchange& ex, int status, double seconds);

  void handle(const std::shared_ptr<Connection>& connection, Frame frame);
  void dispatch(const std::shared_ptr<Exchange>& ex);
  void reply(const std::shared_ptr<Exchange>& ex, Outgoing out);
  void run_uncached(const std::shared_ptr<Exchange>& ex, std::shared_ptr<const RouteEntry> entry,
                    std::shared_ptr<sdk::Request> req, std::int64_t now_ms);
  void run_cached(const std::shared_ptr<Exchange>& ex, std::shared_ptr<const RouteEntry> entry,
                  std::shared_ptr<sdk::Request> req, const std::string& key);
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

// Pistache clones the handler per reactor thread; every clone frames its connections' bytes
// itself (http/connection.h) and hands whole requests to the one server. Pistache's own parser
// (Http::Handler::onInput) never runs.
class FramingHandler : public Http::Handler {
 public:
  HTTP_PROTOTYPE(FramingHandler)
  FramingHandler(FramingLimits limits, std::shared_ptr<const Connection::Dispatch> dispatch,
                 std::shared_ptr<UnwrittenAnswers> unwritten)
      : limits_(limits), dispatch_(std::move(dispatch)), unwritten_(std::move(unwritten)) {}
  void onRequest(const Http::Request&, Http::ResponseWriter) override {}  // never called
  void onInput(const char* buffer, size_t len,
               const std::shared_ptr<Pistache::Tcp::Peer>& peer) override {
    Connection::of(peer, transport(), this, limits_, dispatch_, unwritten_)->on_bytes(buffer, len);
  }
  void onDisconnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override {
    if (auto connection = Connection::find(peer)) connection->on_closed();
    Http::Handler::onDisconnection(peer);
  }

 private:
  FramingLimits limits_;
  std::shared_ptr<const Connection::Dispatch> dispatch_;
  std::shared_ptr<UnwrittenAnswers> unwritten_;
};

}  // namespace

void HttpServer::Impl::handle(const std::shared_ptr<Connection>& connection, Frame frame) {
  auto ex = std::make_shared<Exchange>(connection, std::move(frame.request));
  ex->request_id = request_id_from(header_or_empty(ex->request.headers, "x-request-id"));
  if (!ex->request.method.empty()) ex->method = ex->request.method;
  in_flight.fetch_add(1);
  if (in_flight_gauge) in_flight_gauge->add(1);
  if (frame.kind == Frame::Kind::Error) {
    ex->keep_alive = false;
    return reply(ex, error_outgoing(frame.status, frame.code, frame.message));
  }
  if (draining.load()) {
    reply(ex, error_outgoing(503, "shutting_down", "the server is shutting down"));
    return;
  }
  try {
    dispatch(ex);
  } catch (...) {
    reply(ex, outgoing_for_exception(std::current_exception(), ex->request_id));
  }
}

// The ordered stages of http/stages.h; the first that answers ends the request.
void HttpServer::Impl::dispatch(const std::shared_ptr<Exchange>& ex) {
  WireRequest& wire = ex->request;
  RequestState state;
  if (auto answer = route_stage(*services.routes->current(), wire, state))
    return reply(ex, std::move(*answer));
  ex->route = state.entry->spec.path;
  if (auto answer = body_stage(wire, settings.max_request_bytes, state))
    return reply(ex, std::move(*answer));
  std::int64_t now = now_ms();
  if (auto answer = authenticate_stage(*services.auth, wire, now, state))
    return reply(ex, std::move(*answer));
  if (auto answer = authorise_stage(state)) return reply(ex, std::move(*answer));
  ex->tenant = state.principal.tenant_id;
  parameters_stage(wire, parse_query(wire.query), ex->request_id, now, settings.retention_days,
                   state);
  auto key = services.cache ? cache_key_stage(state) : std::nullopt;
  if (key) return run_cached(ex, state.entry, state.request, *key);
  run_uncached(ex, state.entry, state.request, now);
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
  if (!submit(job))
    reply(ex, error_outgoing(503, "overloaded", "the server is busy; retry shortly"));
}

std::function<CachedResponse()> HttpServer::Impl::cached_compute(
    std::shared_ptr<const RouteEntry> entry, std::shared_ptr<sdk::Request> req) {
  return [this, entry, req]() {
    std::int64_t computed_at = now_ms();
    Outgoing out = invoke_route(entry, *req, services.calendar, computed_at, StreamMode::Buffer);
    return to_cached(out, computed_at);
  };
}

void HttpServer::Impl::run_cached(const std::shared_ptr<Exchange>& ex,
                                  std::shared_ptr<const RouteEntry> entry,
                                  std::shared_ptr<sdk::Request> req, const std::string& key) {
  const auto& spec = entry->spec;
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
      },
      spec.path);
}

void HttpServer::Impl::reply(const std::shared_ptr<Exchange>& ex, Outgoing out) {
  send_outgoing(*ex, out);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - ex->start).count();
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
    s.first = &m->counter(
        "http_requests_total", "HTTP requests by route template, method and status.",
        {{"route", ex.route}, {"method", ex.method}, {"status", std::to_string(status)}});
    s.second = &m->histogram("http_request_duration_seconds",
                             "HTTP request latency by route template.", {{"route", ex.route}});
    std::unique_lock lock(series_mutex);
    series.emplace(id, s);
  }
  s.first->inc();
  s.second->observe(seconds);
}

HttpServer::HttpServer(HttpSettings settings, HttpServices services)
    : impl_(std::make_unique<Impl>()) {
  impl_->settings = std::move(settings);
  impl_->services = services;
  if (!services.routes || !services.auth)
    throw std::invalid_argument("HttpServer needs a route table source and an authenticator");
  if (auto* m = services.metrics) {
    impl_->overloads =
        &m->counter("http_overload_rejections_total",
                    "Requests refused with 503 because the worker pool and its queue were full.");
    impl_->in_flight_gauge =
        &m->gauge("http_in_flight", "HTTP requests accepted and not yet answered.");
  }
}

HttpServer::~HttpServer() { shutdown(0); }

void HttpServer::start() {
  std::signal(SIGPIPE, SIG_IGN);
  auto& s = impl_->settings;
  impl_->pool = std::make_unique<WorkerPool>(s.max_concurrent_requests, s.queue_size);
  Pistache::Address address(s.host, Pistache::Port(s.port));
  impl_->endpoint = std::make_unique<Http::Endpoint>(address);
  // The host frames requests itself (FramingHandler), so Pistache's request size limit is unused.
  auto opts = Http::Endpoint::options()
                  .threads(std::max(1, s.threads))
                  .flags(Pistache::Tcp::Options::ReuseAddr | Pistache::Tcp::Options::NoDelay)
                  .keepaliveTimeout(std::chrono::seconds(60));
  try {
    impl_->endpoint->init(opts);
    auto dispatch = std::make_shared<const Connection::Dispatch>(
        [impl = impl_.get()](const std::shared_ptr<Connection>& c, Frame f) {
          impl->handle(c, std::move(f));
        });
    FramingLimits limits;
    limits.max_body_bytes = s.max_request_bytes;
    impl_->endpoint->setHandler(
        Http::make_handler<FramingHandler>(limits, std::move(dispatch), impl_->unwritten));
    impl_->endpoint->serveThreaded();
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot listen on " + s.host + ":" + std::to_string(s.port) + ": " +
                             e.what());
  }
  impl_->started = true;
}

std::uint16_t HttpServer::port() const {
  return impl_->endpoint ? static_cast<std::uint16_t>(impl_->endpoint->getPort()) : 0;
}

void HttpServer::shutdown(int drain_ms) {
  if (!impl_->started.exchange(false)) return;
  impl_->draining = true;
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max(0, drain_ms));
  // Answered is not yet written: stopping the reactors drops the writes they still queue.
  while ((impl_->in_flight.load() > 0 || impl_->unwritten->load() > 0) &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  impl_->pool->stop();
  impl_->endpoint->shutdown();
}

int HttpServer::in_flight() const { return impl_->in_flight.load(); }

std::optional<CachedResponse> HttpServer::recompute(
    const std::string& tenant, const std::string& path,
    const std::map<std::string, std::string>& query) {
  auto& svc = impl_->services;
  if (!svc.cache) return std::nullopt;
  WireRequest wire;  // the GET a reader would send, through the same stages (no auth: acts as the
                     // route's role)
  wire.method = "GET";
  for (char c : path)
    wire.path += c == '%' ? std::string("%25") : std::string(1, c);  // `path` is decoded
  RequestState state;
  if (route_stage(*svc.routes->current(), wire, state)) return std::nullopt;
  if (state.entry->spec.cache == sdk::CachePolicy::None) return std::nullopt;
  state.principal.tenant_id = tenant;
  state.principal.role = state.entry->spec.required_role;
  std::string request_id = request_id_from({});
  try {
    parameters_stage(wire, query, request_id, impl_->now_ms(), impl_->settings.retention_days,
                     state);
    auto key = cache_key_stage(state);
    if (!key) return std::nullopt;
    return svc.cache->refresh(tenant, *key, state.entry->spec.cache,
                              impl_->cached_compute(state.entry, state.request),
                              state.entry->spec.path);
  } catch (...) {
    auto out = outgoing_for_exception(std::current_exception(), request_id);
    return to_cached(out, impl_->now_ms());
  }
}

}  // namespace zaplify::core
