#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <thread>
#include <vector>

#include "cache/response_cache.h"
#include "cache/tests/fake_backend.h"
#include "http/pipeline.h"
#include "observability/prometheus.h"

namespace zaplify::core::testing {
namespace {

CachedResponse ok(const std::string& body) {
  return CachedResponse{200, "application/json", body, 1};
}

TEST(ResponseCache, SecondReadIsAHitWithTheSameBody) {
  PrometheusRegistry m;
  ResponseCache cache(3600, &m);
  auto backend = std::make_shared<FakeBackend>();
  cache.set_backend(backend);
  int computes = 0;
  bool hit = true;
  auto a = cache.get_or_compute(
      "t", "k", sdk::CachePolicy::Standard,
      [&] {
        ++computes;
        return ok("{\"a\":1}");
      },
      hit);
  EXPECT_FALSE(hit);
  auto b = cache.get_or_compute(
      "t", "k", sdk::CachePolicy::Standard,
      [&] {
        ++computes;
        return ok("x");
      },
      hit);
  EXPECT_TRUE(hit);
  EXPECT_EQ(computes, 1);
  EXPECT_EQ(b.body, "{\"a\":1}");
  EXPECT_EQ(backend->last_ttl, 3600);
  EXPECT_NE(m.render().find("cache_hits_total 1\n"), std::string::npos);
  EXPECT_NE(m.render().find("cache_misses_total 1\n"), std::string::npos);
}

TEST(ResponseCache, OnlySuccessesAreStored) {
  ResponseCache cache(3600, nullptr);
  auto backend = std::make_shared<FakeBackend>();
  cache.set_backend(backend);
  bool hit = false;
  cache.get_or_compute(
      "t", "k", sdk::CachePolicy::Standard,
      [] {
        return CachedResponse{404, "application/json", "{}", 1};
      },
      hit);
  EXPECT_EQ(backend->puts, 0);
  cache.get_or_compute(
      "t", "k", sdk::CachePolicy::Standard, [] { return ok("{}"); }, hit);
  EXPECT_EQ(backend->puts, 1);
}

TEST(ResponseCache, RealtimeTtlIsAtMostFiveSeconds) {
  ResponseCache cache(3600, nullptr);
  auto backend = std::make_shared<FakeBackend>();
  cache.set_backend(backend);
  bool hit = false;
  cache.get_or_compute(
      "t", "k", sdk::CachePolicy::Realtime, [] { return ok("{}"); }, hit);
  EXPECT_EQ(backend->last_ttl, 5);
  EXPECT_EQ(ResponseCache(3, nullptr).ttl_for(sdk::CachePolicy::Realtime), 3);
}

TEST(ResponseCache, ConcurrentMissesComputeOnce) {
  ResponseCache cache(3600, nullptr);  // no backend: single-flight still applies
  std::atomic<int> computes{0};
  std::mutex m;
  std::condition_variable cv;
  bool release = false;
  constexpr int kThreads = 8;
  std::atomic<int> waiting{0};
  std::vector<std::thread> threads;
  std::vector<std::string> bodies(kThreads);
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      bool hit = false;
      ++waiting;
      bodies[i] = cache
                      .get_or_compute(
                          "t", "k", sdk::CachePolicy::Standard,
                          [&] {
                            ++computes;
                            std::unique_lock l(m);
                            cv.wait(l, [&] { return release; });
                            return ok("shared");
                          },
                          hit)
                      .body;
    });
  while (waiting.load() < kThreads) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let every thread join the flight
  {
    std::lock_guard l(m);
    release = true;
  }
  cv.notify_all();
  for (auto& t : threads) t.join();
  EXPECT_EQ(computes.load(), 1);
  for (const auto& b : bodies) EXPECT_EQ(b, "shared");
}

TEST(ResponseCache, ComputationStartedBeforeInvalidationIsNotServedAfterIt) {
  ResponseCache cache(3600, nullptr);
  auto backend = std::make_shared<FakeBackend>();
  cache.set_backend(backend);
  std::mutex m;
  std::condition_variable cv;
  bool started = false, release = false;
  std::thread old_reader([&] {
    bool hit = false;
    cache.get_or_compute(
        "t", "k", sdk::CachePolicy::Standard,
        [&] {
          std::unique_lock l(m);
          started = true;
          cv.notify_all();
          cv.wait(l, [&] { return release; });
          return ok("old");
        },
        hit);
  });
  {
    std::unique_lock l(m);
    cv.wait(l, [&] { return started; });
  }
  cache.invalidate_tenant("t");  // an ingest lands while "old" is being computed
  // A reader after the ingest does not join the old flight: it computes fresh data.
  bool hit = true;
  auto fresh = cache.get_or_compute(
      "t", "k", sdk::CachePolicy::Standard, [] { return ok("new"); }, hit);
  EXPECT_EQ(fresh.body, "new");
  {
    std::lock_guard l(m);
    release = true;
  }
  cv.notify_all();
  old_reader.join();
  // The old result was stored under the old generation: never served now.
  auto again = cache.get_or_compute(
      "t", "k", sdk::CachePolicy::Standard, [] { return ok("newer"); }, hit);
  EXPECT_NE(again.body, "old");
}

