// The built metrics.so on the SDK test kit: what it registers (its migrations applied to the
// server's own schema), and which `config:` blocks the server would refuse. Paths and names are
// the public contract (docs/api.md).
#include <gtest/gtest.h>

#include "zaplify/testkit/testkit.h"

namespace {

using Names = std::vector<std::string>;

TEST(MetricsRegistration, RegistersItsRoutesDataSourcesAndProjections) {
  const auto r = zaplify::testkit::registration_of(ZAPLIFY_PLUGIN_SO);
  EXPECT_EQ(r.routes, (Names{"GET /analytics/real-time/activity", "GET /metrics/conversion",
                             "GET /metrics/kpi", "GET /metrics/performance"}));
  EXPECT_EQ(r.data_sources, (Names{"assistant_performance", "kpi_daily"}));
  EXPECT_EQ(r.projections, (Names{"derived_tables", "reply_triggers"}));
}

TEST(MetricsRegistration, TheServerRefusesBadConfigNamingTheKey) {
  const zaplify::testkit::PluginLibrary plugin(ZAPLIFY_PLUGIN_SO);
  EXPECT_EQ(plugin.check_config(nlohmann::json::object()), "");
  EXPECT_PRED_FORMAT2(testing::IsSubstring, "plugins[metrics].config.no_such_key",
                      plugin.check_config({{"no_such_key", 1}}));
  EXPECT_PRED_FORMAT2(
      testing::IsSubstring, "plugins[metrics].config.business_hours.default",
      plugin.check_config(nlohmann::json::parse(R"({"business_hours": {"default": 5}})")));
}

}  // namespace
