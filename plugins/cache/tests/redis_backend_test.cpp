#include "redis_backend.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "support/harness/redis_process.h"

namespace zaplify::cache {
namespace {

struct CountingCounter : sdk::Counter {
  std::atomic<double> total{0};
  void inc(double amount) override { total = total + amount; }
};

class RedisBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!zaplify::testing::RedisProcess::available()) GTEST_SKIP() << "redis-server not installed";
    ASSERT_TRUE(server_.start());
  }

  std::unique_ptr<RedisBackend> make_backend(std::string prefix = "zaplify:") {
    RedisOptions o;
    o.endpoint = *parse_redis_url(server_.url());
    o.io_timeout_ms = 200;
    o.reconnect_backoff_ms = 20;  // quick recovery in tests
    o.key_prefix = std::move(prefix);
    o.errors = &errors_;
    o.reconnects = &reconnects_;
    return std::make_unique<RedisBackend>(std::move(o));
  }

  // The generation a reader sees before computing (known from the first read: missing counters
  // are created within it).
  static std::string generation(RedisBackend& b, const std::string& tenant,
                                const std::string& key) {
    return b.get(tenant, key).generation;
  }

  // Polls until the backend serves again (it reconnects by itself, after its backoff).
  static bool wait_healthy(RedisBackend& b) {
    for (int i = 0; i < 300; ++i) {
      b.get("probe", "/p");
      if (b.healthy()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  zaplify::testing::RedisProcess server_;
  CountingCounter errors_;
  CountingCounter reconnects_;
};

TEST_F(RedisBackendTest, StoresBinaryValuesUnderTheCurrentGeneration) {
  auto b = make_backend();
  EXPECT_TRUE(b->healthy());
  const char raw[] = "a\0b\r\nc \"quoted\" %s";  // 18 bytes, one of them NUL
  const std::string value(raw, sizeof raw - 1);
  const std::string key = "/analytics/x?from=1 to=2\r\n";
  auto gen = generation(*b, "t1", key);
  ASSERT_FALSE(gen.empty());
  b->put("t1", key, value, 60, gen);
  auto hit = b->get("t1", key);
  ASSERT_TRUE(hit.value);
  EXPECT_EQ(*hit.value, value);
  EXPECT_EQ(hit.generation, gen);
  EXPECT_FALSE(b->get("t2", key).value);
  // The TTL travels with the entry (key layout as documented in redis_backend.h).
  auto ttl = std::stoi(server_.command("TTL", "zaplify:e:2:t1:" + key));
  EXPECT_GT(ttl, 0);
  EXPECT_LE(ttl, 60);
}

TEST_F(RedisBackendTest, InvalidationOnOneInstanceIsSeenByAnother) {
  auto a = make_backend();
  auto b = make_backend();
  auto gen = generation(*a, "t1", "/k");
  a->put("t1", "/k", "v1", 60, gen);
  a->put("t2", "/k", "other", 60, generation(*a, "t2", "/k"));
  ASSERT_TRUE(b->get("t1", "/k").value) << "instances share entries";
  a->invalidate_tenant("t1");
  EXPECT_FALSE(b->get("t1", "/k").value);
  EXPECT_NE(b->get("t1", "/k").generation, gen);
  EXPECT_TRUE(b->get("t2", "/k").value) << "other tenants stay fresh";
  b->invalidate_all();
  EXPECT_FALSE(a->get("t2", "/k").value);
}

TEST_F(RedisBackendTest, ResultComputedBeforeAnInvalidationIsBornStale) {
  auto a = make_backend();
  auto b = make_backend();
  auto before = generation(*a, "t", "/k");
  b->invalidate_tenant("t");
  a->put("t", "/k", "old", 60, before);
  EXPECT_FALSE(a->get("t", "/k").value);
  a->put("t", "/k", "unknown generation", 60, "");
  EXPECT_FALSE(a->get("t", "/k").value);
}

TEST_F(RedisBackendTest, LostCountersNeverRevalidateOldEntries) {
  auto b = make_backend();
  auto gen = generation(*b, "t", "/k");
  EXPECT_FALSE(gen.empty()) << "the first read of a fresh Redis already knows the generation";
  b->put("t", "/k", "v", 60, gen);
  ASSERT_TRUE(b->get("t", "/k").value);
  server_.command("DEL", "zaplify:epoch");  // as if evicted or flushed, while the entry survives
  server_.command("DEL", "zaplify:g:t");
  auto after = b->get("t", "/k");
  EXPECT_FALSE(after.value);
  EXPECT_FALSE(after.generation.empty());
  EXPECT_NE(after.generation, gen);
}

TEST_F(RedisBackendTest, PrefixesSeparateDeployments) {
  auto a = make_backend("one:");
  auto b = make_backend("two:");
  a->put("t", "/k", "v", 60, generation(*a, "t", "/k"));
  EXPECT_TRUE(a->get("t", "/k").value);
  EXPECT_FALSE(b->get("t", "/k").value);
}

TEST_F(RedisBackendTest, SurvivesRedisStoppingAndRecoversWhenItReturns) {
  auto b = make_backend();
  b->put("t", "/k", "v", 60, generation(*b, "t", "/k"));
  ASSERT_TRUE(b->get("t", "/k").value);
  server_.stop();
  for (int i = 0; i < 50; ++i) {
    EXPECT_NO_THROW({
      EXPECT_FALSE(b->get("t", "/k").value);
      b->put("t", "/k", "v", 60, "1.1");
      b->invalidate_tenant("t");
    });
  }
  EXPECT_FALSE(b->healthy());
  EXPECT_GT(errors_.total.load(), 0);
  ASSERT_TRUE(server_.start());  // same port, empty data
  ASSERT_TRUE(wait_healthy(*b));
  EXPECT_GE(reconnects_.total.load(), 1);
  auto gen = generation(*b, "t", "/k");
  b->put("t", "/k", "again", 60, gen);
  auto hit = b->get("t", "/k");
  ASSERT_TRUE(hit.value);
  EXPECT_EQ(*hit.value, "again");
}

TEST_F(RedisBackendTest, InvalidationMissedWhileRedisHungIsReplayedOnRecovery) {
  auto b = make_backend();
  auto gen = generation(*b, "t", "/k");
  b->put("t", "/k", "before the write", 60, gen);
  server_.pause();            // Redis keeps its data but stops answering
  b->invalidate_tenant("t");  // times out: must be remembered
  EXPECT_FALSE(b->healthy());
  server_.resume();
  ASSERT_TRUE(wait_healthy(*b));
  EXPECT_FALSE(b->get("t", "/k").value) << "the entry stored before the write must not come back";
}

TEST_F(RedisBackendTest, ConcurrentUseFromManyThreads) {
  auto b = make_backend();
  std::atomic<int> wrong{0};
  std::atomic<int> hits{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        std::string tenant = std::string("t").append(std::to_string((t + i) % 3));
        std::string key = std::string("/k").append(std::to_string(i % 25));
        std::string expected = tenant;
        expected.append(key);
        auto r = b->get(tenant, key);
        if (r.value) {
          ++hits;
          if (*r.value != expected) ++wrong;
        } else {
          b->put(tenant, key, expected, 60, r.generation);
        }
        if (i % 97 == 0) b->invalidate_tenant(tenant);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(hits.load(), 0);
  EXPECT_TRUE(b->healthy());
}

}  // namespace
}  // namespace zaplify::cache
