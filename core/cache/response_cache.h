#pragma once
// The host's response cache layer: keys, single-flight and invalidation around a pluggable backend
// (installed by the cache plugin through sdk::CacheControl). Without a backend it caches nothing
// but still runs single-flight.

#include <cstdint>
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
  /// `recompute` lets warm_tenant() replay a request (tenant, route path template, path, query)
  /// through the normal handler path; the app wires it to the dispatcher.
  using Recompute = std::function<std::optional<CachedResponse>(
      const std::string& tenant, const std::string& path, const std::map<std::string, std::string>& query)>;

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
  /// every waiter.
  CachedResponse get_or_compute(const std::string& tenant, const std::string& key,
                                sdk::CachePolicy policy, const std::function<CachedResponse()>& compute,
                                bool& hit);

  /// Remembers a request for warm_tenant (most used first).
  void record_use(const std::string& tenant, const std::string& path,
                  const std::map<std::string, std::string>& query);

  std::string backend_name() const;  ///< "none" without a backend.
  bool backend_healthy() const;      ///< true without a backend.

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zaplify::core
