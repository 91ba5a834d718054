#pragma once
// The transport-independent steps of the request pipeline: public-route rule, cache key query
// normalisation, running a handler into a finished response, and the error envelope.

#include <exception>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cache/response_cache.h"
#include "http/spool_file.h"
#include "routing/route_table.h"
#include "zaplify/sdk/http.h"

namespace zaplify::core {

/// A response ready for the wire. Exactly one of `body` / `file` carries the payload.
struct Outgoing {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::shared_ptr<SpoolFile> file;  ///< A streamed body spooled to disk.
  std::vector<std::pair<std::string, std::string>> headers;
  int retry_after_seconds = 0;  ///< > 0 adds Retry-After.
  std::string x_cache;          ///< "HIT" / "MISS" on cacheable routes, else empty.
};

/// Routes anyone may call without a token (docs/api.md, Tenancy and auth): the core's /health,
/// /openapi.json, /docs and /docs/... . A plugin cannot make a route public.
bool is_public_route(const RouteEntry& entry);

/// True when a windowed route declares its own query parameter `interval` (e.g. cohorts, whose
/// `month` is not one of the series intervals hour/day/week of docs/api.md, Query parameters): the
/// host then leaves it to the route — no series-interval parsing into Request::window.interval, and
/// the cache key keeps the value as given.
bool route_parses_interval(const sdk::RouteSpec& spec);

/// The query a cache key is built from: every parameter sorted (std::map), declared query defaults
/// of `spec.params` filled in, and for windowed routes from/to replaced by the resolved epoch ms
/// when given (else the token "default", which follows `now`) and tz/interval made explicit.
std::map<std::string, std::string> cache_query(const sdk::RouteSpec& spec,
                                               const std::map<std::string, std::string>& query,
                                               const sdk::Window* window);

/// How to materialise Response::stream.
enum class StreamMode { Spool, Buffer };

/// Calls the route's handler (holding `entry`, which keeps its plugin loaded) and turns its
/// Response into an Outgoing: JSON serialised (windowed JSON objects get "window" and
/// "data_as_of"), streams spooled to a temp file or buffered. Exceptions of the handler propagate.
Outgoing invoke_route(const std::shared_ptr<const RouteEntry>& entry, const sdk::Request& request,
                      const sdk::Calendar* calendar, std::int64_t now_ms, StreamMode mode);

CachedResponse to_cached(const Outgoing& out, std::int64_t computed_at_ms);
Outgoing from_cached(const CachedResponse& cached);

/// The error envelope {"error":{"code","message","field"}} for a status/code/message/field.
Outgoing error_outgoing(int status, const std::string& code, const std::string& message,
                        const std::string& field = {});

/// Maps an exception to its answer: sdk::HttpError → its status and envelope; sdk::StoreError
/// unavailable → 503 database_unavailable (Retry-After 5), other StoreError and anything else →
/// 500 internal_error with a generic message (the what() is logged with `request_id`, never sent).
Outgoing outgoing_for_exception(std::exception_ptr error, const std::string& request_id);

}  // namespace zaplify::core
