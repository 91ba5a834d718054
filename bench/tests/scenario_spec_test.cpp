#include "scenario_spec.h"

#include <gtest/gtest.h>

#include "bench_run.h"
#include "server_launcher.h"

namespace zaplify::bench {
namespace {

nlohmann::json doc() {
  return nlohmann::json::parse(R"({"scenarios": [
    {"name": "ingest", "kind": "ingest", "path": "/p", "bar": {"throughput_min": {"sqlite": 100, "postgres": 50}}},
    {"name": "kpi", "path": "/k?from={from}", "repetitions": 3, "time_budget_s": 7, "bar": {"median_ms_max": 100}},
    {"name": "hot", "kind": "throughput", "cached": true, "path": "/k", "connections": 8}
  ]})");
}

TEST(ScenarioSpec, ParsesWithPerDatabaseBars) {
  auto pg = parse_scenarios(doc(), "postgres");
  ASSERT_EQ(pg.size(), 3u);
  EXPECT_EQ(pg[0].kind, ScenarioKind::Ingest);
  EXPECT_EQ(pg[0].method, "POST");
  EXPECT_EQ(*pg[0].bar.throughput_min, 50);
  EXPECT_EQ(*parse_scenarios(doc(), "sqlite")[0].bar.throughput_min, 100);
  EXPECT_EQ(pg[1].method, "GET");
  EXPECT_EQ(pg[1].repetitions, 3);
  EXPECT_DOUBLE_EQ(pg[1].time_budget_s, 7);
  EXPECT_DOUBLE_EQ(pg[0].time_budget_s, 60);  // the default
  EXPECT_TRUE(pg[2].cached);
  EXPECT_EQ(pg[2].connections, 8);
  EXPECT_FALSE(pg[2].bar.median_ms_max.has_value());
}

TEST(ScenarioSpec, RejectsBadEntries) {
  EXPECT_THROW(
      parse_scenarios(nlohmann::json::parse(R"({"scenarios": [{"path": "/"}]})"), "sqlite"),
      std::runtime_error);
  EXPECT_THROW(
      parse_scenarios(
          nlohmann::json::parse(R"({"scenarios": [{"name": "x", "path": "/", "kind": "fast"}]})"),
          "sqlite"),
      std::runtime_error);
  EXPECT_THROW(
      parse_scenarios(
          nlohmann::json::parse(R"({"scenarios": [{"name": "x", "path": "/", "repetitions": 0}]})"),
          "sqlite"),
      std::runtime_error);
  EXPECT_THROW(
      parse_scenarios(nlohmann::json::parse(R"({"scenarios": [{"name": "x"}]})"), "sqlite"),
      std::runtime_error);
  EXPECT_THROW(parse_scenarios(nlohmann::json::parse(R"([])"), "sqlite"), std::runtime_error);
}

TEST(ScenarioSpec, TheShippedFileParses) {
  auto specs = load_scenarios(ZAPLIFY_BENCH_SCENARIOS_FILE, "sqlite");
  std::set<std::string> names;
  for (const auto& s : specs) names.insert(s.name);
  for (const char* n :
       {"ingest", "ingest-core", "raw-insert", "kpi_30d", "performance_30d", "funnel", "flow",
        "bottlenecks", "sentiment", "topics", "realtime", "export_conversations", "cached_kpi"})
    EXPECT_TRUE(names.count(n)) << n;
}

TEST(ScenarioSpec, CoreOnlyIngestAndRawInsertRunApart) {
  auto specs = parse_scenarios(nlohmann::json::parse(R"({"scenarios": [
    {"name": "ingest", "kind": "ingest", "path": "/p"},
    {"name": "ingest-core", "kind": "ingest", "plugins": "none", "path": "/p"},
    {"name": "raw-insert", "kind": "raw-insert"}
  ]})"),
                               "sqlite");
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_EQ(specs[0].plugins, "all");
  EXPECT_FALSE(runs_apart(specs[0]));
  EXPECT_EQ(specs[1].plugins, "none");
  EXPECT_TRUE(runs_apart(specs[1]));
  EXPECT_EQ(specs[2].kind, ScenarioKind::RawInsert);
  EXPECT_EQ(specs[2].path, "");  // no route: no server
  EXPECT_TRUE(runs_apart(specs[2]));
  // A list of plugins runs apart too.
  auto some = parse_scenarios(
      nlohmann::json::parse(
          R"({"scenarios": [{"name": "x", "kind": "ingest", "path": "/", "plugins": "metrics,funnel"}]})"),
      "sqlite");
  EXPECT_TRUE(runs_apart(some.at(0)));
  // "none" only makes sense for ingest; anything but all/none/known plugin names is a typo.
  EXPECT_THROW(
      parse_scenarios(nlohmann::json::parse(
                          R"({"scenarios": [{"name": "x", "path": "/", "plugins": "none"}]})"),
                      "sqlite"),
      std::runtime_error);
  EXPECT_THROW(
      parse_scenarios(
          nlohmann::json::parse(
              R"({"scenarios": [{"name": "x", "kind": "ingest", "path": "/", "plugins": "some"}]})"),
          "sqlite"),
      std::runtime_error);
}

