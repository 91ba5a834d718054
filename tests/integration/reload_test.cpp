// Operators toggle plugins in the YAML and send SIGHUP (or POST /admin/reload): routes come and go
// without a restart, and a bad YAML is refused while the running config keeps serving.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/server.h"

namespace zaplify::testing {
namespace {

TEST(ReloadTest, SighupTogglesAPluginAndAdminReloadRefusesBadYaml) {
  ServerOptions o;
  ServerProcess server(o);
  ASSERT_EQ(server.get("/analytics/funnels").status, 200);

  ServerOptions without = o;
  without.plugins = {"metrics", "conversation", "export", "cache"};
  without.disabled = {"funnel"};
  server.rewrite_config(without);
  server.signal(SIGHUP);
  EXPECT_TRUE(wait_for_status(server, "/analytics/funnels", 404)) << server.log();
  EXPECT_EQ(server.get("/metrics/kpi").status, 200);  // the others keep serving

  server.rewrite_config(o);
  auto reload = server.post_json("/admin/reload", nlohmann::json::object());
  EXPECT_EQ(reload.status, 200) << reload.body;
  EXPECT_TRUE(wait_for_status(server, "/analytics/funnels", 200));

  ServerOptions bad = o;
  bad.extra_yaml = "no_such_key: true\n";
  server.rewrite_config(bad);
  auto refused = server.post_json("/admin/reload", nlohmann::json::object());
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("no_such_key"), std::string::npos) << refused.body;
  EXPECT_EQ(server.get("/analytics/funnels").status, 200);

  auto plugins = server.get("/admin/plugins");
  ASSERT_EQ(plugins.status, 200);
  EXPECT_NE(plugins.body.find("funnel"), std::string::npos);
}

// A rebuilt plugin library loaded by a reload must not be answered for by its predecessor's
// cached responses (a plugin upgrade in production has the same shape: off, new .so, on).
TEST(ReloadTest, ARebuiltPluginNeverServesTheOldBuildsCachedAnswers) {
  ServerOptions o;
  o.plugins = {"metrics", "funnel", "cache"};
  ServerProcess probe(o);  // only for its work folder and the build's plugin folder
  const std::string copy = probe.work_dir() + "/funnel-copy.so";
  std::filesystem::copy_file(std::string(ZAPLIFY_PLUGIN_DIR) + "/funnel.so", copy);
  o.library_paths["funnel"] = copy;
  ServerProcess server(o);
  ASSERT_EQ(server.get("/analytics/funnels").status, 200) << server.log();
  auto warm = server.get("/analytics/funnels");
  ASSERT_EQ(warm.header("x-cache"), "HIT")
      << "the route must be cached for this test to mean anything";

  ServerOptions off = o;
  off.plugins = {"metrics", "cache"};
  off.disabled = {"funnel"};
  server.rewrite_config(off);
  server.signal(SIGHUP);
  ASSERT_TRUE(wait_for_status(server, "/analytics/funnels", 404)) << server.log();
  {  // "rebuild": the same code with other bytes (trailing data does not change how it loads)
    std::ofstream out(copy, std::ios::binary | std::ios::app);
    out << "rebuilt";
  }
  server.rewrite_config(o);
  server.signal(SIGHUP);
  // Waiting on another cache key, so that the first request of the asserted key is the next one.
  ASSERT_TRUE(wait_for_status(server, "/analytics/funnels?waiting=1", 200)) << server.log();
  auto after = server.get("/analytics/funnels");
  EXPECT_EQ(after.header("x-cache"), "MISS") << "the old build's answer was served";
  EXPECT_EQ(server.get("/analytics/funnels").header("x-cache"), "HIT");  // the new build caches
}

// Instances sharing one Redis share cached answers only between identical builds: during a rolling
// upgrade an instance with the new plugin build never serves the old build's answers (nor a host
// restarted on a new build the previous one's), while identical instances still share.
TEST(ReloadTest, InstancesOnOneRedisShareAnswersOnlyBetweenIdenticalBuilds) {
  if (!redis_available()) GTEST_SKIP() << "ZAPLIFY_TEST_REDIS_URL not set";
  ServerOptions o;
  o.plugins = {"metrics", "funnel", "cache"};
  o.redis = true;
  ServerProcess old_build(o);
  const std::string v1 = old_build.work_dir() + "/funnel-v1.so",
                    v2 = old_build.work_dir() + "/funnel-v2.so";
  std::filesystem::copy_file(std::string(ZAPLIFY_PLUGIN_DIR) + "/funnel.so", v1);
  std::filesystem::copy_file(v1, v2);
  std::ofstream(v2, std::ios::binary | std::ios::app) << "rebuilt";
  o.database_url = old_build.database_url();
  // Every instance empties the shared cache when it starts (its projections caught up), so each
  // answer below is stored after all three instances are running: a rolling upgrade's shape.
  o.library_paths["funnel"] = v1;
  ServerProcess first(o);
  ServerProcess twin(o);
  o.library_paths["funnel"] = v2;
  ServerProcess upgraded(o);
  ASSERT_EQ(first.get("/analytics/funnels").header("x-cache"), "MISS") << first.log();
  ASSERT_EQ(first.get("/analytics/funnels").header("x-cache"), "HIT");
  EXPECT_EQ(twin.get("/analytics/funnels").header("x-cache"), "HIT") << "identical builds share";
  EXPECT_EQ(upgraded.get("/analytics/funnels").header("x-cache"), "MISS")
      << "served another build's answer";
  EXPECT_EQ(upgraded.get("/analytics/funnels").header("x-cache"), "HIT");
}

}  // namespace
}  // namespace zaplify::testing
