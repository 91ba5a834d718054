// The accumulator on hand-made leads whose answers are derived by hand in the comments.

#include "funnel_scan.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "funnel_report.h"

namespace zaplify::funnel {
namespace {

constexpr std::int64_t H = 3'600'000;  // one hour in ms

struct Ev {
  const char* lead;
  std::int64_t ts;
  const char* stage;
};

// The lists below are written lead by lead, each lead's events in (ts, id) order. The scan reads
// them in global (ts, id) order, interleaving leads: a stable sort by ts gives exactly that (equal
// timestamps keep their listed order, which stands for their id order).
ScanResult run(const std::vector<std::string>& stages, std::vector<Ev> events,
               ScanOptions o = {0, 100 * H, std::nullopt, -1}) {
  std::stable_sort(events.begin(), events.end(),
                   [](const Ev& a, const Ev& b) { return a.ts < b.ts; });
  StageIndex index(stages);
  FunnelAccumulator acc(index, o);
  for (const auto& e : events) acc.add(e.lead, e.ts, e.stage);
  return acc.finish();
}

// L1: A@0 B@2 C@5 D@6 (straight through); L2: A@1 C@4 (skips B);
// L3: B@0 A@3 B@7 (regression to A and back); L4: A@0 A@1 X@2 A@3 (repeats, unknown X);
// L5: X@5 only (unknown: the lead reached nothing).
const std::vector<Ev> kMixed = {{"L1", 0, "A"},     {"L1", 2 * H, "B"}, {"L1", 5 * H, "C"},
                                {"L1", 6 * H, "D"}, {"L2", 1 * H, "A"}, {"L2", 4 * H, "C"},
                                {"L3", 0, "B"},     {"L3", 3 * H, "A"}, {"L3", 7 * H, "B"},
                                {"L4", 0, "A"},     {"L4", 1 * H, "A"}, {"L4", 2 * H, "X"},
                                {"L4", 3 * H, "A"}, {"L5", 5 * H, "X"}};
const std::vector<std::string> kABCD = {"A", "B", "C", "D"};

TEST(FunnelScan, ReachedCountsImplyEarlierStages) {
  auto r = run(kABCD, kMixed);
  // A: L1 L2 L3 L4 (L3's B implies A); B: L1 L2 (via C) L3; C: L1 L2; D: L1.
  EXPECT_EQ(r.reached, (std::vector<std::int64_t>{4, 3, 2, 1}));
  EXPECT_EQ(r.unknown_stage_events, 2);  // L4's X and L5's X
}

TEST(FunnelScan, TimeToNextStage) {
  auto r = run(kABCD, kMixed);
  // A: L1 0→B@2 = 2h, L2 1→C@4 = 3h, L3 first A@3 → B@7 = 4h, L4 never leaves A (excluded).
  auto a = r.ms_to_next[0];
  std::sort(a.begin(), a.end());
  EXPECT_EQ(a, (std::vector<std::int64_t>{2 * H, 3 * H, 4 * H}));
  // B: L1 2→C@5 = 3h; L3's first B@0 has no later event past B (its A@3 is behind B).
  EXPECT_EQ(r.ms_to_next[1], (std::vector<std::int64_t>{3 * H}));
  // C: L1 5→D@6 = 1h; L2 stays in C.
  EXPECT_EQ(r.ms_to_next[2], (std::vector<std::int64_t>{1 * H}));
  EXPECT_TRUE(r.ms_to_next[3].empty());

  FunnelDefinition def{"f1", "Sales", kABCD, 0};
  auto rows = stage_rows(def, r);
  EXPECT_DOUBLE_EQ(*rows[0].median_hours_to_next, 3.0);  // median of 2, 3, 4
  EXPECT_DOUBLE_EQ(*rows[1].median_hours_to_next, 3.0);
  EXPECT_DOUBLE_EQ(*rows[2].median_hours_to_next, 1.0);
  EXPECT_FALSE(rows[3].median_hours_to_next);
  EXPECT_FALSE(rows[0].conversion_from_previous);
  EXPECT_DOUBLE_EQ(*rows[1].conversion_from_previous, 0.75);
  EXPECT_DOUBLE_EQ(*rows[2].conversion_from_previous, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(*rows[3].conversion_from_start, 0.25);
  EXPECT_EQ(*rows[0].drop_off, 1);
  EXPECT_FALSE(rows[3].drop_off);
}

TEST(FunnelScan, FlowCollapsesRepeatsAndKeepsRegressions) {
  auto r = run(kABCD, kMixed);
  const std::size_t X = 4;  // (exit)
  // L1: A→B B→C C→D (ends in the final stage: no exit). L2: A→C, C→exit.
  // L3: B→A A→B, B→exit. L4: A A A collapse to A, A→exit.
  EXPECT_EQ(r.link(0, 1), 2);
  EXPECT_EQ(r.link(1, 2), 1);
  EXPECT_EQ(r.link(2, 3), 1);
  EXPECT_EQ(r.link(0, 2), 1);
  EXPECT_EQ(r.link(1, 0), 1);
  EXPECT_EQ(r.link(2, X), 1);
  EXPECT_EQ(r.link(1, X), 1);
  EXPECT_EQ(r.link(0, X), 1);
  EXPECT_EQ(r.link(3, X), 0);
  EXPECT_EQ(r.link(0, 0), 0);
  std::int64_t total = 0;
  for (auto v : r.links) total += v;
  EXPECT_EQ(total, 9);
  EXPECT_EQ(r.entries, (std::vector<std::int64_t>{3, 1, 0, 0}));  // L1 L2 L4 start in A, L3 in B
}

TEST(FunnelScan, DroppedLeadsStopAtTheStage) {
  ScanOptions o{0, 100 * H, std::nullopt, 1};
  auto r = run(kABCD, kMixed, o);
  ASSERT_EQ(r.dropped.size(), 1u);  // only L3 stops at B (L2 skipped B to C)
  EXPECT_EQ(r.dropped[0].lead_id, "L3");
  EXPECT_EQ(r.dropped[0].last_stage_at_ms, 7 * H);  // its latest B, not its first
  o.dropped_stage = 0;
  auto r0 = run(kABCD, kMixed, o);
  ASSERT_EQ(r0.dropped.size(), 1u);
  EXPECT_EQ(r0.dropped[0].lead_id, "L4");
  EXPECT_EQ(r0.dropped[0].last_stage_at_ms, 3 * H);
}

TEST(FunnelScan, EqualTimestampsFollowIdOrder) {
  // Rows arrive in (ts, id) order, as the SQL sorts them. M1: A then B at the same instant.
  // M2: B sorts before A at 5h. M3: A@1, then C and B both at 4h with C sorting first.
  auto r = run({"A", "B", "C"}, {{"M1", 2 * H, "A"},
                                 {"M1", 2 * H, "B"},
                                 {"M2", 5 * H, "B"},
                                 {"M2", 5 * H, "A"},
                                 {"M3", 1 * H, "A"},
                                 {"M3", 4 * H, "C"},
                                 {"M3", 4 * H, "B"}});
  // Flow: M1 A→B, B→exit; M2 B→A, A→exit; M3 A→C, C→B, B→exit.
  EXPECT_EQ(r.link(0, 1), 1);
  EXPECT_EQ(r.link(1, 0), 1);
  EXPECT_EQ(r.link(0, 2), 1);
  EXPECT_EQ(r.link(2, 1), 1);
  EXPECT_EQ(r.link(1, 3), 2);
  EXPECT_EQ(r.link(0, 3), 1);
  EXPECT_EQ(r.entries, (std::vector<std::int64_t>{2, 1, 0}));
  // A: M1 0h (B at the same instant), M2 0h (B at the same instant, though sorted first),
  // M3 1h→C@4h = 3h. B: M3 first B@4h, C@4h is equal-time past B → 0h; M1, M2 have none.
  auto a = r.ms_to_next[0];
  std::sort(a.begin(), a.end());
  EXPECT_EQ(a, (std::vector<std::int64_t>{0, 0, 3 * H}));
  EXPECT_EQ(r.ms_to_next[1], (std::vector<std::int64_t>{0}));
  EXPECT_EQ(r.reached, (std::vector<std::int64_t>{3, 3, 1}));
}

TEST(FunnelScan, PreviousWindowCountsSeparately) {
  // W = [10h, 20h), W′ = [0, 10h). N1 reaches B in W′ and only A in W; N2 only in W′ (A).
  ScanOptions o{10 * H, 20 * H, 0, -1};
  auto r =
      run({"A", "B"},
          {{"N1", 1 * H, "B"}, {"N1", 12 * H, "A"}, {"N2", 3 * H, "A"}, {"N2", 3 * H, "Z"}}, o);
  EXPECT_EQ(r.reached, (std::vector<std::int64_t>{1, 0}));
  EXPECT_EQ(r.previous_reached, (std::vector<std::int64_t>{2, 1}));
  EXPECT_EQ(r.unknown_stage_events, 0);  // Z is in W′: only W's unknown events are counted
  EXPECT_EQ(r.link(0, 2), 1);            // N1's flow in W: A → exit
}

}  // namespace
}  // namespace zaplify::funnel
