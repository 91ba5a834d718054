#pragma once
// The HTTP front: Pistache endpoint + the host's request pipeline around every route of the
// current RouteTable (request id · timer · auth · role · window parsing · cache with single-flight
// · concurrency limit on a bounded worker pool · error envelope · metrics · access log).

#include <cstdint>
#include <memory>
#include <string>

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
  std::uint16_t port = 8003;               ///< 0 picks a free port (see HttpServer::port()).
  int threads = 2;                         ///< Pistache reactor threads.
  std::size_t max_request_bytes = 16u << 20;
  int max_concurrent_requests = 10;        ///< Worker pool size for heavy (uncached) routes.
  int queue_size = 32;                     ///< Waiting heavy requests beyond the pool; more → 503.
  int retention_days = 90;                 ///< Longest window a query may ask for.
};

/// Collaborators; all must outlive the server.
struct HttpServices {
  const RouteTableSource* routes = nullptr;
  Authenticator* auth = nullptr;
  ResponseCache* cache = nullptr;
  PrometheusRegistry* metrics = nullptr;
  const sdk::Calendar* calendar = nullptr;
};

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

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zaplify::core
