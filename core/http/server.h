#pragma once
// The HTTP front: Pistache endpoint (reactors, sockets, writes) + the host's own HTTP/1.1 framing
// (http/framing.h, http/connection.h: strict Content-Length / chunked rules, pipelining in order,
// Connection: close honoured) + the request pipeline as ordered stages (http/stages.h: route ·
// body · auth · role · parameters/window · cache key) around every route of the current
// RouteTable, then the cache with single-flight, the bounded worker pool, the error envelope,
// metrics and the access log. Every answer, framing refusals included, has the envelope of
// docs/api.md, Responses, errors and caching.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "cache/response_cache.h"
#include "routing/route_table.h"

namespace zaplify::sdk {
class Calendar;
}

namespace zaplify::core {

class Authenticator;
class ResponseCache;
class PrometheusRegistry;

struct HttpSettings {
  std::string host = "0.0.0.0";
  std::uint16_t port = 8003;  ///< 0 picks a free port (see HttpServer::port()).
  int threads = 2;            ///< Pistache reactor threads.
  std::size_t max_request_bytes = 16u
                                  << 20;  ///< Largest body; a larger Content-Length → 413 at once.
  int max_concurrent_requests = 10;       ///< Worker pool size for heavy (uncached) routes.
  int queue_size = 32;                    ///< Waiting heavy requests beyond the pool; more → 503.
  int retention_days = 90;                ///< Longest window a query may ask for.
};

/// Collaborators; all must outlive the server.
struct HttpServices {
  const RouteTableSource* routes = nullptr;
  Authenticator* auth = nullptr;
  ResponseCache* cache = nullptr;
  PrometheusRegistry* metrics = nullptr;
  const sdk::Calendar* calendar = nullptr;
};

/// Thread-safe. Public routes (no token): the core's GET /health, /openapi.json, /docs, /docs/...
/// (see is_public_route in http/pipeline.h). GET routes need a tenant (a "*" token must send
/// X-Tenant-ID); other methods may act as tenant "*" for a "*" token without X-Tenant-ID.
class HttpServer {
 public:
  HttpServer(HttpSettings settings, HttpServices services);
  ~HttpServer();
  /// Binds and starts serving on background threads. Throws std::runtime_error when it cannot bind.
  void start();
  /// The bound port (useful with port 0).
  std::uint16_t port() const;
  /// Stops accepting, lets in-flight requests finish (bounded by `drain_ms`), stops the workers.
  void shutdown(int drain_ms = 10000);
  /// Requests accepted and not yet answered.
  int in_flight() const;

  /// Computes the response of GET `path` with `query` for `tenant` without HTTP (no auth; acts with
  /// the route's required role) and stores it in the cache: the ResponseCache::Recompute that
  /// warm_tenant uses (`cache.set_recompute([&s](auto& t, auto& p, auto& q) { return
  /// s.recompute(t, p, q); })`). Runs on the calling thread. Returns nullopt when no cacheable GET
  /// route matches; an error answer comes back as its envelope with its status.
  /// REQUIRES: start() was called (or at least the services are set); thread-safe.
  std::optional<CachedResponse> recompute(const std::string& tenant, const std::string& path,
                                          const std::map<std::string, std::string>& query);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zaplify::core
