// The host's stage_events relation as the plugin reads it (sdk/host_tables.h): exactly the stored
// stage changes that name a funnel, with '' for a missing lead or stage; and the migration that
// retires the plugin's own copy of earlier releases.

#include "stage_events_table.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <tuple>

#include "funnel_service.h"
#include "funnel_store.h"
#include "zaplify/sdk/host_tables.h"

namespace zaplify::funnel {
namespace {

using testing::TestEvent;
using Row =
    std::tuple<std::string, std::string, std::int64_t, std::string, std::string, std::string>;

std::set<Row> relation_rows(const testing::SqliteTestStore& store) {
  std::set<Row> rows;
  store.query(std::string("SELECT tenant_id, funnel_id, ts, event_id, lead_id, stage FROM ") +
                  sdk::kStageEvents,
              {}, [&](const sdk::Row& r) {
                rows.emplace(r.text(0), r.text(1), r.int64(2), r.text(3), r.text(4), r.text(5));
              });
  return rows;
}

std::vector<TestEvent> mixed_events() {
  const std::vector<std::string> names = {"A", "B", "C", "Z", ""};  // "" is stored as NULL
  std::vector<TestEvent> evs{testing::define_event("d1", 0, {"A", "B", "C"})};
  std::mt19937 rng(11);
  for (int i = 0; i < 300; ++i) {
    auto e = testing::stage_event("e" + std::to_string(i), "L" + std::to_string(rng() % 40),
                                  1000 + static_cast<std::int64_t>(rng() % 50) * 100,
                                  names[rng() % names.size()], rng() % 5 ? "f1" : "f2");
    if (i % 7 == 0) e.tenant_id = "t2";
    evs.push_back(e);
  }
  TestEvent other;  // not a stage change: never copied
  other.id = "m1";
  other.type = "lead_created";
  other.ts = 1500;
  other.lead_id = "L1";
  evs.push_back(other);
  return evs;
}

TEST(StageEventsRelation, HoldsEveryStageChangeWithAFunnelAndNothingElse) {
  const auto events = mixed_events();
  testing::SqliteTestStore store;
  store.insert(events);
  store.insert(events);  // a retried batch: nothing twice
  std::set<Row> want;    // written here from the events directly
  for (const auto& e : events)
    if (e.type == "stage_changed")
      want.emplace(e.tenant_id, e.funnel_id, e.ts, e.id, e.lead_id, e.stage);
  EXPECT_EQ(want.size(), 300u);
  EXPECT_EQ(relation_rows(store), want);

  testing::UtcCalendar cal;
  sdk::Request req;
  req.tenant_id = "t1";
  req.path_params["funnel_id"] = "f1";
  req.window = sdk::Window{0, 10'000, "UTC", sdk::Interval::None};
  const testing::TestFunnelCatalog funnels(store);
  const auto a = FunnelService(store, funnels, cal).report(req).json;
  std::int64_t unknown = 0;  // "Z" and "" (NULL in events) in t1's f1
  for (const auto& e : events)
    if (e.type == "stage_changed" && e.tenant_id == "t1" && e.funnel_id == "f1" &&
        (e.stage == "Z" || e.stage.empty()))
      ++unknown;
  EXPECT_GT(unknown, 0);
  EXPECT_EQ(a["unknown_stage_events"], unknown);
}

TEST(StageEventsRelation, ScanReadsTheCoveringIndexInOrderWithoutASort) {
  testing::SqliteTestStore store;
  std::string plan;
  store.query(
      std::string("EXPLAIN QUERY PLAN SELECT lead_id, ts, stage FROM ") + sdk::kStageEvents +
          " WHERE tenant_id = ? AND funnel_id = ? AND ts >= ? AND ts < ? ORDER BY ts, event_id",
      {std::string("t1"), std::string("f1"), std::int64_t{0}, std::int64_t{1}},
      [&](const sdk::Row& r) { plan += std::string(r.text(3)) + "\n"; });
  EXPECT_NE(plan.find("COVERING INDEX events_stage_changes"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;  // no sort
}

TEST(StageEventsRelation, RetiringMigrationDropsTheOldTable) {
  testing::SqliteTestStore store;
  store.write([](sdk::SqlWriter& w) {
    w.execute("CREATE TABLE funnel_stage_events (tenant_id TEXT)", {});
    w.execute(retire_stage_events_table().sql, {});
  });
  bool left = false;
  store.query("SELECT 1 FROM sqlite_master WHERE name = 'funnel_stage_events'", {},
              [&](const sdk::Row&) { left = true; });
  EXPECT_FALSE(left);
  EXPECT_EQ(retire_stage_events_table().version, 2);
}

}  // namespace
}  // namespace zaplify::funnel
