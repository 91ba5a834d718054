#pragma once
// The shared cache store: Redis through hiredis, with generations that keep every server instance
// fresh after any instance ingests.
//
// Keys (PREFIX defaults to "zaplify:"):
//   PREFIX epoch                      global epoch, INCR by invalidate_all
//   PREFIX g:TENANT                   the tenant's generation, INCR by invalidate_tenant
//   PREFIX e:LEN:TENANT:KEY           "EPOCH.GEN\n" + cached bytes, SET ... EX ttl
// get() is one round trip (MGET of the three). An entry is fresh only when the token it was stored
// under equals the current "EPOCH.GEN". A missing counter (new Redis, flushed, evicted) is created
// with a random value (SET NX), so entries of an earlier incarnation can never match again.
// Counters carry no TTL: with `maxmemory-policy volatile-lru` (or noeviction) Redis evicts entries,
// never counters.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "redis_url.h"
#include "zaplify/sdk/cache.h"
#include "zaplify/sdk/telemetry.h"

struct redisContext;

namespace zaplify::cache {

struct RedisOptions {
  RedisEndpoint endpoint;
  int connect_timeout_ms = 200;
  int io_timeout_ms = 500;
  /// While Redis is unreachable, at most one connection attempt per this interval; every other
  /// call answers at once (a miss, a dropped write), so a dead Redis adds no latency.
  int reconnect_backoff_ms = 500;
  int max_idle_connections = 16;
  std::string key_prefix = "zaplify:";
  /// Optional metrics, owned by the host; may be null.
  sdk::Counter* errors = nullptr;
  sdk::Counter* reconnects = nullptr;
};

/// Thread-safe: a mutex-guarded pool of hiredis contexts, each used by one thread at a time.
/// Never throws from the CacheBackend methods. invalidate_tenant/invalidate_all return 0 (counting
/// a tenant's entries would need a SCAN). An invalidation that cannot reach Redis is remembered and
/// replayed on the next connection, before that connection serves anything.
class RedisBackend final : public sdk::CacheBackend {
 public:
  explicit RedisBackend(RedisOptions options);
  ~RedisBackend() override;
  RedisBackend(const RedisBackend&) = delete;
  RedisBackend& operator=(const RedisBackend&) = delete;

  std::string name() const override { return "redis"; }
  sdk::CacheLookup get(const std::string& tenant, const std::string& key) override;
  void put(const std::string& tenant, const std::string& key, const std::string& value,
           int ttl_seconds, const std::string& generation) override;
  std::int64_t invalidate_tenant(const std::string& tenant) override;
  std::int64_t invalidate_all() override;
  bool healthy() const override { return healthy_.load(std::memory_order_acquire); }

 private:
  class Lease;

  redisContext* acquire();
  void release(redisContext* c);
  redisContext* connect();
  bool replay_pending(redisContext* c);
  void remember_pending(const std::string* tenant);  // null: the global epoch
  void on_failure();
  void initialise_counters(redisContext* c, bool epoch_missing, const std::string& gen_key,
                           bool gen_missing);

  std::string epoch_key() const { return options_.key_prefix + "epoch"; }
  std::string generation_key(const std::string& tenant) const;
  std::string entry_key(const std::string& tenant, const std::string& key) const;

  RedisOptions options_;
  std::atomic<bool> healthy_{false};
  std::atomic<std::int64_t> next_attempt_ms_{0};
  std::atomic<bool> ever_failed_{false};

  std::mutex pool_mutex_;
  std::vector<redisContext*> idle_;

  std::mutex pending_mutex_;
  std::set<std::string> pending_tenants_;
  bool pending_all_ = false;
  std::atomic<bool> has_pending_{false};
};

}  // namespace zaplify::cache