TEST(RatioNote, EveryPairInOrder) {
  EXPECT_EQ(ratio_note({{"ingest", 10000}, {"ingest-core", 20000}, {"raw-insert", 40000}}),
            "ingest / ingest-core = 0.50 ×, ingest / raw-insert = 0.25 ×, ingest-core / raw-insert "
            "= 0.50 ×");
  EXPECT_EQ(ratio_note({{"ingest", 1}}), "");
  EXPECT_EQ(ratio_note({{"a", 1}, {"b", 0}}), "a / b = 0.00 ×");
}

TEST(Substitute, ReplacesAndRejectsUnknown) {
  EXPECT_EQ(substitute("/f/{funnel_id}?from={from}&to={to}",
                       {{"funnel_id", "main"}, {"from", "A"}, {"to", "B"}}),
            "/f/main?from=A&to=B");
  EXPECT_EQ(substitute("/plain", {}), "/plain");
  EXPECT_THROW(substitute("/x/{nope}", {{"from", "A"}}), std::runtime_error);
}

TEST(Judge, ChecksEveryBarPart) {
  Bar bar;
  bar.median_ms_max = 100;
  bar.rss_growth_mb_max = 50;
  ScenarioResult r;
  r.requests = 5;
  r.median_ms = 99;
  r.rss_growth_mb = 10;
  judge(bar, r);
  EXPECT_EQ(r.verdict, "met");
  r.rss_growth_mb = 51;
  judge(bar, r);
  EXPECT_EQ(r.verdict, "MISSED");
  r.rss_growth_mb = 10;
  r.errors = 1;  // errors never meet a bar
  judge(bar, r);
  EXPECT_EQ(r.verdict, "MISSED");
  ScenarioResult none;
  judge(Bar{}, none);
  EXPECT_EQ(none.verdict, "");
}

TEST(Placeholders, WindowsAreWholeDaysEndingAfterTheData) {
  DatasetStats s;
  s.events = 1;
  s.tenant = "t";
  s.min_ts_ms = 100 * kDayMs + 5;
  s.lead_messages_by_day = {{118, 10}, {119, 10}};
  s.funnels["f"].stage_events = 3;
  auto p = placeholders_for(s, 119 * kDayMs + 1234, 15);
  EXPECT_EQ(p.to_ms, 120 * kDayMs);
  auto v = p.for_window("30d");
  EXPECT_EQ(v["to"], format_rfc3339_ms(120 * kDayMs).substr(0, 10));
  EXPECT_EQ(v["from"], format_rfc3339_ms(90 * kDayMs).substr(0, 10));
  EXPECT_EQ(p.for_window("all")["from"], format_rfc3339_ms(100 * kDayMs).substr(0, 10));
  EXPECT_EQ(p.for_window("lead_messages")["from"], format_rfc3339_ms(118 * kDayMs).substr(0, 10));
  EXPECT_EQ(v["funnel_id"], "f");
  EXPECT_THROW(p.for_window("weekly"), std::runtime_error);
}

TEST(Launcher, Yaml) {
  LaunchOptions o;
  o.database_url = "sqlite3:///tmp/x.db";
  o.plugins_dir = "/p";
  std::string yaml = render_server_yaml(o);
  EXPECT_NE(yaml.find("port: 0\n"), std::string::npos);  // the server picks; see --port-file
  EXPECT_NE(yaml.find("name: cache\n    library: \"cache.so\"\n    enabled: false"),
            std::string::npos);
  EXPECT_NE(yaml.find("mode: none"), std::string::npos);
  o.cache_enabled = true;
  EXPECT_NE(render_server_yaml(o).find("name: cache\n    library: \"cache.so\"\n    enabled: true"),
            std::string::npos);
  o.plugin_configs["conversation"] = R"({"topics":{"price":["preço"]}})";  // --plugin-configs-from
  EXPECT_NE(render_server_yaml(o).find(
                "name: conversation\n    library: \"conversation.so\"\n    enabled: "
                "true\n    config: {\"topics\":{\"price\":[\"preço\"]}}\n"),
            std::string::npos);
  EXPECT_EQ(render_server_yaml(o).find("config:", render_server_yaml(o).find("name: export")),
            std::string::npos);  // only the plugins given one get a block
  o.plugins_enabled = false;     // the core alone: every plugin listed, none enabled
  std::string core_only = render_server_yaml(o);
  EXPECT_EQ(core_only.find("enabled: true"), std::string::npos);
  for (const char* name : {"metrics", "funnel", "conversation", "export", "cache"})
    EXPECT_NE(core_only.find(std::string("name: ") + name + "\n    library: \"" + name +
                             ".so\"\n    enabled: false"),
              std::string::npos)
        << name;
}

}  // namespace
}  // namespace zaplify::bench
