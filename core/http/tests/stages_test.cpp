// The request stages alone (http/stages.h): no server, no sockets.
#include <gtest/gtest.h>

#include "http/query_string.h"
#include "http/stages.h"
#include "http/tests/server_fixture.h"

namespace zaplify::core::testing {
namespace {

sdk::Response ok(const sdk::Request&) { return sdk::Response::of_json({}); }

RouteTable table() {
  auto cached = get_spec("/kpi", ok);
  cached.cache = sdk::CachePolicy::Standard;
  cached.required_role = sdk::Role::Viewer;
  sdk::RouteSpec post;
  post.method = sdk::Method::Post;
  post.path = "/batch";
  post.handler = ok;
  post.required_role = sdk::Role::Ingest;
  return RouteTable({route(cached), route(post)});
}

WireRequest wire(std::string method, std::string path, std::string query = {}) {
  WireRequest w;
  w.method = std::move(method);
  w.path = std::move(path);
  w.query = std::move(query);
  return w;
}

TEST(Stages, RouteAnswers404And405) {
  RequestState s;
  EXPECT_EQ(route_stage(table(), wire("GET", "/nope"), s)->status, 404);
  auto wrong = route_stage(table(), wire("DELETE", "/kpi"), s);
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(route_stage(table(), wire("BREW", "/kpi"), s)->status, 405);  // a method we do not know
  EXPECT_FALSE(route_stage(table(), wire("GET", "/kpi"), s));
  EXPECT_EQ(s.entry->spec.path, "/kpi");
}

TEST(Stages, BodyRules) {
  RequestState s;
  auto w = wire("POST", "/batch");
  ASSERT_FALSE(route_stage(table(), w, s));
  w.body = "{}";
  w.headers["content-type"] = "application/jsonp";
  EXPECT_EQ(body_stage(w, 100, s)->status, 415);
  w.headers["content-type"] = "application/json; charset=utf-8";
  EXPECT_FALSE(body_stage(w, 100, s));
  EXPECT_EQ(body_stage(w, 1, s)->status, 413);
  w.body += '\0';
  EXPECT_EQ(body_stage(w, 100, s)->status, 400);
}

TEST(Stages, AuthoriseNeedsTheRoutesRole) {
  RequestState s;
  ASSERT_FALSE(route_stage(table(), wire("POST", "/batch"), s));
  s.principal.role = sdk::Role::Viewer;
  EXPECT_EQ(authorise_stage(s)->status, 403);
  s.principal.role = sdk::Role::Ingest;
  EXPECT_FALSE(authorise_stage(s));
}

TEST(Stages, CacheKeyFollowsTheLastValueOfARepeatedParameter) {
  auto key_of = [](const std::string& query) {
    RequestState s;
    auto w = wire("GET", "/kpi", query);
    EXPECT_FALSE(route_stage(table(), w, s));
    s.principal.tenant_id = "t";
    parameters_stage(w, parse_query(w.query), "id", 0, 90, s);
    return cache_key_stage(s);
  };
  ASSERT_TRUE(key_of("limit=5"));
  EXPECT_EQ(key_of("limit=1&limit=5"), key_of("limit=5"));
  EXPECT_NE(key_of("limit=1&limit=5"), key_of("limit=1"));
}

}  // namespace
}  // namespace zaplify::core::testing
