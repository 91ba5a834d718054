// The built export.so on the SDK test kit: what it registers (its migrations applied to the
// server's own schema), and which `config:` blocks the server would refuse. Paths and names are
// the public contract (docs/api.md).
#include <gtest/gtest.h>

#include "zaplify/testkit/testkit.h"

namespace {

using Names = std::vector<std::string>;

TEST(ExportRegistration, RegistersItsRoutesDataSourcesAndProjections) {
  const auto r = zaplify::testkit::registration_of(ZAPLIFY_PLUGIN_SO);
  EXPECT_EQ(r.routes, (Names{"GET /analytics/export/datasets", "GET /analytics/export/metrics"}));
  EXPECT_EQ(r.data_sources, (Names{}));
  EXPECT_EQ(r.projections, (Names{}));
}

TEST(ExportRegistration, TheServerRefusesBadConfigNamingTheKey) {
  const zaplify::testkit::PluginLibrary plugin(ZAPLIFY_PLUGIN_SO);
  EXPECT_EQ(plugin.check_config(nlohmann::json::object()), "");
  EXPECT_PRED_FORMAT2(testing::IsSubstring, "plugins[export].config.no_such_key",
                      plugin.check_config({{"no_such_key", 1}}));
  EXPECT_PRED_FORMAT2(testing::IsSubstring, "plugins[export].config.format",
                      plugin.check_config(nlohmann::json::parse(R"({"format": "csv"})")));
}

}  // namespace
