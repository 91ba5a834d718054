#pragma once
// The host's response cache layer: keys, single-flight and invalidation around a pluggable backend
// (installed by the cache plugin through sdk::CacheControl). Without a backend it caches nothing
// but still runs single-flight.

#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "zaplify/sdk/cache.h"
#include "zaplify/sdk/http.h"

namespace zaplify::core {

class PrometheusRegistry;

/// A cached response: what the HTTP layer needs to answer again.
struct CachedResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  std::int64_t computed_at_ms = 0;
};

class ResponseCache : public sdk::CacheControl {
 public:
  /// `recompute` lets warm_tenant() replay a recorded request (tenant, path, query) through the
  /// normal handler path; the app wires it to HttpServer::recompute, which also stores the result
  /// (via refresh()). A nullopt or non-2xx answer does not count as warmed.
  using Recompute = std::function<std::optional<CachedResponse>(
      const std::string& tenant, const std::string& path,
      const std::map<std::string, std::string>& query)>;

  ResponseCache(int ttl_seconds, PrometheusRegistry* metrics);
  ~ResponseCache() override;

  // sdk::CacheControl
  void set_backend(std::shared_ptr<sdk::CacheBackend> backend) override;
  std::int64_t invalidate_tenant(const std::string& tenant) override;
  std::int64_t invalidate_all() override;
  std::int64_t warm_tenant(const std::string& tenant, int max_entries) override;

  void set_recompute(Recompute recompute);
  /// Drops the backend (e.g. the cache plugin is unloading).
  void clear_backend();

  /// Normalised key for (route template, path, query): parameters sorted, declared defaults
  /// applied, from/to resolved by the caller and passed in `query` as canonical values.
  static std::string make_key(const std::string& route_template, const std::string& path,
                              const std::map<std::string, std::string>& normalised_query);

  /// Returns the cached response or computes it once for all concurrent callers of the same
  /// (tenant, key, generation) (single-flight: a reader arriving after an ingest never joins a
  /// computation that started before it), storing successful (2xx) results with the policy's TTL
  /// under the generation seen before computing.
  /// `hit` tells whether the answer came from the cache. Exceptions of `compute` propagate to
  /// every waiter. `route` labels the single-flight counters (see fetch_async).
  CachedResponse get_or_compute(const std::string& tenant, const std::string& key,
                                sdk::CachePolicy policy,
                                const std::function<CachedResponse()>& compute, bool& hit,
                                const std::string& route = {});

  /// Schedules a job (e.g. on the HTTP worker pool); returns false when it cannot (overload).
  using Schedule = std::function<bool(std::function<void()>)>;
  /// Receives the outcome: a response (with `hit`) or an exception. Called exactly once, on the
  /// caller's thread for a hit, else on the thread that ran the computation.
  using Completion =
      std::function<void(const CachedResponse* response, bool hit, std::exception_ptr error)>;

  /// The non-blocking form of get_or_compute, for the HTTP reactor: a hit completes inline; the
  /// first miss of a (tenant, key, generation) schedules `compute`, later ones join it without
  /// taking a worker. A refused schedule completes every joined caller with HttpError 503
  /// `overloaded`. Counted per `route` (a route template): cache_computations_total when
  /// `compute` runs, cache_coalesced_total for each caller that joined a running flight
  /// (cache_misses_total counts every lookup that missed, joined or not).
  void fetch_async(const std::string& tenant, const std::string& key, sdk::CachePolicy policy,
                   std::function<CachedResponse()> compute, const Schedule& schedule,
                   Completion done, const std::string& route = {});

  /// Computes now (no lookup, no single-flight) and stores a 2xx result under the generation read
  /// before computing: what warm_tenant's Recompute uses. Returns the computed response. Counts
  /// one cache_computations_total for `route`.
  CachedResponse refresh(const std::string& tenant, const std::string& key, sdk::CachePolicy policy,
                         const std::function<CachedResponse()>& compute,
                         const std::string& route = {});

  /// Seconds an entry of `policy` lives: the configured TTL, at most 5 s for Realtime.
  int ttl_for(sdk::CachePolicy policy) const;

  /// The backend value of a response, and back (nullopt for a value that is not one of ours).
  static std::string encode(const CachedResponse& response);
  static std::optional<CachedResponse> decode(const std::string& value);

  /// Remembers a request for warm_tenant (most used first). Bounded per tenant; cheap.
  void record_use(const std::string& tenant, const std::string& path,
                  const std::map<std::string, std::string>& query);

  std::string backend_name() const;  ///< "none" without a backend.
  bool backend_healthy() const;      ///< true without a backend.

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zaplify::core
