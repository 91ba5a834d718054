// The handlers over a real SQLite events table: definitions, errors, bottlenecks, dropped leads.

#include "funnel_service.h"

#include <gtest/gtest.h>

#include "funnel_store.h"

namespace zaplify::funnel {
namespace {

using testing::define_event;
using testing::stage_event;
constexpr std::int64_t H = 3'600'000;
constexpr std::int64_t D = 24 * H;
constexpr std::int64_t kFrom = 100 * D;  // W = [100d, 107d), W′ = [93d, 100d)
constexpr std::int64_t kTo = 107 * D;

class FunnelServiceTest : public ::testing::Test {
 protected:
  sdk::Request request(const std::string& funnel = "f1") const {
    sdk::Request r;
    r.tenant_id = "t1";
    r.path_params["funnel_id"] = funnel;
    r.window = sdk::Window{kFrom, kTo, "UTC", sdk::Interval::None};
    return r;
  }
  template <typename F>
  sdk::HttpError error_of(F&& f) const {
    try {
      f();
    } catch (const sdk::HttpError& e) {
      return e;
    }
    ADD_FAILURE() << "no HttpError thrown";
    return sdk::HttpError(0, "", "");
  }

  testing::SqliteTestStore store_;
  testing::UtcCalendar calendar_;
  testing::TestFunnelCatalog funnels_{store_};
  FunnelService service_{store_, funnels_, calendar_};
};

TEST_F(FunnelServiceTest, LatestDefinitionWinsAndTiesGoToTheGreaterId) {
  store_.insert({define_event("d1", 1 * H, {"A", "B"}, "Old"),
                 define_event("d3", 5 * H, {"A", "B", "C"}, "New"),
                 define_event("d2", 5 * H, {"X", "Y"}, "Tie loser"),
                 define_event("d0", 2 * H, {"P"}, "Other", "f0"),
                 define_event("o1", 9 * H, {"Q"}, "Latest", "f1")});
  {
    std::vector<testing::TestEvent> foreign{define_event("o2", 9 * H, {"Q"}, "Foreign", "f9")};
    foreign[0].tenant_id = "t2";
    store_.insert(foreign);
  }
  auto body = service_.list(request()).json;
  ASSERT_EQ(body["funnels"].size(), 2u);  // t2's f9 is not listed
  EXPECT_EQ(body["funnels"][0]["funnel_id"], "f0");
  // f1: o1 at 9h is the latest (same tenant t1, same funnel id).
  EXPECT_EQ(body["funnels"][1]["name"], "Latest");
  EXPECT_EQ(body["funnels"][1]["stages"], nlohmann::json({"Q"}));
}

TEST_F(FunnelServiceTest, TieOnTimestampPicksGreaterEventId) {
  store_.insert({define_event("d1", 1 * H, {"A", "B"}, "Old"),
                 define_event("d3", 5 * H, {"A", "B", "C"}, "New"),
                 define_event("d2", 5 * H, {"X", "Y"}, "Tie loser")});
  auto body = service_.list(request()).json;
  ASSERT_EQ(body["funnels"].size(), 1u);
  EXPECT_EQ(body["funnels"][0]["name"], "New");
  EXPECT_EQ(body["funnels"][0]["stages"], nlohmann::json({"A", "B", "C"}));
}

TEST_F(FunnelServiceTest, RedefinedFunnelCountsAgainstTheNewStages) {
  // Under the old definition [A, B] the event into C would be unknown; under the new one
  // [A, C] (latest) B is unknown and C is the final stage.
  store_.insert({define_event("d1", 1 * H, {"A", "B"}), define_event("d2", 2 * H, {"A", "C"}),
                 stage_event("e1", "L1", kFrom + H, "A"),
                 stage_event("e2", "L1", kFrom + 2 * H, "B"),
                 stage_event("e3", "L2", kFrom + H, "C")});
  auto body = service_.report(request()).json;
  EXPECT_EQ(body["stages"].size(), 2u);
  EXPECT_EQ(body["stages"][0]["count"], 2);  // L1 (A) and L2 (C implies A)
  EXPECT_EQ(body["stages"][1]["count"], 1);
  EXPECT_EQ(body["unknown_stage_events"], 1);
  EXPECT_DOUBLE_EQ(body["overall_conversion"].get<double>(), 0.5);
}

TEST_F(FunnelServiceTest, UnknownFunnelIs404) {
  auto e = error_of([&] { service_.report(request("nope")); });
  EXPECT_EQ(e.status(), 404);
  EXPECT_EQ(e.field(), "funnel_id");
  EXPECT_EQ(error_of([&] { service_.bottlenecks(request("nope")); }).status(), 404);
  EXPECT_EQ(error_of([&] { service_.flow(request("nope")); }).status(), 404);
}

TEST_F(FunnelServiceTest, DroppedValidatesStageAndLimit) {
  store_.insert({define_event("d1", 1 * H, {"A", "B", "C"})});
  auto r = request();
  EXPECT_EQ(error_of([&] { service_.dropped(r); }).field(), "stage");
  r.query["stage"] = "Z";
  auto e = error_of([&] { service_.dropped(r); });
  EXPECT_EQ(e.status(), 400);
  EXPECT_EQ(e.field(), "stage");
  r.query["stage"] = "C";  // the final stage: nobody can drop from it
  EXPECT_EQ(error_of([&] { service_.dropped(r); }).field(), "stage");
  r.query["stage"] = "A";
  r.query["limit"] = "0";
  EXPECT_EQ(error_of([&] { service_.dropped(r); }).field(), "limit");
  r.query["limit"] = "1001";
  EXPECT_EQ(error_of([&] { service_.dropped(r); }).field(), "limit");
  auto flow = request();
  flow.query["format"] = "png";
  EXPECT_EQ(error_of([&] { service_.flow(flow); }).field(), "format");
}

TEST_F(FunnelServiceTest, DroppedListsNewestFirstWithLimitAndTotal) {
  store_.insert(
      {define_event("d1", 1 * H, {"A", "B", "C"}), stage_event("a1", "L1", kFrom + 1 * H, "A"),
       stage_event("a2", "L2", kFrom + 3 * H, "A"), stage_event("a3", "L3", kFrom + 2 * H, "A"),
       stage_event("a4", "L3", kFrom + 5 * H, "A"),  // L3's latest A
       stage_event("a5", "L4", kFrom + 9 * H, "A"),
       stage_event("a6", "L4", kFrom + 10 * H, "B"),   // L4 moved on
       stage_event("a7", "L5", kFrom - 1 * H, "A")});  // outside W
  auto r = request();
  r.query["stage"] = "A";
  r.query["limit"] = "2";
  auto body = service_.dropped(r).json;
  EXPECT_EQ(body["total"], 3);  // L1, L2, L3
  ASSERT_EQ(body["leads"].size(), 2u);
  EXPECT_EQ(body["leads"][0]["lead_id"], "L3");
  EXPECT_EQ(body["leads"][0]["last_stage_at"], "1970-04-11T05:00:00Z");  // day 100 + 5h
  EXPECT_EQ(body["leads"][1]["lead_id"], "L2");
  EXPECT_EQ(body["next_stage"], "B");
}

// Four stages; W and W′ built so the first transition declines significantly (30/100 vs 50/100),
// the second is unchanged (15/30 vs 25/50: p = 1) and the third converts fully.
std::vector<testing::TestEvent> bottleneck_events() {
  std::vector<testing::TestEvent> ev{define_event("d1", 0, {"A", "B", "C", "D"})};
  int id = 0;
  auto add = [&](const std::string& lead, std::int64_t ts, const std::string& stage) {
    ev.push_back(stage_event("e" + std::to_string(id++), lead, ts, stage));
  };
  for (int i = 0; i < 100; ++i) {
    const std::string w = "w" + std::to_string(i), p = "p" + std::to_string(i);
    const std::int64_t t = kFrom + i * 60'000;
    add(w, t, "A");
    if (i < 30) add(w, t + 10 * H, "B");          // A→B: 10h
    if (i < 15) add(w, t + 11 * H, "C");          // B→C: 1h
    if (i < 15) add(w, t + 11 * H + H / 2, "D");  // C→D: 0.5h
    const std::int64_t tp = kFrom - 7 * D + i * 60'000;
    add(p, tp, "A");
    if (i < 50) add(p, tp + H, "B");
    if (i < 25) add(p, tp + 2 * H, "C");
  }
  return ev;
}

TEST_F(FunnelServiceTest, BottlenecksFlagsAndPValues) {
  store_.insert(bottleneck_events());
  auto body = service_.bottlenecks(request()).json;
  const auto& t = body["transitions"];
  ASSERT_EQ(t.size(), 3u);
  // A→B: 30/100 against 50/100 — the hand-checked z-test of stats_test: p = 0.0038924171.
  EXPECT_DOUBLE_EQ(t[0]["conversion_rate"].get<double>(), 0.3);
  EXPECT_DOUBLE_EQ(t[0]["previous_conversion_rate"].get<double>(), 0.5);
  EXPECT_NEAR(t[0]["change_pts"].get<double>(), -20.0, 1e-9);
  EXPECT_NEAR(t[0]["p_value"].get<double>(), 0.0038924171, 1e-9);
  EXPECT_EQ(t[0]["drop_off"], 70);
  EXPECT_TRUE(t[0]["significant_decline"].get<bool>());
  EXPECT_TRUE(t[0]["lowest_conversion"].get<bool>());  // 0.3 < 0.5 < 1
  // Stage medians 10h, 1h, 0.5h → their median is 1h; slow means > 2h: only A.
  EXPECT_DOUBLE_EQ(t[0]["median_hours_in_stage"].get<double>(), 10.0);
  EXPECT_TRUE(t[0]["slow"].get<bool>());
  EXPECT_DOUBLE_EQ(body["slow_threshold_hours"].get<double>(), 2.0);
  // B→C: 15/30 and 25/50, both 0.5: p = 1, no decline.
  EXPECT_DOUBLE_EQ(t[1]["p_value"].get<double>(), 1.0);
  EXPECT_FALSE(t[1]["significant_decline"].get<bool>());
  EXPECT_FALSE(t[1]["slow"].get<bool>());
  // C→D: 15/15 in W; W′ reached C (25) but never D: 0/25. Pooled 15/40: p defined, rate rose.
  EXPECT_DOUBLE_EQ(t[2]["conversion_rate"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(t[2]["previous_conversion_rate"].get<double>(), 0.0);
  EXPECT_FALSE(t[2]["significant_decline"].get<bool>());
  ASSERT_EQ(body["bottlenecks"].size(), 1u);
  const auto& b = body["bottlenecks"][0];
  EXPECT_EQ(b["from_stage"], "A");
  const std::string rec = b["recommendation"];
  EXPECT_NE(rec.find("'A'"), std::string::npos) << rec;
  EXPECT_NE(rec.find("30.0%"), std::string::npos) << rec;
  EXPECT_NE(rec.find("p = 0.004"), std::string::npos) << rec;
  EXPECT_NE(rec.find("10.0 hours"), std::string::npos) << rec;
}

TEST_F(FunnelServiceTest, EmptyPreviousWindowGivesNullPValue) {
  store_.insert({define_event("d1", 0, {"A", "B"}), stage_event("e1", "L1", kFrom, "A"),
                 stage_event("e2", "L2", kFrom, "A"), stage_event("e3", "L2", kFrom + H, "B")});
  auto body = service_.bottlenecks(request()).json;
  const auto& t = body["transitions"][0];
  EXPECT_DOUBLE_EQ(t["conversion_rate"].get<double>(), 0.5);
  EXPECT_TRUE(t["previous_conversion_rate"].is_null());
  EXPECT_TRUE(t["change_pts"].is_null());
  EXPECT_TRUE(t["p_value"].is_null());
  EXPECT_FALSE(t["significant_decline"].get<bool>());
  EXPECT_TRUE(t["lowest_conversion"].get<bool>());  // the only rate is the minimum
  // One median (1h): the median of medians is 1h, and 1h is not > 2h.
  EXPECT_FALSE(t["slow"].get<bool>());
  ASSERT_EQ(body["bottlenecks"].size(), 1u);
}

TEST_F(FunnelServiceTest, TiedLowestRatesAreAllFlaggedAndNullRatesNever) {
  // A→B 1/2, B→C 1/1... build: L1 A; L2 A B C; reached 2,1,1 → rates 0.5, 1.0. Add stage D with
  // no lead: C→D 0/1 = 0 is the lowest. A fifth stage E after D: D→E has a null rate (0 leads).
  store_.insert(
      {define_event("d1", 0, {"A", "B", "C", "D", "E"}), stage_event("e1", "L1", kFrom, "A"),
       stage_event("e2", "L2", kFrom, "A"), stage_event("e3", "L2", kFrom + H, "B"),
       stage_event("e4", "L2", kFrom + 2 * H, "C"), stage_event("e5", "L3", kFrom, "A"),
       stage_event("e6", "L3", kFrom + H, "B"), stage_event("e7", "L3", kFrom + 2 * H, "C")});
  // reached A 3, B 2, C 2, D 0, E 0 → rates 2/3, 1, 0, null.
  auto body = service_.bottlenecks(request()).json;
  const auto& t = body["transitions"];
  EXPECT_FALSE(t[0]["lowest_conversion"].get<bool>());
  EXPECT_TRUE(t[2]["lowest_conversion"].get<bool>());
  EXPECT_TRUE(t[3]["conversion_rate"].is_null());
  EXPECT_FALSE(t[3]["lowest_conversion"].get<bool>());
  // Ties: a second funnel whose two transitions both convert 1/2 and 2/4.
  store_.insert(
      {define_event("d2", 0, {"A", "B", "C"}, "Tie", "f2"),
       stage_event("g1", "M1", kFrom, "A", "f2"), stage_event("g2", "M2", kFrom, "A", "f2"),
       stage_event("g3", "M3", kFrom, "A", "f2"), stage_event("g4", "M4", kFrom, "A", "f2"),
       stage_event("g5", "M1", kFrom + H, "B", "f2"), stage_event("g6", "M2", kFrom + H, "B", "f2"),
       stage_event("g7", "M1", kFrom + 2 * H, "C", "f2")});
  auto tie = service_.bottlenecks(request("f2")).json["transitions"];
  EXPECT_TRUE(tie[0]["lowest_conversion"].get<bool>());  // 2/4
  EXPECT_TRUE(tie[1]["lowest_conversion"].get<bool>());  // 1/2
}

TEST_F(FunnelServiceTest, StagesDataSourceMatchesTheReport) {
  store_.insert(bottleneck_events());
  struct Sink : sdk::RowSink {
    std::vector<std::vector<sdk::Value>> rows;
    void row(const std::vector<sdk::Value>& cells) override { rows.push_back(cells); }
  } sink;
  sdk::DataSourceRequest dr{"t1", sdk::Window{kFrom, kTo, "UTC", sdk::Interval::None}, {}};
  EXPECT_THROW(service_.produce_stages(dr, sink), sdk::HttpError);
  dr.params["funnel_id"] = "f1";
  service_.produce_stages(dr, sink);
  ASSERT_EQ(sink.rows.size(), 4u);
  EXPECT_EQ(sink.rows.front().size(), FunnelService::stage_columns().size());
  EXPECT_EQ(std::get<std::int64_t>(sink.rows[1][2]), 30);  // B reached by 30 in W
  EXPECT_TRUE(sdk::is_null(sink.rows[0][3]));              // no conversion into S0
  EXPECT_TRUE(sdk::is_null(sink.rows[3][5]));              // no drop-off after the last
}

}  // namespace
}  // namespace zaplify::funnel
