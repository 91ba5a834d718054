#include "refresh_route.h"

#include <gtest/gtest.h>

#include <vector>

namespace zaplify::cache {
namespace {

struct RecordingCache : sdk::CacheControl {
  std::vector<std::string> calls;
  void set_backend(std::shared_ptr<sdk::CacheBackend>) override {}
  std::int64_t invalidate_tenant(const std::string& t) override {
    calls.push_back("tenant:" + t);
    return 7;
  }
  std::int64_t invalidate_all() override {
    calls.push_back("all");
    return 30;
  }
  std::int64_t warm_tenant(const std::string& t, int n) override {
    calls.push_back("warm:" + t + ":" + std::to_string(n));
    return 4;
  }
};

sdk::Request post(std::string body, sdk::Role role) {
  sdk::Request r;
  r.method = sdk::Method::Post;
  r.body = std::move(body);
  r.tenant_id = "acme";
  r.role = role;
  return r;
}

int status_of(const sdk::RouteSpec& route, const sdk::Request& req, std::string* field = nullptr) {
  try {
    return route.handler(req).status;
  } catch (const sdk::HttpError& e) {
    if (field) *field = e.field();
    return e.status();
  }
}

TEST(RefreshRoute, TenantScopeInvalidatesAndWarmsTheCallersTenant) {
  RecordingCache cache;
  auto route = make_refresh_route(cache);
  EXPECT_EQ(route.required_role, sdk::Role::Ingest);
  EXPECT_EQ(route.cache, sdk::CachePolicy::None);
  auto res = route.handler(post(R"({"scope":"tenant","warm":true})", sdk::Role::Ingest));
  EXPECT_EQ(res.json, (nlohmann::json{{"invalidated", 7}, {"warmed", 4}}));
  EXPECT_EQ(cache.calls, (std::vector<std::string>{"tenant:acme", "warm:acme:20"}));
}

TEST(RefreshRoute, EmptyBodyMeansTenantScopeWithoutWarming) {
  RecordingCache cache;
  auto res = make_refresh_route(cache).handler(post("", sdk::Role::Ingest));
  EXPECT_EQ(res.json, (nlohmann::json{{"invalidated", 7}, {"warmed", 0}}));
  EXPECT_EQ(cache.calls, (std::vector<std::string>{"tenant:acme"}));
}

TEST(RefreshRoute, AllScopeIsAdminOnly) {
  RecordingCache cache;
  auto route = make_refresh_route(cache);
  std::string field;
  EXPECT_EQ(status_of(route, post(R"({"scope":"all"})", sdk::Role::Ingest), &field), 403);
  EXPECT_EQ(field, "scope");
  EXPECT_TRUE(cache.calls.empty());
  auto res = route.handler(post(R"({"scope":"all"})", sdk::Role::Admin));
  EXPECT_EQ(res.json, (nlohmann::json{{"invalidated", 30}, {"warmed", 0}}));
}

TEST(RefreshRoute, BadBodiesAre400NamingTheField) {
  RecordingCache cache;
  auto route = make_refresh_route(cache);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "body"},
      {"[1,2]", "body"},
      {R"({"scope":"everyone"})", "scope"},
      {R"({"scope":3})", "scope"},
      {R"({"warm":"yes"})", "warm"},
      {R"({"warm":1})", "warm"}};
  for (const auto& [body, expected_field] : cases) {
    std::string field;
    EXPECT_EQ(status_of(route, post(body, sdk::Role::Admin), &field), 400) << body;
    EXPECT_EQ(field, expected_field) << body;
  }
  EXPECT_TRUE(cache.calls.empty());
}

}  // namespace
}  // namespace zaplify::cache