TEST(ResponseCache, ThrowingBackendStillServes) {
  ResponseCache cache(3600, nullptr);
  auto backend = std::make_shared<FakeBackend>();
  backend->throw_on_get = true;
  cache.set_backend(backend);
  bool hit = true;
  auto r = cache.get_or_compute(
      "t", "k", sdk::CachePolicy::Standard, [] { return ok("computed"); }, hit);
  EXPECT_EQ(r.body, "computed");
  EXPECT_FALSE(hit);
  EXPECT_FALSE(cache.backend_healthy());
}

TEST(ResponseCache, ComputeErrorsReachTheCaller) {
  ResponseCache cache(3600, nullptr);
  bool hit = false;
  EXPECT_THROW(cache.get_or_compute(
                   "t", "k", sdk::CachePolicy::Standard,
                   []() -> CachedResponse { throw sdk::not_found("x"); }, hit),
               sdk::HttpError);
}

TEST(ResponseCache, EncodeDecodeRoundTripsAnyBody) {
  CachedResponse r{201, "text/csv; charset=utf-8", std::string("a\nb\0c\n", 6), 1234567};
  auto back = ResponseCache::decode(ResponseCache::encode(r));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->status, 201);
  EXPECT_EQ(back->content_type, r.content_type);
  EXPECT_EQ(back->body, r.body);
  EXPECT_EQ(back->computed_at_ms, 1234567);
  EXPECT_FALSE(ResponseCache::decode("garbage"));
}

TEST(ResponseCache, KeysAreUnambiguous) {
  // A value holding the separators must not collide with two parameters.
  auto a = ResponseCache::make_key("/r", "/r", {{"a", "1&b=2"}});
  auto b = ResponseCache::make_key("/r", "/r", {{"a", "1"}, {"b", "2"}});
  EXPECT_NE(a, b);
  EXPECT_NE(ResponseCache::make_key("/r|x", "/p", {}), ResponseCache::make_key("/r", "x|/p", {}));
}

TEST(ResponseCache, KeyNormalisationSortsAndAppliesDefaults) {
  sdk::RouteSpec spec;
  spec.path = "/r";
  sdk::ParamSpec limit;
  limit.name = "limit";
  limit.default_value = "50";
  spec.params.push_back(limit);
  auto k1 =
      ResponseCache::make_key("/r", "/r", cache_query(spec, {{"b", "2"}, {"a", "1"}}, nullptr));
  auto k2 = ResponseCache::make_key(
      "/r", "/r", cache_query(spec, {{"a", "1"}, {"b", "2"}, {"limit", "50"}}, nullptr));
  EXPECT_EQ(k1, k2);
  auto k3 = ResponseCache::make_key(
      "/r", "/r", cache_query(spec, {{"a", "1"}, {"b", "2"}, {"limit", "10"}}, nullptr));
  EXPECT_NE(k1, k3);
}

TEST(ResponseCache, WindowedKeysUseResolvedInstants) {
  sdk::RouteSpec spec;
  spec.path = "/w";
  spec.windowed = true;
  sdk::Window w{1000, 2000, "UTC", sdk::Interval::None};
  // Two spellings of the same instants give one key; no from/to gives the "default" token.
  auto a =
      cache_query(spec, {{"from", "1970-01-01T00:00:01Z"}, {"to", "1970-01-01T00:00:02Z"}}, &w);
  auto b = cache_query(
      spec, {{"from", "1970-01-01T00:00:01.000Z"}, {"to", "1970-01-01T00:00:02+00:00"}}, &w);
  EXPECT_EQ(ResponseCache::make_key("/w", "/w", a), ResponseCache::make_key("/w", "/w", b));
  EXPECT_EQ(a.at("from"), "1000");
  EXPECT_EQ(a.at("tz"), "UTC");
  auto d = cache_query(spec, {}, &w);
  EXPECT_EQ(d.at("from"), "default");
  EXPECT_EQ(d.at("to"), "default");
}

TEST(ResponseCache, WarmReplaysMostUsedRequests) {
  ResponseCache cache(3600, nullptr);
  std::vector<std::string> replayed;
  cache.set_recompute(
      [&](const std::string& t, const std::string& path,
          const std::map<std::string, std::string>&) -> std::optional<CachedResponse> {
        replayed.push_back(t + path);
        return ok("{}");
      });
  for (int i = 0; i < 3; ++i) cache.record_use("t", "/popular", {});
  cache.record_use("t", "/rare", {});
  cache.record_use("other", "/x", {});
  EXPECT_EQ(cache.warm_tenant("t", 1), 1);
  ASSERT_EQ(replayed.size(), 1u);
  EXPECT_EQ(replayed[0], "t/popular");
  EXPECT_EQ(cache.warm_tenant("t", 10), 2);
}

}  // namespace
}  // namespace zaplify::core::testing
