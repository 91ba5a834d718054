#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http/tests/http_test_client.h"
#include "http/tests/server_fixture.h"

namespace zaplify::core::testing {
namespace {

using nlohmann::json;

TEST(HttpServerCache, SecondGetIsAHitAndIngestInvalidates) {
  std::atomic<int> computes{0};
  auto spec = get_spec("/kpi", [&](const sdk::Request& r) {
    return sdk::Response::of_json({{"n", ++computes}, {"tenant", r.tenant_id}});
  });
  spec.cache = sdk::CachePolicy::Standard;
  spec.windowed = true;
  ServerHarness h({route(spec)});
  TestConnection c(h.port());
  auto first = c.request("GET", "/kpi?from=2026-11-01T00:00:00Z&to=2026-11-08T00:00:00Z",
                         "X-Tenant-ID: t1\r\n");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.header("x-cache"), "MISS");
  auto body = json::parse(first.body);
  // The host adds the window (the fixture's calendar formats instants as their ms) and data_as_of.
  // 2026-11-01T00:00:00Z and 2026-11-08T00:00:00Z as epoch ms.
  EXPECT_EQ(body["window"]["from"], "1793491200000");
  EXPECT_EQ(body["window"]["to"], "1794096000000");
  EXPECT_EQ(body["window"]["tz"], "UTC");
  EXPECT_TRUE(body.contains("data_as_of"));
  // Same query with the parameters in another order: one key.
  auto second = c.request("GET", "/kpi?to=2026-11-08T00:00:00Z&from=2026-11-01T00:00:00Z",
                          "X-Tenant-ID: t1\r\n");
  EXPECT_EQ(second.header("x-cache"), "HIT");
  EXPECT_EQ(second.body, first.body);
  // Another tenant never sees t1's entry.
  auto other = c.request("GET", "/kpi?from=2026-11-01T00:00:00Z&to=2026-11-08T00:00:00Z",
                         "X-Tenant-ID: t2\r\n");
  EXPECT_EQ(other.header("x-cache"), "MISS");
  EXPECT_EQ(json::parse(other.body)["tenant"], "t2");
  h.cache.invalidate_tenant("t1");
  auto after = c.request("GET", "/kpi?from=2026-11-01T00:00:00Z&to=2026-11-08T00:00:00Z",
                         "X-Tenant-ID: t1\r\n");
  EXPECT_EQ(after.header("x-cache"), "MISS");
  EXPECT_EQ(json::parse(after.body)["n"], 3);
  EXPECT_EQ(computes.load(), 3);
}

TEST(HttpServerCache, BadWindowIs400) {
  auto spec = get_spec("/kpi", [](const sdk::Request&) { return sdk::Response::of_json({}); });
  spec.windowed = true;
  ServerHarness h({route(spec)});
  TestConnection c(h.port());
  auto r = c.request("GET", "/kpi?from=2026-11-08T00:00:00Z&to=2026-11-01T00:00:00Z");
  EXPECT_EQ(r.status, 400);
  auto field = json::parse(r.body)["error"]["field"];
  EXPECT_TRUE(field == "from" || field == "to") << field;
  auto tz = c.request("GET", "/kpi?tz=Mars/Olympus");
  EXPECT_EQ(tz.status, 400);
}

TEST(HttpServerCache, RecomputeStoresForLaterHits) {
  std::atomic<int> computes{0};
  auto spec = get_spec("/kpi", [&](const sdk::Request&) {
    return sdk::Response::of_json({{"n", ++computes}});
  });
  spec.cache = sdk::CachePolicy::Standard;
  ServerHarness h({route(spec)});
  auto warmed = h.server->recompute("t1", "/kpi", {});
  ASSERT_TRUE(warmed);
  EXPECT_EQ(warmed->status, 200);
  TestConnection c(h.port());
  auto r = c.request("GET", "/kpi", "X-Tenant-ID: t1\r\n");
  EXPECT_EQ(r.header("x-cache"), "HIT");
  EXPECT_EQ(json::parse(r.body)["n"], 1);
  EXPECT_FALSE(h.server->recompute("t1", "/unknown", {}));
}

TEST(HttpServerCache, JwtModeProtectsAllButPublicRoutes) {
  auto health = get_spec(
      "/health",
      [](const sdk::Request&) {
        return sdk::Response::of_json({{"status", "ok"}});
      },
      false);
  auto data = get_spec(
      "/data", [](const sdk::Request&) { return sdk::Response::of_json({}); }, false);
  auto admin = get_spec(
      "/admin/x", [](const sdk::Request&) { return sdk::Response::of_json({}); }, false);
  admin.required_role = sdk::Role::Admin;
  ServerHarness h({route(health, "core"), route(data), route(admin, "core")}, HttpSettings{},
                  AuthSettings{"jwt", "0123456789abcdef0123456789abcdef"});
  TestConnection c(h.port());
  EXPECT_EQ(c.request("GET", "/health").status, 200);
  auto r = c.request("GET", "/data");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "unauthorized");
  EXPECT_EQ(c.request("GET", "/admin/x", "Authorization: Bearer x.y.z\r\n").status, 401);
}

TEST(HttpServerCache, MetricsCountRequestsByRouteAndStatus) {
  auto spec = get_spec(
      "/items/{id}", [](const sdk::Request&) { return sdk::Response::of_json({}); }, false);
  ServerHarness h({route(spec)});
  TestConnection c(h.port());
  c.request("GET", "/items/1");
  c.request("GET", "/items/2");
  c.request("GET", "/missing");
  auto text = h.metrics.render();
  EXPECT_NE(
      text.find("http_requests_total{method=\"GET\",route=\"/items/{id}\",status=\"200\"} 2\n"),
      std::string::npos);
  EXPECT_NE(text.find("http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("http_request_duration_seconds_count{route=\"/items/{id}\"} 2\n"),
            std::string::npos);
}

}  // namespace
}  // namespace zaplify::core::testing
