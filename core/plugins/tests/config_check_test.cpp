// A plugin's `config:` block against its declaration (sdk/config.h): every refusal names the key,
// defaults fill absent keys, the plugin's own check runs last with the block it will get.

#include <gtest/gtest.h>

#include "calendar/calendar.h"
#include "plugins/config_check.h"

namespace zaplify::core {
namespace {

using nlohmann::json;
namespace s = sdk::schema;

sdk::ConfigSpec example_spec() {
  sdk::ConfigSpec spec;
  spec.keys = {
      {"threshold_ms", s::integer("SLA").with_unit("ms"), "60000", false, 1, 86400000},
      {"mode", s::string("How").one_of({"strict", "lenient"}), "\"strict\""},
      {"ratio", s::number("Share").or_null(), "", false, 0, 1},
      {"enabled", s::boolean("On"), "true"},
      {"prices", s::map_of(s::number(), "By id"), "{}"},
      {"window", s::object("A span").field("from", s::string()).optional_field("to", s::string()),
       ""},
      {"tags", s::array_of(s::string()), "[]"},
      {"token", s::string("Needed"), "", true}};
  spec.check = [](const json& block, const sdk::ConfigCheckContext& context) -> std::string {
    if (context.plugin_dir != "/plugins") return "wrong plugin_dir " + context.plugin_dir;
    if (block.at("threshold_ms") == 13) return "threshold_ms: unlucky";
    return "";
  };
  return spec;
}

std::string problem(const json& block) {
  const SystemCalendar calendar;
  return check_plugin_config("sla", example_spec(), block,
                             sdk::ConfigCheckContext{calendar, "/plugins"});
}

TEST(ConfigCheck, AGoodBlockPassesAndGetsItsDefaults) {
  const json block = {{"token", "x"}, {"ratio", nullptr}, {"window", {{"from", "a"}}}};
  EXPECT_EQ(problem(block), "");
  const json full = with_config_defaults(example_spec(), block);
  EXPECT_EQ(full["threshold_ms"], 60000);
  EXPECT_EQ(full["mode"], "strict");
  EXPECT_EQ(full["enabled"], true);
  EXPECT_EQ(full["prices"], json::object());
  EXPECT_FALSE(full.contains("ratio") && !full["ratio"].is_null());
  EXPECT_EQ(with_config_defaults(example_spec(), json())["tags"], json::array());
}

TEST(ConfigCheck, EveryRefusalNamesTheKey) {
  const std::vector<std::pair<json, std::string>> cases = {
      {{{"token", "x"}, {"treshold_ms", 5}},
       "plugins[sla].config.treshold_ms: not a key of this plugin (known: threshold_ms, mode"},
      {{{"token", "x"}, {"threshold_ms", "abc"}},
       "plugins[sla].config.threshold_ms: must be an integer, got \"abc\""},
      {{{"token", "x"}, {"threshold_ms", 1.5}}, "threshold_ms: must be an integer, got 1.5"},
      {{{"token", "x"}, {"threshold_ms", -5}}, "threshold_ms: must be at least 1, got -5"},
      {{{"token", "x"}, {"threshold_ms", 1e9}},
       "threshold_ms: must be at most 86400000, got 1000000000.0"},
      {{{"token", "x"}, {"mode", "loose"}},
       "plugins[sla].config.mode: must be one of strict, lenient, got \"loose\""},
      {{{"token", "x"}, {"ratio", 2}}, "ratio: must be at most 1"},
      {{{"token", "x"}, {"enabled", "yes"}}, "enabled: must be true or false"},
      {{{"token", "x"}, {"prices", {{"a1", "cheap"}}}},
       "plugins[sla].config.prices.a1: must be a number"},
      {{{"token", "x"}, {"window", {{"to", "b"}}}}, "plugins[sla].config.window.from: required"},
      {{{"token", "x"}, {"window", {{"from", "a"}, {"until", "b"}}}},
       "plugins[sla].config.window.until: not a known key"},
      {{{"token", "x"}, {"tags", {"a", 2}}}, "plugins[sla].config.tags[1]: must be a string"},
      {json::object(), "plugins[sla].config.token: required"},
      {json::array({1}), "plugins[sla].config: must be a mapping of keys"},
      {{{"token", "x"}, {"threshold_ms", 13}}, "plugins[sla].config: threshold_ms: unlucky"}};
  for (const auto& [block, message] : cases) {
    const std::string why = problem(block);
    EXPECT_NE(why.find(message), std::string::npos) << block.dump() << "\n→ " << why;
  }
}

TEST(ConfigCheck, AThrowingCheckIsARefusalAndABadDefaultIsReported) {
  sdk::ConfigSpec spec;
  spec.keys = {{"a", s::integer(), "not json"}};
  const SystemCalendar calendar;
  const sdk::ConfigCheckContext context{calendar, "/p"};
  EXPECT_NE(check_plugin_config("p", spec, json::object(), context).find("not JSON"),
            std::string::npos);
  spec.keys = {{"a", s::integer(), "1"}};
  spec.check = sdk::check_by_parsing([](const json& block, const sdk::ConfigCheckContext&) {
    if (block.at("a") == 1) throw std::invalid_argument("a: one is not allowed");
  });
  EXPECT_EQ(check_plugin_config("p", spec, json::object(), context),
            "plugins[p].config: a: one is not allowed");
  EXPECT_EQ(check_plugin_config("p", spec, {{"a", 2}}, context), "");
}

TEST(ConfigCheck, TheReferenceListsEveryKeyWithTypeBoundsAndDefault) {
  const std::string table = config_spec_markdown("sla", example_spec());
  EXPECT_NE(
      table.find(
          "| `plugins[sla].config.threshold_ms` | integer (1–86400000), ms | `60000` | SLA |"),
      std::string::npos)
      << table;
  EXPECT_NE(table.find("| `plugins[sla].config.mode` | strict \\| lenient | `\"strict\"` | How |"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("`plugins[sla].config.token` | string | `(required)`"), std::string::npos);
}

}  // namespace
}  // namespace zaplify::core
