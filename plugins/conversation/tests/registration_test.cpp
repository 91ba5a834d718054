// The built conversation.so on the SDK test kit: what it registers (its migrations applied to the
// server's own schema), and which `config:` blocks the server would refuse. Paths and names are
// the public contract (docs/api.md).
#include <gtest/gtest.h>

#include "zaplify/testkit/testkit.h"

namespace {

using Names = std::vector<std::string>;

TEST(ConversationRegistration, RegistersItsRoutesDataSourcesAndProjections) {
  const auto r = zaplify::testkit::registration_of(ZAPLIFY_PLUGIN_SO);
  EXPECT_EQ(
      r.routes,
      (Names{"GET /analytics/conversations", "GET /analytics/conversations/sentiment",
             "GET /analytics/conversations/sentiment/explain",
             "GET /analytics/conversations/topics", "GET /analytics/conversations/whatsapp-window",
             "GET /analytics/real-time/conversations"}));
  EXPECT_EQ(r.data_sources, (Names{"conversations", "sentiment_daily"}));
  EXPECT_EQ(r.projections, (Names{"scores_and_summaries"}));
}

TEST(ConversationRegistration, TheServerRefusesBadConfigNamingTheKey) {
  const zaplify::testkit::PluginLibrary plugin(ZAPLIFY_PLUGIN_SO);
  EXPECT_EQ(plugin.check_config(nlohmann::json::object()), "");
  EXPECT_PRED_FORMAT2(testing::IsSubstring, "plugins[conversation].config.no_such_key",
                      plugin.check_config({{"no_such_key", 1}}));
  EXPECT_PRED_FORMAT2(testing::IsSubstring, "plugins[conversation].config.lexicons",
                      plugin.check_config(nlohmann::json::parse(R"({"lexicons": "not-a-list"})")));
}

}  // namespace
