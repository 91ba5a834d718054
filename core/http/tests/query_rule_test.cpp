// One rule for repeated query parameters (issue 13): the last value wins, in what the handler
// sees and in the cache key (docs/api-notes.md, "Queries").
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http/query_string.h"
#include "http/tests/http_test_client.h"
#include "http/tests/server_fixture.h"

namespace zaplify::core::testing {
namespace {

using nlohmann::json;

TEST(RepeatedQueryParameters, TheLastValueWinsInTheParser) {
  auto q = parse_query("limit=1&x=a&limit=5");
  EXPECT_EQ(q.at("limit"), "5");
  EXPECT_EQ(q.at("x"), "a");
}

TEST(RepeatedQueryParameters, TheHandlerSeesTheLastValue) {
  auto spec = get_spec(
      "/p",
      [](const sdk::Request& r) {
        return sdk::Response::of_json({{"limit", r.param("limit").value_or("")}});
      },
      false);
  ServerHarness h({route(spec)});
  TestConnection c(h.port());
  auto r = c.request("GET", "/p?limit=1&limit=5");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["limit"], "5");
}

TEST(RepeatedQueryParameters, TheCacheKeyFollowsTheSameRule) {
  std::atomic<int> computes{0};
  auto spec = get_spec("/k", [&](const sdk::Request& r) {
    return sdk::Response::of_json({{"n", ++computes}, {"limit", r.param("limit").value_or("")}});
  });
  spec.cache = sdk::CachePolicy::Standard;
  ServerHarness h({route(spec)});
  TestConnection c(h.port());
  auto repeated = c.request("GET", "/k?limit=1&limit=5", "X-Tenant-ID: t1\r\n");
  EXPECT_EQ(repeated.header("x-cache"), "MISS");
  auto single = c.request("GET", "/k?limit=5", "X-Tenant-ID: t1\r\n");
  EXPECT_EQ(single.header("x-cache"), "HIT");
  EXPECT_EQ(json::parse(single.body)["limit"], "5");
  auto first_value = c.request("GET", "/k?limit=1", "X-Tenant-ID: t1\r\n");
  EXPECT_EQ(first_value.header("x-cache"), "MISS");  // limit=1 was never the answer's key
  EXPECT_EQ(computes.load(), 2);
}

}  // namespace
}  // namespace zaplify::core::testing
