// The cache plugin over HTTP: MISS then HIT, freshness after ingest (also across two servers
// sharing Redis and the database), the refresh endpoint, and Redis dying under load.

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "support/harness/redis_process.h"
#include "support/server.h"

namespace zaplify::testing {
namespace {

using nlohmann::json;
constexpr std::int64_t kDayMs = 86'400'000;

std::string unique_tenant() {
  std::random_device rd;
  return "cache-it-" + std::to_string(rd()) + std::to_string(rd());
}

std::int64_t day_start(std::int64_t ms) { return ms - ms % kDayMs; }

// `n` conversations with two messages each, all on `day`, ids starting at `first`.
json conversations(const std::string& tenant, std::int64_t day, int first, int n) {
  json events = json::array();
  for (int i = first; i < first + n; ++i) {
    const std::string c = "c" + std::to_string(i);
    const std::int64_t ts = day + 3'600'000 + i * 1000;
    events.push_back({{"id", c + "-s"},
                      {"type", "conversation_started"},
                      {"tenant_id", tenant},
                      {"timestamp", rfc3339(ts)},
                      {"conversation_id", c},
                      {"lead_id", "L" + std::to_string(i)}});
    for (int m = 0; m < 2; ++m)
      events.push_back({{"id", c + "-m" + std::to_string(m)},
                        {"type", "message"},
                        {"tenant_id", tenant},
                        {"timestamp", rfc3339(ts + 1 + m)},
                        {"conversation_id", c},
                        {"sender", "lead"},
                        {"text", "hi"}});
  }
  return events;
}

class CacheTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::string tenant_ = unique_tenant();
  std::int64_t day_ = day_start(now_ms()) - 3 * kDayMs;
  Headers h_{{"X-Tenant-ID", tenant_}};
  std::string kpi_target() const {
    return "/metrics/kpi?from=" + rfc3339(day_ - kDayMs).substr(0, 10) +
           "&to=" + rfc3339(day_ + kDayMs).substr(0, 10);
  }
  void ingest(const ServerProcess& s, int first, int n) const {
    auto r = s.post_json("/analytics/process/batch",
                         {{"events", conversations(tenant_, day_, first, n)}}, h_);
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.json()["accepted"], 3 * n);
  }
  static int conversations_of(const HttpResponse& r) {
    return r.json()["kpis"]["conversations"]["value"].get<int>();
  }
};

TEST_P(CacheTest, MissThenHitThenFreshAfterIngest) {
  ServerOptions o;
  o.database = GetParam();
  ServerProcess s(o);
  ingest(s, 0, 3);
  auto first = s.get(kpi_target(), h_);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.header("x-cache"), "MISS");
  EXPECT_EQ(conversations_of(first), 3);
  auto second = s.get(kpi_target(), h_);
  EXPECT_EQ(second.header("x-cache"), "HIT");
  EXPECT_EQ(second.json()["kpis"], first.json()["kpis"]);
  EXPECT_EQ(s.get(kpi_target(), {{"X-Tenant-ID", tenant_ + "-other"}}).header("x-cache"), "MISS")
      << "tenants never share cached answers";

  ingest(s, 3, 2);
  auto after = s.get(kpi_target(), h_);
  EXPECT_EQ(after.header("x-cache"), "MISS");
  EXPECT_EQ(conversations_of(after), 5) << "a reader never sees a result older than its own write";
  EXPECT_EQ(s.get(kpi_target(), h_).header("x-cache"), "HIT");
}

