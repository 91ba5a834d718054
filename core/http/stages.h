#pragma once
// The request pipeline as ordered stages over a transport-neutral exchange (issue 13):
//
//   framing (http/framing.h) → route → body → authenticate → authorise → parameters/window
//     → cache key → schedule + handler (server.cpp) → envelope (http/wire.h)
//
// Each stage reads a WireRequest and the RequestState the earlier stages filled in, and either
// passes (nullopt) or ends the request with its answer. No sockets and no Pistache: each stage is
// testable alone, and HttpServer::recompute (cache warming) runs route → parameters → cache key on
// a request it builds, instead of a copy of the pipeline.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "auth/authenticator.h"
#include "http/framing.h"
#include "http/pipeline.h"
#include "routing/route_table.h"

namespace zaplify::core {

/// What the stages learn about one request, in stage order.
struct RequestState {
  sdk::Method method = sdk::Method::Get;
  std::shared_ptr<const RouteEntry> entry;  ///< route: the matched route.
  std::map<std::string, std::string> path_params;
  Principal principal;                    ///< authenticate: who calls, for which tenant.
  std::shared_ptr<sdk::Request> request;  ///< parameters: what the handler receives.
};

/// A stage's outcome: nullopt to go on, or the answer that ends the request.
using StageResult = std::optional<Outgoing>;

/// Matches method + path: 404 for no route, 405 (with Allow) for another method or one we do
/// not know.
StageResult route_stage(const RouteTable& routes, const WireRequest& wire, RequestState& state);

/// The body rules of a matched route: 413 beyond `max_body_bytes`; a non-GET body must be
/// application/json (415); a raw NUL byte is never JSON text (400 invalid_body).
StageResult body_stage(const WireRequest& wire, std::size_t max_body_bytes,
                       const RequestState& state);

/// Resolves the principal from Authorization / X-Tenant-ID (public routes: none needed).
/// Authenticator refusals propagate as sdk::HttpError (401/400/403).
StageResult authenticate_stage(const Authenticator& auth, const WireRequest& wire,
                               std::int64_t now_ms, RequestState& state);

/// The route's required role: 403 below it.
StageResult authorise_stage(const RequestState& state);

/// Builds the handler's sdk::Request: decoded path, path parameters, query (a repeated parameter:
/// the last value wins), headers, body (moved out of `wire`), tenant, role, request id, and the
/// window of windowed routes (parse errors propagate as sdk::HttpError 400).
/// REQUIRES: route_stage passed; state.principal set (by authenticate_stage or the caller).
void parameters_stage(WireRequest& wire, const std::map<std::string, std::string>& query,
                      const std::string& request_id, std::int64_t now_ms, int retention_days,
                      RequestState& state);

/// The response cache key of a cacheable GET (route template + path + normalised query), or
/// nullopt when the route is not cached. REQUIRES: parameters_stage ran.
std::optional<std::string> cache_key_stage(const RequestState& state);

}  // namespace zaplify::core
