// The built costs.so on the SDK test kit: what it registers (its migrations applied to the
// server's own schema), and which `config:` blocks the server would refuse. Paths and names are
// the public contract (docs/api.md).
#include <gtest/gtest.h>

#include "zaplify/testkit/testkit.h"

namespace {

using Names = std::vector<std::string>;

TEST(CostsRegistration, RegistersItsRoutesDataSourcesAndProjections) {
  const auto r = zaplify::testkit::registration_of(ZAPLIFY_PLUGIN_SO);
  EXPECT_EQ(r.routes, (Names{"GET /metrics/cost"}));
  EXPECT_EQ(r.data_sources, (Names{"cost_daily"}));
  EXPECT_EQ(r.projections, (Names{"cost_units"}));
}

TEST(CostsRegistration, TheServerRefusesBadConfigNamingTheKey) {
  const zaplify::testkit::PluginLibrary plugin(ZAPLIFY_PLUGIN_SO);
  EXPECT_EQ(plugin.check_config(nlohmann::json::object()), "");
  EXPECT_PRED_FORMAT2(testing::IsSubstring, "plugins[costs].config.no_such_key",
                      plugin.check_config({{"no_such_key", 1}}));
  EXPECT_PRED_FORMAT2(
      testing::IsSubstring, "plugins[costs].config.default_per_1k_tokens",
      plugin.check_config(nlohmann::json::parse(R"({"default_per_1k_tokens": -5})")));
}

}  // namespace
