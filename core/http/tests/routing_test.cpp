#include <gtest/gtest.h>

#include "http/pipeline.h"
#include "http/query_string.h"
#include "http/tests/server_fixture.h"
#include "http/worker_pool.h"

namespace zaplify::core::testing {
namespace {

sdk::Response nothing(const sdk::Request&) { return {}; }

std::shared_ptr<const RouteEntry> entry(sdk::Method m, const std::string& path,
                                        const std::string& plugin) {
  auto s = get_spec(path, nothing);
  s.method = m;
  return route(s, plugin);
}

TEST(RouteTable, LiteralBeatsParameter) {
  RouteTable t({entry(sdk::Method::Get, "/f/{id}", "a"), entry(sdk::Method::Get, "/f/list", "b")});
  auto m = t.match(sdk::Method::Get, "/f/list");
  ASSERT_TRUE(m.entry);
  EXPECT_EQ(m.entry->plugin, "b");
  auto p = t.match(sdk::Method::Get, "/f/x%2Fy");
  ASSERT_TRUE(p.entry);
  EXPECT_EQ(p.path_params.at("id"), "x/y");
}

TEST(RouteTable, WrongMethodListsAllowed) {
  RouteTable t({entry(sdk::Method::Get, "/r", "a"), entry(sdk::Method::Post, "/r", "a")});
  auto m = t.match(sdk::Method::Delete, "/r");
  EXPECT_FALSE(m.entry);
  EXPECT_TRUE(m.method_not_allowed);
  EXPECT_EQ(m.allowed.size(), 2u);
  EXPECT_FALSE(t.match(sdk::Method::Get, "/nope").method_not_allowed);
}

TEST(RouteTable, DuplicateShapeNamesBothPlugins) {
  try {
    RouteTable t(
        {entry(sdk::Method::Get, "/a/{x}", "first"), entry(sdk::Method::Get, "/a/{y}", "second")});
    FAIL();
  } catch (const std::invalid_argument& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("first"), std::string::npos);
    EXPECT_NE(what.find("second"), std::string::npos);
  }
}

// A plugin's public route (a static page) needs no token; only GET may be public.
TEST(RouteTable, PublicRoleOnlyOnGetAndSkipsAuthentication) {
  auto s = get_spec("/page", nothing);
  s.required_role = sdk::Role::Public;
  auto page = route(s, "someplugin");
  EXPECT_TRUE(is_public_route(*page));
  EXPECT_FALSE(is_public_route(*entry(sdk::Method::Get, "/other", "someplugin")));
  s.method = sdk::Method::Post;
  EXPECT_THROW(RouteTable({route(s, "someplugin")}), std::invalid_argument);
}

TEST(QueryString, DecodesPercentAndPlus) {
  auto q = parse_query("?a=1&b=x%20y+z&c&=skip&a=2&d=%zz");
  EXPECT_EQ(q.at("a"), "2");  // last one wins
  EXPECT_EQ(q.at("b"), "x y z");
  EXPECT_EQ(q.at("c"), "");
  EXPECT_EQ(q.at("d"), "%zz");
  EXPECT_EQ(q.size(), 4u);
  EXPECT_EQ(url_decode("a+b%2B", false), "a+b+");
}

TEST(WorkerPool, RefusesBeyondWorkersPlusQueue) {
  WorkerPool pool(1, 1);
  Gate gate;
  std::atomic<int> ran{0};
  std::atomic<bool> started{false};
  EXPECT_TRUE(pool.try_submit([&] {
    started = true;
    gate.wait();
    ++ran;
  }));
  while (!started) std::this_thread::yield();
  EXPECT_TRUE(pool.try_submit([&] { ++ran; }));   // queued
  EXPECT_FALSE(pool.try_submit([&] { ++ran; }));  // full
  gate.open();
  pool.stop();
  EXPECT_EQ(ran.load(), 2);
  EXPECT_FALSE(pool.try_submit([] {}));
}

}  // namespace
}  // namespace zaplify::core::testing
