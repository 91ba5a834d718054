// The built cache.so on the SDK test kit: what it registers (its migrations applied to the
// server's own schema), and which `config:` blocks the server would refuse. Paths and names are
// the public contract (docs/api.md).
#include <gtest/gtest.h>

#include "zaplify/testkit/testkit.h"

namespace {

using Names = std::vector<std::string>;

TEST(CacheRegistration, RegistersItsRoutesDataSourcesAndProjections) {
  const auto r = zaplify::testkit::registration_of(ZAPLIFY_PLUGIN_SO);
  EXPECT_EQ(r.routes, (Names{"POST /analytics/cache/refresh"}));
  EXPECT_EQ(r.data_sources, (Names{}));
  EXPECT_EQ(r.projections, (Names{}));
}

TEST(CacheRegistration, TheServerRefusesBadConfigNamingTheKey) {
  const zaplify::testkit::PluginLibrary plugin(ZAPLIFY_PLUGIN_SO);
  EXPECT_EQ(plugin.check_config(nlohmann::json::object()), "");
  EXPECT_PRED_FORMAT2(testing::IsSubstring, "plugins[cache].config.no_such_key",
                      plugin.check_config({{"no_such_key", 1}}));
  EXPECT_PRED_FORMAT2(testing::IsSubstring, "plugins[cache].config.shards",
                      plugin.check_config(nlohmann::json::parse(R"({"shards": 0})")));
}

}  // namespace
