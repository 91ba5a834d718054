#pragma once
// The embedded cache store: an in-process LRU bounded in bytes, with per-entry TTL and per-tenant
// generations.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "zaplify/sdk/cache.h"

namespace zaplify::cache {

/// Milliseconds on a monotonic clock. Injected so TTL expiry is testable without sleeping.
using MonotonicClock = std::function<std::int64_t()>;
MonotonicClock steady_clock_ms();

/// Thread-safe LRU store. Entries are spread over `shards` independently locked shards (chosen by
/// a hash of tenant and key); each shard holds at most max_bytes / shards bytes and evicts its
/// least recently used entries first, so the LRU order is exact within a shard (use one shard to
/// get one global order). An entry costs its key, tenant, value and generation sizes plus
/// kEntryOverheadBytes. get/put/evict are O(1); invalidate_tenant is O(entries of the tenant),
/// because it also frees them at once.
///
/// Generations: a token "EPOCH.TENANT_GEN"; invalidate_tenant bumps the tenant's counter,
/// invalidate_all bumps the epoch. A put under an outdated token stores nothing.
class MemoryBackend final : public sdk::CacheBackend {
 public:
  static constexpr std::int64_t kEntryOverheadBytes = 160;

  /// REQUIRES: max_bytes > 0, shards >= 1.
  explicit MemoryBackend(std::int64_t max_bytes, int shards = 16,
                         MonotonicClock clock = steady_clock_ms());
  ~MemoryBackend() override;

  std::string name() const override { return "memory"; }
  sdk::CacheLookup get(const std::string& tenant, const std::string& key) override;
  void put(const std::string& tenant, const std::string& key, const std::string& value,
           int ttl_seconds, const std::string& generation) override;
  std::int64_t invalidate_tenant(const std::string& tenant) override;
  std::int64_t invalidate_all() override;
  bool healthy() const override { return true; }

  /// Bytes currently accounted over all shards (for tests and /metrics).
  std::int64_t used_bytes() const;
  std::int64_t entry_count() const;

 private:
  struct Shard;

  std::string current_generation(const std::string& tenant) const;
  Shard& shard_for(const std::string& full_key);

  MonotonicClock clock_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<std::uint64_t> epoch_{1};
  mutable std::shared_mutex generations_mutex_;
  std::unordered_map<std::string, std::uint64_t> generations_;  // absent = 0
};

}  // namespace zaplify::cache
