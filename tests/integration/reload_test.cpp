// Operators toggle plugins in the YAML and send SIGHUP (or POST /admin/reload): routes come and go
// without a restart, and a bad YAML is refused while the running config keeps serving.
#include <gtest/gtest.h>

#include <chrono>
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

}  // namespace
}  // namespace zaplify::testing