TEST_P(CacheTest, RefreshEndpointInvalidatesAndValidatesItsBody) {
  ServerOptions o;
  o.database = GetParam();
  ServerProcess s(o);
  ingest(s, 0, 1);
  s.get(kpi_target(), h_);
  ASSERT_EQ(s.get(kpi_target(), h_).header("x-cache"), "HIT");
  auto r = s.post_json("/analytics/cache/refresh", {{"scope", "tenant"}, {"warm", false}}, h_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_GE(r.json()["invalidated"].get<int>(), 1) << "the in-process store counts what it dropped";
  EXPECT_EQ(r.json()["warmed"], 0);
  EXPECT_EQ(s.get(kpi_target(), h_).header("x-cache"), "MISS");

  auto bad = s.post_json("/analytics/cache/refresh", {{"scope", "galaxy"}}, h_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["field"], "scope");
  auto all = s.post_json("/analytics/cache/refresh", {{"scope", "all"}}, h_);  // auth none: admin
  EXPECT_EQ(all.status, 200) << all.body;
}

TEST_P(CacheTest, AllScopeIsAdminOnly) {
  ServerOptions o;
  o.database = GetParam();
  o.auth_mode = "jwt";
  o.secret_key = "cache-test-secret-0123456789abcdef";
  ServerProcess s(o);
  auto token = [&](const std::string& role) {
    return Headers{{"Authorization",
                    "Bearer " + make_jwt(o.secret_key, {{"tenant_id", tenant_}, {"role", role}})}};
  };
  EXPECT_EQ(s.post_json("/analytics/cache/refresh", {{"scope", "tenant"}}, token("viewer")).status,
            403);
  EXPECT_EQ(s.post_json("/analytics/cache/refresh", {{"scope", "tenant"}}, token("ingest")).status,
            200);
  auto denied = s.post_json("/analytics/cache/refresh", {{"scope", "all"}}, token("ingest"));
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(s.post_json("/analytics/cache/refresh", {{"scope", "all"}}, token("admin")).status,
            200);
}

TEST_P(CacheTest, TwoServersSharingRedisStayFresh) {
  if (!redis_available()) GTEST_SKIP() << "ZAPLIFY_TEST_REDIS_URL not set";
  ServerOptions o;
  o.database = GetParam();
  o.redis = true;
  ServerProcess writer(o);
  o.database_url = writer.database_url();
  ServerProcess reader(o);
  ingest(writer, 0, 2);
  auto miss = reader.get(kpi_target(), h_);
  EXPECT_EQ(miss.header("x-cache"), "MISS");
  EXPECT_EQ(conversations_of(miss), 2);
  EXPECT_EQ(writer.get(kpi_target(), h_).header("x-cache"), "HIT") << "instances share one Redis";

  ingest(writer, 2, 3);
  auto fresh = reader.get(kpi_target(), h_);
  EXPECT_EQ(fresh.header("x-cache"), "MISS");
  EXPECT_EQ(conversations_of(fresh), 5) << "an ingest on one instance is seen by the other at once";
}

TEST_P(CacheTest, RedisDyingUnderLoadFailsNoRequest) {
  if (!RedisProcess::available()) GTEST_SKIP() << "redis-server not installed";
  RedisProcess redis;
  ASSERT_TRUE(redis.start());
  ServerOptions o;
  o.database = GetParam();
  o.redis = true;
  o.env["REDIS_URL"] = redis.url();
  ServerProcess s(o);
  ingest(s, 0, 4);
  // Ten distinct cached requests: the same window read in ten zones (all hold the events).
  static const char* zones[] = {"UTC",         "Etc/GMT-1",    "Etc/GMT-2",   "Etc/GMT-3",
                                "Etc/GMT-5",   "Etc/GMT%2B1",  "Etc/GMT%2B2", "Etc/GMT%2B3",
                                "Etc/GMT%2B4", "Europe/Lisbon"};
  int failed = 0;
  bool saw_degraded = false;
  for (int i = 0; i < 1000; ++i) {
    if (i == 300) redis.kill();  // a crash, not a polite shutdown
    if (i == 700) ASSERT_TRUE(redis.start());
    auto r = s.get(kpi_target() + "&tz=" + zones[i % 10], h_);
    if (r.status != 200 || conversations_of(r) != 4) ++failed;
    if (i == 350) saw_degraded = s.get("/health").json()["cache"]["ok"] == false;
  }
  EXPECT_EQ(failed, 0);
  EXPECT_TRUE(saw_degraded) << "/health reports the cache down while Redis is";
  // The loop may outrun the reconnect backoff: keep reading until the cache serves again.
  bool hit = false;
  for (int i = 0; i < 500 && !hit; ++i) {
    hit = s.get(kpi_target(), h_).header("x-cache") == "HIT";
    if (!hit) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(hit) << "the cache came back by itself";
  auto health = s.get("/health").json();
  EXPECT_EQ(health["cache"]["backend"], "redis");
  EXPECT_EQ(health["cache"]["ok"], true);
}

INSTANTIATE_TEST_SUITE_P(Backends, CacheTest, ::testing::ValuesIn(backends()));

}  // namespace
}  // namespace zaplify::testing
