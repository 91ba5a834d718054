#pragma once
// The response cache: a backend interface the cache plugin implements, and the host's controls.
//
// The host decides what is cached (routes declared with a CachePolicy), builds the keys (tenant,
// route, normalised query) and runs single-flight on misses. A backend only stores bytes.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "zaplify/sdk/version.h"

namespace zaplify::sdk {

/// The answer of CacheBackend::get.
struct CacheLookup {
  std::optional<std::string> value;  ///< Set only for a fresh entry.
  std::string generation;            ///< The tenant's current generation ("" when unknown).
};

/// A cache store. Every method is called concurrently from many threads: implementations must be
/// thread-safe. Methods must not throw; a backend that cannot reach its store answers a miss (get),
/// drops the write (put), and reports healthy() == false until it recovers by itself.
class ZAPLIFY_SDK_API CacheBackend {
 public:
  virtual ~CacheBackend() = default;
  /// "memory", "redis", ... (shown in /health).
  virtual std::string name() const = 0;
  /// One round trip: the entry stored for (tenant, key), if it is fresh, and the tenant's current
  /// generation (an opaque token that changes on every invalidation of the tenant). An entry is
  /// fresh when it has not expired and was stored under the current generation.
  virtual CacheLookup get(const std::string& tenant, const std::string& key) = 0;
  /// Stores `value` tagged with `generation`: the one returned by the get() made *before* the value
  /// was computed. If the tenant was invalidated meanwhile, the entry is born stale, so a result
  /// computed before a write is never served after it.
  virtual void put(const std::string& tenant, const std::string& key, const std::string& value,
                   int ttl_seconds, const std::string& generation) = 0;
  /// Makes every entry of the tenant stale at once, for every server instance sharing this store.
  /// Returns how many entries were made stale (best effort; 0 when unknown).
  virtual std::int64_t invalidate_tenant(const std::string& tenant) = 0;
  /// Makes every entry of every tenant stale. Returns the count as above.
  virtual std::int64_t invalidate_all() = 0;
  virtual bool healthy() const = 0;
};

/// The host's cache controls, for the refresh endpoint. Thread-safe.
class ZAPLIFY_SDK_API CacheControl {
 public:
  virtual ~CacheControl() = default;
  /// Installs the backend. REQUIRES: called from Plugin::start() of at most one plugin. The host
  /// keeps the plugin loaded while the backend is in use. Without a backend the host caches
  /// nothing.
  virtual void set_backend(std::shared_ptr<CacheBackend> backend) = 0;
  virtual std::int64_t invalidate_tenant(const std::string& tenant) = 0;
  virtual std::int64_t invalidate_all() = 0;
  /// Recomputes and stores up to `max_entries` of the tenant's most used cached requests.
  /// Returns how many were warmed.
  virtual std::int64_t warm_tenant(const std::string& tenant, int max_entries) = 0;
};

}  // namespace zaplify::sdk
