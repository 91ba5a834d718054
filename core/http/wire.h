#pragma once
// The Pistache side of a request: reading headers into a lower-cased map, keep-alive, and writing
// an Outgoing (buffered or spooled) from any thread.

#include <pistache/http.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>

#include "http/pipeline.h"

namespace zaplify::core {

/// Every request header, names lower-cased (typed Pistache headers re-serialised).
std::map<std::string, std::string> collect_headers(const Pistache::Http::Request& request);

/// One request between its arrival and its answer. Shared between the reactor and a worker.
struct Exchange {
  explicit Exchange(Pistache::Http::ResponseWriter w) : writer(std::move(w)) {}
  Pistache::Http::ResponseWriter writer;
  std::string method;
  std::string route = "unmatched";  ///< The route template once matched (a metrics label).
  std::string request_id;
  std::string tenant;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
};

/// Applies SPEC keep-alive rules: HTTP/1.1 without a Connection header stays open (STACK_NOTES §6c).
void apply_keep_alive(const Pistache::Http::Request& request,
                      const std::map<std::string, std::string>& headers,
                      Pistache::Http::ResponseWriter& writer);

/// Writes `out` (status, headers, body or spooled file) with X-Request-ID. Safe from a worker
/// thread. Never throws.
void send_outgoing(Exchange& ex, const Outgoing& out);

}  // namespace zaplify::core
