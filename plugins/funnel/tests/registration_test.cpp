// The built funnel.so on the SDK test kit: what it registers (its migrations applied to the
// server's own schema), and which `config:` blocks the server would refuse. Paths and names are
// the public contract (docs/api.md).
#include <gtest/gtest.h>

#include "zaplify/testkit/testkit.h"

namespace {

using Names = std::vector<std::string>;

TEST(FunnelRegistration, RegistersItsRoutesDataSourcesAndProjections) {
  const auto r = zaplify::testkit::registration_of(ZAPLIFY_PLUGIN_SO);
  EXPECT_EQ(
      r.routes,
      (Names{"GET /analytics/funnel/{funnel_id}", "GET /analytics/funnel/{funnel_id}/bottlenecks",
             "GET /analytics/funnel/{funnel_id}/conversion-flow",
             "GET /analytics/funnel/{funnel_id}/dropped", "GET /analytics/funnels"}));
  EXPECT_EQ(r.data_sources, (Names{"funnel_stages"}));
  EXPECT_EQ(r.projections, (Names{}));
}

TEST(FunnelRegistration, TheServerRefusesBadConfigNamingTheKey) {
  const zaplify::testkit::PluginLibrary plugin(ZAPLIFY_PLUGIN_SO);
  EXPECT_EQ(plugin.check_config(nlohmann::json::object()), "");
  EXPECT_PRED_FORMAT2(testing::IsSubstring, "plugins[funnel].config.no_such_key",
                      plugin.check_config({{"no_such_key", 1}}));
  EXPECT_PRED_FORMAT2(testing::IsSubstring, "plugins[funnel].config.stages",
                      plugin.check_config(nlohmann::json::parse(R"({"stages": 3})")));
}

}  // namespace
