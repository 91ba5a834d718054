#pragma once
// POST /analytics/cache/refresh: invalidate (and optionally re-warm) cached responses.

#include <string>

#include "zaplify/sdk/cache.h"
#include "zaplify/sdk/http.h"

namespace zaplify::cache {

struct RefreshRequest {
  bool all = false;  ///< scope "all" (every tenant) rather than "tenant" (the caller's).
  bool warm = false;
};

/// Parses `{"scope": "tenant"|"all", "warm": bool}`; both keys are optional (scope "tenant", warm
/// false) and an empty body means the defaults. Throws sdk::HttpError 400 naming the bad field.
RefreshRequest parse_refresh_body(const std::string& body);

/// How many of a tenant's most used requests a warm-up recomputes.
inline constexpr int kWarmEntries = 20;

/// The route. Needs role `ingest` (whoever may write may also drop the tenant's cache); scope
/// "all" needs `admin` (403 otherwise). Warming recomputes the caller's tenant only, also for
/// scope "all". `cache` belongs to the host and outlives the route.
sdk::RouteSpec make_refresh_route(sdk::CacheControl& cache);

}  // namespace zaplify::cache
