// Single-flight made observable (issue 13): a herd of concurrent readers of one key right after an
// ingest costs one computation (cache_computations_total), the others join it
// (cache_coalesced_total) or hit — on the embedded cache, on Redis, and per instance with two
// servers sharing Redis.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/server.h"

namespace zaplify::testing {
namespace {

using nlohmann::json;

constexpr int kHerd = 64;
const std::string kRoute = "/metrics/kpi";

/// The value of `family{route="<route>"}` in the server's /metrics (0 when absent).
double route_metric(const ServerProcess& server, const std::string& family,
                    const std::string& route) {
  auto r = server.get("/metrics");
  EXPECT_EQ(r.status, 200);
  std::regex line("^" + family + "\\{route=\"" + route + "\"\\} ([0-9.e+]+)$");
  std::smatch m;
  std::istringstream in(r.body);
  for (std::string l; std::getline(in, l);)
    if (std::regex_match(l, m, line)) return std::stod(m[1]);
  return 0;
}

std::string unique_tenant() {
  std::random_device rd;
  return "herd-" + std::to_string(rd());
}

void ingest_one(const ServerProcess& server, const std::string& tenant, const std::string& id) {
  json events = json::array({{{"id", id},
                              {"type", "lead_created"},
                              {"tenant_id", tenant},
                              {"timestamp", rfc3339(now_ms() - 3'600'000)},
                              {"lead_id", "l-" + id}}});
  auto r =
      server.post_json("/analytics/process/batch", {{"events", events}}, {{"X-Tenant-ID", tenant}});
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json()["accepted"], 1) << r.body;
}

/// `readers` concurrent GETs of one KPI key per server, released together; every answer a 200.
void herd(const std::vector<const ServerProcess*>& servers, const std::string& tenant,
          int readers) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (const auto* server : servers) {
    for (int i = 0; i < readers; ++i) {
      threads.emplace_back([&, port = server->port()] {
        ready.fetch_add(1);
        while (!go.load()) std::this_thread::yield();
        auto r =
            http_request(port, "GET", kRoute + "?tz=UTC", {}, {{"X-Tenant-ID", tenant}}, 30000);
        if (r.status == 200) ok.fetch_add(1);
      });
    }
  }
  while (ready.load() < static_cast<int>(threads.size())) std::this_thread::yield();
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), static_cast<int>(threads.size()));
}

class CacheHerdTest : public ::testing::TestWithParam<bool> {
 protected:
  ServerOptions options() const {
    ServerOptions o;
    o.redis = GetParam();
    return o;
  }
  void SetUp() override {
    if (GetParam() && !redis_available()) GTEST_SKIP() << "ZAPLIFY_TEST_REDIS_URL not set";
  }
};

TEST_P(CacheHerdTest, HerdAfterAnIngestCostsOneComputation) {
  ServerProcess server(options());
  ASSERT_TRUE(server.wait_caught_up());  // a finished catch-up empties the cache: not mid-herd
  std::string tenant = unique_tenant();
  ingest_one(server, tenant, "warm");
  herd({&server}, tenant, 4);  // the route and its counters exist; the key is cached
  for (int round = 0; round < 2; ++round) {
    ingest_one(server, tenant,
               "e" + std::to_string(round));  // a new generation: the next read misses
    double computations = route_metric(server, "cache_computations_total", kRoute);
    double coalesced = route_metric(server, "cache_coalesced_total", kRoute);
    herd({&server}, tenant, kHerd);
    EXPECT_EQ(route_metric(server, "cache_computations_total", kRoute) - computations, 1)
        << "round " << round;
    EXPECT_LE(route_metric(server, "cache_coalesced_total", kRoute) - coalesced, kHerd - 1);
  }
}

TEST_P(CacheHerdTest, TwoInstancesSharingRedisComputeAtMostOncePerInstance) {
  if (!GetParam()) GTEST_SKIP() << "two instances share a cache only through Redis";
  ServerProcess a(options());
  ServerOptions o = options();
  o.database_url = a.database_url();
  ServerProcess b(o);
  ASSERT_TRUE(a.wait_caught_up() && b.wait_caught_up());
  std::string tenant = unique_tenant();
  ingest_one(a, tenant, "warm");
  herd({&a, &b}, tenant, 2);
  ingest_one(a, tenant, "fresh");
  double before_a = route_metric(a, "cache_computations_total", kRoute);
  double before_b = route_metric(b, "cache_computations_total", kRoute);
  herd({&a, &b}, tenant, kHerd / 2);
  double on_a = route_metric(a, "cache_computations_total", kRoute) - before_a;
  double on_b = route_metric(b, "cache_computations_total", kRoute) - before_b;
  EXPECT_LE(on_a, 1);
  EXPECT_LE(on_b, 1);
  EXPECT_GE(on_a + on_b, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, CacheHerdTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "redis" : "embedded"; });

}  // namespace
}  // namespace zaplify::testing
