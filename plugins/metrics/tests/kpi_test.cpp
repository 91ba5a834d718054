// KPIs, conversion and performance through the real SQL on an in-memory SQLite store, against
// values worked out by hand in the comments.

#include <gtest/gtest.h>

#include "conversion.h"
#include "fixtures.h"
#include "kpi.h"
#include "metrics_store.h"
#include "performance.h"
#include "test_funnels.h"

namespace zaplify::metrics::testing {
namespace {

const sdk::Window kW{T0, T0 + 7 * kDay, "UTC", sdk::Interval::None};

std::vector<sdk::Event> scenario() {
  return {
      funnel("f1a", T0 - 10 * kDay, "f1", {"new", "qualified", "won"}),
      funnel("f1b", T0 - 9 * kDay, "f1", {"new", "won", "closed"}),  // redefined: final = closed
      funnel("f2a", T0 - 10 * kDay, "f2", {"a", "b"}),
      stage("s1", T0 + kHour, "L1", "f1", "won"),  // old final stage: not a conversion
      stage("s2", T0 + kHour, "L2", "f1", "closed"),
      stage("s3", T0 + 2 * kHour, "L2", "f2", "b"),  // same lead in a second funnel
      stage("s4", T0 + 2 * kHour, "L3", "f2", "b"),
      stage("s5", T0 + 3 * kHour, "L4", "f2", "a"),
      stage("s6", T0 - kDay, "L5", "f2", "b"),  // W′
      lead_created("l1", T0 + kHour, "L2"),
      lead_created("l2", T0 + 2 * kHour, "L3"),
      lead_created("l3", T0 + 3 * kHour, "L3"),
      lead_created("l4", T0 + 4 * kHour, "L9"),
      lead_created("l5", T0 - 2 * kDay, "L6"),
      started("c1s", T0 + kHour, "c1", "L2", "a1"),
      started("c2s", T0 + 2 * kHour, "c2", "L3", "a2"),
      started("c2t", T0 + 5 * kHour, "c2", "L3", "a1"),  // later start of c2: ignored
      started("c3s", T0 - kHour, "c3", "L5", "a1"),
      started("c3t", T0 + kDay, "c3", "L5", "a2"),     // later start of c3: ignored
      started("c4s", T0 + 3 * kHour, "c4", "L9", ""),  // human only
      message("m1", T0 + kHour + kMin, "c1", "lead"),
      message("m2", T0 + kHour + 2 * kMin, "c1", "assistant", 100.0, 10),
      message("m3", T0 + kHour + 3 * kMin, "c1", "assistant", 300.0, 5),
      message("m4", T0 + kHour + 4 * kMin, "c1", "agent", 1000.0),
      message("m5", T0 + 2 * kHour + kMin, "c2", "assistant", 200.0),
      message("m6", T0 + 30 * kMin, "c3", "assistant", 50.0, 7),
      message("m7", T0 + 40 * kMin, "cX", "assistant", 9999.0, 100),  // unknown conversation
      message("m8", T0 + 3 * kHour + kMin, "c4", "agent", 3000.0),
      message("m9", T0 + 3 * kHour + 2 * kMin, "c4", "lead"),
      message("m10", T0 - 30 * kMin, "c3", "assistant", 80.0),  // W′
      ended("e1", T0 + 2 * kHour, "c1", "resolved"),
      ended("e2", T0 + 3 * kHour, "c1", "handoff"),
      ended("e3", T0 + 4 * kHour, "c2", "handoff"),
      ended("e4", T0 + 5 * kHour, "c4", "abandoned"),
      ended("e5", T0 - 10 * kMin, "c3", "resolved"),
      ended("e6", T0 + 6 * kHour, "cX", "handoff"),
  };
}

void expect_scenario_kpis(const sdk::Store& store) {
  const auto k = kpis_json(compute_kpis(store, "t1", kW, current_funnels(store, "t1")));
  EXPECT_EQ(k["conversations"]["value"], 3);     // c1, c2, c4
  EXPECT_EQ(k["conversations"]["previous"], 1);  // c3
  EXPECT_DOUBLE_EQ(k["conversations"]["change_pct"].get<double>(), 200.0);
  EXPECT_EQ(k["messages"]["value"], 9);
  EXPECT_EQ(k["messages"]["previous"], 1);
  EXPECT_EQ(k["new_leads"]["value"], 3);  // L2, L3, L9
  EXPECT_EQ(k["new_leads"]["previous"], 1);
  EXPECT_EQ(k["conversions"]["value"], 2);  // L2 (twice), L3
  EXPECT_EQ(k["conversions"]["previous"], 1);
  EXPECT_NEAR(k["conversion_rate"]["value"].get<double>(), 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(k["conversion_rate"]["change_pct"].get<double>(), -100.0 / 3.0, 1e-9);
  // Assistant response times in W: 50, 100, 200, 300, 9999.
  EXPECT_DOUBLE_EQ(k["avg_response_time_ms"]["value"].get<double>(), 2129.8);
  EXPECT_DOUBLE_EQ(k["p50_response_time_ms"]["value"].get<double>(), 200.0);
  EXPECT_NEAR(k["p95_response_time_ms"]["value"].get<double>(), 8059.2, 1e-9);
  EXPECT_DOUBLE_EQ(k["p95_response_time_ms"]["previous"].get<double>(), 80.0);
  EXPECT_DOUBLE_EQ(k["agent_avg_response_time_ms"]["value"].get<double>(), 2000.0);
  EXPECT_TRUE(k["agent_avg_response_time_ms"]["previous"].is_null());
  EXPECT_TRUE(k["agent_avg_response_time_ms"]["change_pct"].is_null());
  // Earliest endings in W: c1 resolved, c2 handoff, c4 abandoned, cX handoff.
  EXPECT_DOUBLE_EQ(k["resolution_rate"]["value"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(k["handoff_rate"]["value"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(k["resolution_rate"]["previous"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(k["handoff_rate"]["previous"].get<double>(), 0.0);
  EXPECT_TRUE(k["handoff_rate"]["change_pct"].is_null());
}

TEST(Kpi, EmptyWindowGivesZerosAndNulls) {
  MetricsStore store;
  store.migrate();
  const auto r = compute_kpis(store, "t1", kW, current_funnels(store, "t1"));
  const auto k = kpis_json(r);
  for (const char* name : {"conversations", "messages", "new_leads", "conversions"}) {
    EXPECT_EQ(k[name]["value"], 0) << name;
    EXPECT_TRUE(k[name]["change_pct"].is_null()) << name;
  }
  for (const char* name :
       {"conversion_rate", "avg_response_time_ms", "p50_response_time_ms", "p95_response_time_ms",
        "agent_avg_response_time_ms", "resolution_rate", "handoff_rate"}) {
    EXPECT_TRUE(k[name]["value"].is_null()) << name;
    EXPECT_TRUE(k[name]["previous"].is_null()) << name;
  }
  EXPECT_EQ(messages_by_sender_json(r.current),
            (nlohmann::json{{"lead", 0}, {"assistant", 0}, {"agent", 0}}));
}

TEST(Kpi, HandComputedScenario) {
  MetricsStore store;
  store.migrate();
  store.ingest(scenario());
  expect_scenario_kpis(store);
  const auto r = compute_kpis(store, "t1", kW, current_funnels(store, "t1"));
  EXPECT_EQ(messages_by_sender_json(r.current),
            (nlohmann::json{{"lead", 2}, {"assistant", 5}, {"agent", 2}}));
  // Another tenant's data never leaks in.
  EXPECT_EQ(compute_kpis(store, "t2", kW, current_funnels(store, "t2")).current.messages, 0);
}

TEST(Kpi, BackfillMigrationMatchesIngestHook) {
  MetricsStore store;
  store.insert_events_only(scenario());  // events stored before the plugin existed
  store.migrate();
  expect_scenario_kpis(store);
}

TEST(Kpi, LateArrivingEarlierStartWins) {
  MetricsStore store;
  store.migrate();
  store.ingest({started("late-1", T0 + kHour, "cL", "L1", "a1"),
                message("lm", T0 + 2 * kHour, "cL", "assistant", 10.0, 3)});
  EXPECT_EQ(compute_kpis(store, "t1", kW, current_funnels(store, "t1")).current.conversations, 1);
  store.ingest({started("late-0", T0 - 2 * kHour, "cL", "L1", "a2")});  // earlier, arrives later
  const auto r = compute_kpis(store, "t1", kW, current_funnels(store, "t1"));
  EXPECT_EQ(r.current.conversations, 0);
  EXPECT_EQ(r.previous.conversations, 1);
  const auto perf = compute_performance(store, "t1", kW);
  ASSERT_EQ(perf.size(), 1u);
  EXPECT_EQ(perf[0].assistant_id, "a2");  // the reply follows the earliest start
  EXPECT_EQ(perf[0].conversations, 0);
  EXPECT_EQ(perf[0].replies, 1);
  EXPECT_EQ(perf[0].tokens, 3);
}

TEST(Kpi, EqualTimestampStartsTieOnSmallestId) {
  MetricsStore store;
  store.migrate();
  store.ingest({started("s-b", T0 + kHour, "cT", "L1", "a1")});
  store.ingest(
      {started("s-a", T0 + kHour, "cT", "L1", "a2"), started("s-c", T0 + kHour, "cT", "L1", "a3")});
  const auto perf = compute_performance(store, "t1", kW);
  ASSERT_EQ(perf.size(), 1u);
  EXPECT_EQ(perf[0].assistant_id, "a2");
  EXPECT_EQ(perf[0].conversations, 1);
}

TEST(Performance, AttributionAndOrder) {
  MetricsStore store;
  store.migrate();
  store.ingest(scenario());
  const auto perf = compute_performance(store, "t1", kW);
  ASSERT_EQ(perf.size(), 2u);  // c4 is human only, cX unknown
  // a1: c1 started in W; replies 100, 300 (c1) and 50 (c3, started in W′ by a1).
  EXPECT_EQ(perf[0].assistant_id, "a1");
  EXPECT_EQ(perf[0].conversations, 1);
  EXPECT_EQ(perf[0].replies, 3);
  EXPECT_EQ(perf[0].tokens, 22);
  EXPECT_DOUBLE_EQ(*perf[0].response.avg, 150.0);
  EXPECT_DOUBLE_EQ(*perf[0].response.p50, 100.0);
  EXPECT_DOUBLE_EQ(*perf[0].response.p95, 280.0);  // rank 1.9 → 100 + 0.9·200
  EXPECT_DOUBLE_EQ(*perf[0].resolution_rate(), 1.0);
  EXPECT_DOUBLE_EQ(*perf[0].handoff_rate(), 0.0);
  EXPECT_EQ(perf[1].assistant_id, "a2");
  EXPECT_EQ(perf[1].replies, 1);
  EXPECT_EQ(perf[1].tokens, 0);
  EXPECT_DOUBLE_EQ(*perf[1].handoff_rate(), 1.0);
}

TEST(Conversion, PerFunnelWithPreviousWindow) {
  MetricsStore store;
  store.migrate();
  store.ingest(scenario());
  const auto funnels = current_funnels(store, "t1");
  ASSERT_EQ(funnels.size(), 2u);
  EXPECT_EQ(funnels[0].stages.back(), "closed");
  const auto conv = compute_conversion(store, "t1", kW, funnels);
  // f1: entered L1, L2; converted L2 → 0.5; W′ nothing → previous null.
  auto j1 = conversion_json(conv[0]);
  EXPECT_EQ(j1["entered"], 2);
  EXPECT_EQ(j1["converted"], 1);
  EXPECT_DOUBLE_EQ(j1["conversion_rate"].get<double>(), 0.5);
  EXPECT_TRUE(j1["previous_conversion_rate"].is_null());
  EXPECT_TRUE(j1["change_pts"].is_null());
  // f2: entered L2, L3, L4; converted L2, L3 → 2/3; W′: L5 converted → 1; pts = (2/3 − 1)·100.
  auto j2 = conversion_json(conv[1]);
  EXPECT_EQ(j2["entered"], 3);
  EXPECT_EQ(j2["converted"], 2);
  EXPECT_DOUBLE_EQ(j2["previous_conversion_rate"].get<double>(), 1.0);
  EXPECT_NEAR(j2["change_pts"].get<double>(), -100.0 / 3.0, 1e-9);
}

// Which definition is current is the host's rule (core/funnels/tests); the plugin counts the final
// stage of whatever definitions it is handed.
TEST(Conversion, CountsTheFinalStageOfTheGivenDefinition) {
  MetricsStore store;
  store.migrate();
  store.ingest(scenario());
  const std::vector<sdk::FunnelDefinition> defs{{"f1", "Old f1", {"new", "won"}, 0}};
  const auto conv = compute_conversion(store, "t1", kW, defs);
  ASSERT_EQ(conv.size(), 1u);
  EXPECT_EQ(conv[0].name, "Old f1");
  EXPECT_EQ(conv[0].entered, 2);    // L1, L2
  EXPECT_EQ(conv[0].converted, 1);  // L1 into "won"
}

}  // namespace
}  // namespace zaplify::metrics::testing
