// Ops/s of the stores, in cache_bench (it measures, it does not assert timing, so ctest never runs
// it): build/bin/cache_bench.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "memory_backend.h"
#include "redis_backend.h"
#include "support/harness/redis_process.h"

namespace zaplify::cache {
namespace {

// `threads` threads each doing `ops` get()s over 1,000 keys, storing on a miss.
double measure(sdk::CacheBackend& b, int threads, int ops) {
  std::atomic<long> hits{0};
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      const std::string value(2048, 'v');
      for (int i = 0; i < ops; ++i) {
        std::string key = std::string("/metrics/kpi?k=").append(std::to_string((i * 7 + t) % 1000));
        auto r = b.get("tenant", key);
        if (r.value)
          ++hits;
        else
          b.put("tenant", key, value, 60, r.generation);
      }
    });
  }
  for (auto& th : pool) th.join();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GT(hits.load(), 0);
  return threads * static_cast<double>(ops) / s;
}

TEST(BackendThroughput, Memory) {
  MemoryBackend b(64 << 20);
  std::printf("memory: %.0f get/s (1 thread), %.0f get/s (4 threads), 2 KiB values\n",
              measure(b, 1, 1'000'000), measure(b, 4, 500'000));
}

TEST(BackendThroughput, Redis) {
  if (!zaplify::testing::RedisProcess::available()) GTEST_SKIP();
  zaplify::testing::RedisProcess server;
  ASSERT_TRUE(server.start());
  RedisOptions o;
  o.endpoint = *parse_redis_url(server.url());
  RedisBackend b(o);
  std::printf("redis: %.0f get/s (1 thread), %.0f get/s (8 threads), 2 KiB values\n",
              measure(b, 1, 20'000), measure(b, 8, 10'000));
}

}  // namespace
}  // namespace zaplify::cache
