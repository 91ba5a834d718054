// The host's own endpoints and guarantees over HTTP: /health, /openapi.json, /docs, /metrics,
// error envelopes, auth (docs/api.md, Tenancy and auth), tenant isolation and SIGTERM.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>

#include "support/server.h"

namespace zaplify::testing {
namespace {

using nlohmann::json;

const std::string kSecret = "test-secret-key-that-is-at-least-32-bytes-long";

TEST(CoreTest, HealthListsEveryPluginAndDatabase) {
  ServerProcess server(ServerOptions{});
  auto r = server.get("/health");
  ASSERT_EQ(r.status, 200) << r.body;
  auto h = r.json();
  EXPECT_EQ(h["status"], "ok");
  EXPECT_TRUE(h["version"].is_string());
  EXPECT_TRUE(h["uptime_seconds"].is_number());
  EXPECT_EQ(h["database"]["backend"], "sqlite");
  EXPECT_EQ(h["database"]["ok"], true);
  std::set<std::string> names;
  for (const auto& p : h["plugins"]) {
    names.insert(p["name"].get<std::string>());
    EXPECT_EQ(p["status"], "running") << p.dump();
    EXPECT_FALSE(p["routes"].empty()) << p.dump();
  }
  EXPECT_EQ(names, (std::set<std::string>{"metrics", "funnel", "conversation", "export", "cache"}));
}

TEST(CoreTest, OpenApiDescribesEveryRoute) {
  ServerProcess server(ServerOptions{});
  auto r = server.get("/openapi.json");
  ASSERT_EQ(r.status, 200);
  auto doc = r.json();
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  for (const char* path : {"/metrics/kpi", "/analytics/funnel/{funnel_id}",
                           "/analytics/conversations/sentiment", "/analytics/export/metrics",
                           "/analytics/cache/refresh", "/analytics/process/batch", "/health"}) {
    EXPECT_TRUE(doc["paths"].contains(path)) << path;
  }
  // Every path parameter of a template is declared.
  for (auto& [path, ops] : doc["paths"].items()) {
    for (auto& [method, op] : ops.items()) {
      std::size_t pos = 0;
      while ((pos = path.find('{', pos)) != std::string::npos) {
        std::string name = path.substr(pos + 1, path.find('}', pos) - pos - 1);
        bool declared = false;
        for (const auto& p : op.value("parameters", json::array()))
          declared |= p["in"] == "path" && p["name"] == name;
        EXPECT_TRUE(declared) << method << " " << path << " misses " << name;
        ++pos;
      }
    }
  }
}

TEST(CoreTest, DocsAreServedLocally) {
  ServerProcess server(ServerOptions{});
  auto page = server.get("/docs");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("/openapi.json"), std::string::npos);
  EXPECT_EQ(page.body.find("cdn"), std::string::npos);
  auto js = server.get("/docs/swagger-ui-bundle.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_GT(js.body.size(), 100000u);
}

TEST(CoreTest, UnknownPathsAndMethodsGetEnvelopes) {
  ServerProcess server(ServerOptions{});
  auto nf = server.get("/nope");
  EXPECT_EQ(nf.status, 404);
  EXPECT_TRUE(nf.json()["error"]["code"].is_string());
  auto wrong = server.request("DELETE", "/metrics/kpi");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_TRUE(wrong.json()["error"]["message"].is_string());
  auto bad_tz = server.get("/metrics/kpi?tz=Mars/Olympus");
  EXPECT_EQ(bad_tz.status, 400);
  EXPECT_EQ(bad_tz.json()["error"]["field"], "tz");
  auto bad_window = server.get("/metrics/kpi?from=2026-11-10&to=2026-11-01");
  EXPECT_EQ(bad_window.status, 400);
  EXPECT_EQ(bad_window.json()["error"]["field"], "from");
  auto bad_interval = server.get("/metrics/kpi?interval=minute");
  EXPECT_EQ(bad_interval.status, 400);
  EXPECT_EQ(bad_interval.json()["error"]["field"], "interval");
}

TEST(CoreTest, PrometheusMetricsCountRequests) {
  ServerProcess server(ServerOptions{});
  server.get("/metrics/kpi");
  auto m = server.get("/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("# TYPE"), std::string::npos);
  EXPECT_NE(m.body.find("http_requests_total"), std::string::npos);
}

class JwtTest : public ::testing::Test {
 protected:
  static ServerOptions options() {
    ServerOptions o;
    o.auth_mode = "jwt";
    o.secret_key = kSecret;
    return o;
  }
  static Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }
};

TEST_F(JwtTest, RejectsBadTokensAndEnforcesRoles) {
  ServerProcess server(options());
  EXPECT_EQ(server.get("/health").status, 200);  // public
  EXPECT_EQ(server.get("/metrics/kpi").status, 401);
  auto viewer = make_jwt(kSecret, {{"tenant_id", "acme"}, {"role", "viewer"}});
  EXPECT_EQ(server.get("/metrics/kpi", bearer(viewer)).status, 200);
  EXPECT_EQ(server
                .get("/metrics/kpi", bearer(make_jwt("another-secret-another-secret-another",
                                                     {{"tenant_id", "acme"}, {"role", "viewer"}})))
                .status,
            401);
  EXPECT_EQ(server
                .get("/metrics/kpi",
                     bearer(make_jwt(kSecret, {{"tenant_id", "acme"}, {"role", "viewer"}}, -10)))
                .status,
            401);
  EXPECT_EQ(
      server
          .get("/metrics/kpi",
               bearer(make_jwt(kSecret, {{"tenant_id", "acme"}, {"role", "viewer"}}, 0, false)))
          .status,
      401);
  EXPECT_EQ(server.get("/metrics/kpi", bearer(make_jwt(kSecret, {{"role", "viewer"}}))).status,
            401);
  // alg none: header {"alg":"none","typ":"JWT"}, no signature.
  std::string none =
      "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0."
      "eyJ0ZW5hbnRfaWQiOiJhY21lIiwicm9sZSI6ImFkbWluIiwiZXhwIjo0MTAyNDQ0ODAwfQ.";
  EXPECT_EQ(server.get("/metrics/kpi", bearer(none)).status, 401);
  // A viewer may not ingest; an ingest token may.
  json batch = {{"events", json::array({{{"id", "a"},
                                         {"type", "lead_created"},
                                         {"tenant_id", "acme"},
                                         {"timestamp", rfc3339(now_ms())},
                                         {"lead_id", "l"}}})}};
  EXPECT_EQ(server.post_json("/analytics/process/batch", batch, bearer(viewer)).status, 403);
  auto ingest = make_jwt(kSecret, {{"tenant_id", "acme"}, {"role", "ingest"}});
  auto ok = server.post_json("/analytics/process/batch", batch, bearer(ingest));
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json()["accepted"], 1);
  EXPECT_EQ(server.get("/metrics", bearer(ingest)).status, 403);
  // A "*" token must name the tenant for reads.
  auto star = make_jwt(kSecret, {{"tenant_id", "*"}, {"role", "admin"}});
  EXPECT_EQ(server.get("/metrics/kpi", bearer(star)).status, 400);
  Headers with_tenant = bearer(star);
  with_tenant["X-Tenant-ID"] = "acme";
  EXPECT_EQ(server.get("/metrics/kpi", with_tenant).status, 200);
  EXPECT_EQ(server.get("/metrics", bearer(star)).status, 200);
}

TEST_F(JwtTest, TenantsNeverSeeEachOther) {
  ServerProcess server(options());
  auto star = make_jwt(kSecret, {{"tenant_id", "*"}, {"role", "ingest"}});
  std::int64_t now = now_ms();
  json events = json::array();
  for (int i = 0; i < 5; ++i)
    events.push_back({{"id", "a" + std::to_string(i)},
                      {"type", "lead_created"},
                      {"tenant_id", "alpha"},
                      {"timestamp", rfc3339(now - 60000)},
                      {"lead_id", "la" + std::to_string(i)}});
  events.push_back({{"id", "b0"},
                    {"type", "lead_created"},
                    {"tenant_id", "beta"},
                    {"timestamp", rfc3339(now - 60000)},
                    {"lead_id", "lb"}});
  auto r = server.post_json("/analytics/process/batch", {{"events", events}}, bearer(star));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["accepted"], 6);
  auto beta = make_jwt(kSecret, {{"tenant_id", "beta"}, {"role", "viewer"}});
  Headers h = bearer(beta);
  h["X-Tenant-ID"] = "alpha";  // trying to reach another tenant
  auto k = server.get("/metrics/kpi", h);
  EXPECT_EQ(k.status, 403) << k.body;  // a tenant token naming another tenant (docs/api-notes.md)
  EXPECT_EQ(k.body.find("\"new_leads\""), std::string::npos);
  auto k2 = server.get("/metrics/kpi", bearer(beta));
  ASSERT_EQ(k2.status, 200);
  EXPECT_EQ(k2.json()["kpis"]["new_leads"]["value"], 1);
}

TEST(CoreTest, SigtermExitsCleanly) {
  ServerProcess server(ServerOptions{});
  ASSERT_EQ(server.get("/health").status, 200);
  auto start = std::chrono::steady_clock::now();
  server.signal(SIGTERM);
  EXPECT_EQ(server.wait_exit(10000), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(CoreTest, BadConfigStopsStartupNamingTheKey) {
  ServerOptions o;
  o.extra_yaml = "bogus_key: 1\n";
  o.wait_ready = false;
  ServerProcess server(o);
  int status = server.wait_exit(10000);
  EXPECT_NE(status, 0);
  EXPECT_NE(server.log().find("bogus_key"), std::string::npos) << server.log();
}

}  // namespace
}  // namespace zaplify::testing
