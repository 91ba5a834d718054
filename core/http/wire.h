#pragma once
// The transport side of an answer: one request between its arrival and its answer (Exchange), and
// writing an Outgoing (buffered, or a spooled file) on its connection from any thread.

#include <chrono>
#include <memory>
#include <string>

#include "http/connection.h"
#include "http/framing.h"
#include "http/pipeline.h"

namespace zaplify::core {

/// One request between its arrival and its answer. Shared between the reactor and a worker.
struct Exchange {
  Exchange(std::shared_ptr<Connection> c, WireRequest r)
      : connection(std::move(c)), request(std::move(r)), keep_alive(request.keep_alive) {}
  std::shared_ptr<Connection> connection;
  WireRequest request;
  bool keep_alive;                  ///< False: the connection closes after this answer.
  std::string method = "-";         ///< As sent; "-" when the request line was unreadable.
  std::string route = "unmatched";  ///< The route template once matched (a metrics label).
  std::string request_id;
  std::string tenant;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
};

/// Writes `out` (status, headers, body or spooled file) with X-Request-ID on the exchange's
/// connection. Safe from a worker thread. Never throws. Call once per exchange.
void send_outgoing(Exchange& ex, const Outgoing& out);

}  // namespace zaplify::core
