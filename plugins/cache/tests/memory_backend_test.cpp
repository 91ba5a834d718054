#include "memory_backend.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <list>
#include <map>
#include <random>
#include <thread>

namespace zaplify::cache {
namespace {

struct FakeClock {
  std::shared_ptr<std::atomic<std::int64_t>> now =
      std::make_shared<std::atomic<std::int64_t>>(1000);
  MonotonicClock fn() const {
    auto n = now;
    return [n] { return n->load(); };
  }
};

std::string key_of(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "/k%04d", i);  // fixed width: every key costs the same
  return buf;
}

// What one entry with an empty value costs, observed through used_bytes().
std::int64_t base_cost(const std::string& tenant) {
  MemoryBackend probe(1 << 20, 1);
  auto gen = probe.get(tenant, key_of(0)).generation;
  probe.put(tenant, key_of(0), "", 60, gen);
  return probe.used_bytes();
}

TEST(MemoryBackend, MissThenHitWithSameGeneration) {
  MemoryBackend cache(1 << 20);
  auto first = cache.get("t1", "/a");
  EXPECT_FALSE(first.value);
  EXPECT_FALSE(first.generation.empty());
  cache.put("t1", "/a", std::string("body\0with\r\nbytes", 16), 60, first.generation);
  auto second = cache.get("t1", "/a");
  ASSERT_TRUE(second.value);
  EXPECT_EQ(*second.value, std::string("body\0with\r\nbytes", 16));
  EXPECT_EQ(second.generation, first.generation);
  EXPECT_FALSE(cache.get("t2", "/a").value) << "tenants never share entries";
}

TEST(MemoryBackend, EvictsLeastRecentlyUsedFirst) {
  const std::int64_t value_size = 100;
  const std::int64_t cost = base_cost("t") + value_size;
  MemoryBackend cache(cost * 3 + cost / 2, 1);  // room for exactly three entries
  const std::string value(value_size, 'x');
  auto gen = cache.get("t", key_of(0)).generation;
  for (int i = 1; i <= 3; ++i) cache.put("t", key_of(i), value, 60, gen);
  ASSERT_TRUE(cache.get("t", key_of(1)).value);  // 1 becomes the most recent: order 2, 3, 1
  cache.put("t", key_of(4), value, 60, gen);     // evicts 2
  EXPECT_FALSE(cache.get("t", key_of(2)).value);
  EXPECT_TRUE(cache.get("t", key_of(3)).value);
  EXPECT_TRUE(cache.get("t", key_of(1)).value);
  EXPECT_TRUE(cache.get("t", key_of(4)).value);
  cache.put("t", key_of(5), value, 60, gen);  // order now 3, 1, 4: evicts 3
  EXPECT_FALSE(cache.get("t", key_of(3)).value);
  EXPECT_EQ(cache.entry_count(), 3);
}

TEST(MemoryBackend, MatchesNaiveLruUnderRandomSizes) {
  const std::int64_t base = base_cost("t");
  const std::int64_t max_bytes = 20'000;
  MemoryBackend cache(max_bytes, 1);
  std::list<std::pair<std::string, std::int64_t>> model;  // front = most recent
  auto model_find = [&](const std::string& k) {
    return std::find_if(model.begin(), model.end(), [&](auto& e) { return e.first == k; });
  };
  std::mt19937 rng(7);
  auto gen = cache.get("t", "/x").generation;
  for (int step = 0; step < 5000; ++step) {
    std::string k = key_of(static_cast<int>(rng() % 60));
    if (rng() % 3 == 0) {
      auto it = model_find(k);
      EXPECT_EQ(cache.get("t", k).value.has_value(), it != model.end()) << "step " << step;
      if (it != model.end()) model.splice(model.begin(), model, it);
      continue;
    }
    std::int64_t size = rng() % 3000;
    cache.put("t", k, std::string(static_cast<std::size_t>(size), 'v'), 60, gen);
    if (auto it = model_find(k); it != model.end()) model.erase(it);
    if (base + size > max_bytes) continue;
    model.emplace_front(k, base + size);
    std::int64_t used = 0;
    for (auto& e : model) used += e.second;
    while (used > max_bytes) {
      used -= model.back().second;
      model.pop_back();
    }
    ASSERT_EQ(cache.used_bytes(), used) << "step " << step;
    ASSERT_LE(cache.used_bytes(), max_bytes);
  }
  EXPECT_EQ(cache.entry_count(), static_cast<std::int64_t>(model.size()));
}

TEST(MemoryBackend, EntryLargerThanTheBoundIsNotStored) {
  MemoryBackend cache(1000, 1);
  auto gen = cache.get("t", "/big").generation;
  cache.put("t", "/big", std::string(5000, 'b'), 60, gen);
  EXPECT_FALSE(cache.get("t", "/big").value);
  EXPECT_EQ(cache.used_bytes(), 0);
}

TEST(MemoryBackend, EntriesExpireAfterTheirTtl) {
  FakeClock clock;
  MemoryBackend cache(1 << 20, 4, clock.fn());
  auto gen = cache.get("t", "/a").generation;
  cache.put("t", "/a", "A", 10, gen);
  cache.put("t", "/b", "B", 20, gen);
  *clock.now += 9'999;
  EXPECT_TRUE(cache.get("t", "/a").value);
  *clock.now += 1;  // exactly 10 s after the put
  EXPECT_FALSE(cache.get("t", "/a").value);
  EXPECT_TRUE(cache.get("t", "/b").value);
  EXPECT_EQ(cache.entry_count(), 1) << "an expired entry is freed when seen";
  cache.put("t", "/c", "C", 0, gen);
  EXPECT_FALSE(cache.get("t", "/c").value) << "ttl 0 means do not store";
}

TEST(MemoryBackend, InvalidateTenantMakesOnlyThatTenantStale) {
  MemoryBackend cache(1 << 20);
  auto g1 = cache.get("t1", "/a").generation;
  auto g2 = cache.get("t2", "/a").generation;
  for (int i = 0; i < 5; ++i) cache.put("t1", key_of(i), "x", 60, g1);
  for (int i = 0; i < 3; ++i) cache.put("t2", key_of(i), "y", 60, g2);
  EXPECT_EQ(cache.invalidate_tenant("t1"), 5);
  auto after = cache.get("t1", key_of(0));
  EXPECT_FALSE(after.value);
  EXPECT_NE(after.generation, g1);
  EXPECT_TRUE(cache.get("t2", key_of(0)).value);
  EXPECT_EQ(cache.get("t2", key_of(0)).generation, g2);
  EXPECT_EQ(cache.invalidate_tenant("t1"), 0);
}

TEST(MemoryBackend, ResultComputedBeforeAnInvalidationIsBornStale) {
  MemoryBackend cache(1 << 20);
  auto before = cache.get("t", "/a").generation;   // a reader starts computing...
  cache.invalidate_tenant("t");                    // ...an ingest lands meanwhile...
  cache.put("t", "/a", "old result", 60, before);  // ...and the reader stores its result
  EXPECT_FALSE(cache.get("t", "/a").value);
}

TEST(MemoryBackend, InvalidateAllReachesEveryTenant) {
  MemoryBackend cache(1 << 20);
  for (std::string t : {"a", "b", "c"}) cache.put(t, "/k", "v", 60, cache.get(t, "/k").generation);
  auto old_gen = cache.get("a", "/k").generation;
  EXPECT_EQ(cache.invalidate_all(), 3);
  for (std::string t : {"a", "b", "c"}) EXPECT_FALSE(cache.get(t, "/k").value);
  EXPECT_NE(cache.get("a", "/k").generation, old_gen);
  cache.put("a", "/k", "v", 60, old_gen);
  EXPECT_FALSE(cache.get("a", "/k").value);
  EXPECT_EQ(cache.used_bytes(), 0);
}

TEST(MemoryBackend, TenantNamesCannotCollideWithKeys) {
  MemoryBackend cache(1 << 20);
  cache.put("a", "b/x", "first", 60, cache.get("a", "b/x").generation);
  EXPECT_FALSE(cache.get("ab", "/x").value);
  EXPECT_FALSE(cache.get("a:b", "/x").value);
}

// Built with append(): g++ 12 warns falsely (-Wrestrict) on chained operator+ here.
std::string expected_value(const std::string& tenant, const std::string& k) {
  std::string v = tenant;
  v.append(k).append(k.size() * 10, '.');
  return v;
}

TEST(MemoryBackend, ConcurrentReadersWritersAndInvalidations) {
  const std::int64_t max_bytes = 200'000;
  MemoryBackend cache(max_bytes, 8);
  std::atomic<int> wrong{0};
  std::atomic<int> hits{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(static_cast<unsigned>(t));
      for (int i = 0; i < 20'000; ++i) {
        std::string tenant = std::string("t").append(std::to_string(rng() % 3));
        std::string k = key_of(static_cast<int>(rng() % 200));
        auto r = cache.get(tenant, k);
        if (r.value) {
          ++hits;
          if (*r.value != expected_value(tenant, k)) ++wrong;
        } else {
          cache.put(tenant, k, expected_value(tenant, k), 60, r.generation);
        }
        if (rng() % 1000 == 0) cache.invalidate_tenant(tenant);
        if (rng() % 20'000 == 0) cache.invalidate_all();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(hits.load(), 0);
  EXPECT_LE(cache.used_bytes(), max_bytes);
}

}  // namespace
}  // namespace zaplify::cache
