// Local-day buckets across DST changes, and the real-time activity, on hand-derived instants.

#include <gtest/gtest.h>

#include "fixtures.h"
#include "kpi.h"
#include "metrics_store.h"
#include "realtime.h"
#include "zaplify/testkit/fixed_calendar.h"

namespace zaplify::metrics::testing {
namespace {

std::vector<std::int64_t> message_counts(const std::vector<SeriesBucket>& s) {
  std::vector<std::int64_t> out;
  for (const auto& b : s) out.push_back(b.messages);
  return out;
}

constexpr std::int64_t kSec = 1000;

TEST(Series, BerlinSpringForwardDayHas23Hours) {
  // 2026-03-29: 02:00 CET → 03:00 CEST. Days Mar 28, 29, 30 start at 27T23:00Z, 28T23:00Z,
  // 29T22:00Z.
  const std::int64_t mar27_23z = 1'774'652'400'000;
  const std::int64_t mar28_23z = mar27_23z + kDay;
  const std::int64_t mar29_22z = mar28_23z + 23 * kHour;
  const sdk::Window w{mar27_23z, mar29_22z + kDay, "Europe/Berlin", sdk::Interval::Day};
  testkit::FixedCalendar cal;
  const auto starts = cal.day_starts(w);
  ASSERT_EQ(starts, (std::vector<std::int64_t>{mar27_23z, mar28_23z, mar29_22z}));
  MetricsStore store;
  store.migrate();
  auto m = [](const std::string& id, std::int64_t ts) {
    auto e = message(id, ts, "c", "lead");
    e.tenant_id = "t1";
    return e;
  };
  store.ingest({m("a", mar28_23z - kSec),         // Mar 28 23:59:59 CET
                m("b", mar28_23z),                // Mar 29 00:00 CET
                m("c", mar29_22z - kMin),         // Mar 29 23:59 CEST
                m("d", mar29_22z + 30 * kMin)});  // Mar 30 00:30 CEST
  auto s = compute_series(store, "t1", w, starts, {}, false);
  EXPECT_EQ(message_counts(s), (std::vector<std::int64_t>{1, 2, 1}));
  EXPECT_EQ(cal.format_local(starts[2], w.tz), "2026-03-30T00:00:00+02:00");
}

TEST(Series, BerlinFallBackDayHas25Hours) {
  // 2026-10-25: 03:00 CEST → 02:00 CET. Oct 25 starts 24T22:00Z, Oct 26 starts 25T23:00Z.
  const std::int64_t oct24_22z = 1'792'879'200'000;
  const std::int64_t oct25_23z = oct24_22z + 25 * kHour;
  const sdk::Window w{oct24_22z, oct25_23z + kDay, "Europe/Berlin", sdk::Interval::Day};
  testkit::FixedCalendar cal;
  const auto starts = cal.day_starts(w);
  ASSERT_EQ(starts, (std::vector<std::int64_t>{oct24_22z, oct25_23z}));
  MetricsStore store;
  store.migrate();
  store.ingest({message("a", oct25_23z - kSec, "c", "lead"),  // Oct 25 23:59:59 CET
                message("b", oct25_23z, "c", "lead")});
  auto s = compute_series(store, "t1", w, starts, {}, false);
  EXPECT_EQ(message_counts(s), (std::vector<std::int64_t>{1, 1}));
}

TEST(Series, SaoPauloMidnightThatDoesNotExist) {
  // 2018-11-04: 00:00 −03 → 01:00 −02. Nov 3 starts 03T03:00Z, Nov 4 at 01:00−02 = 04T03:00Z,
  // Nov 5 at 05T02:00Z (a 23-hour day).
  const std::int64_t nov3 = 1'541'214'000'000;
  const std::int64_t nov4 = nov3 + kDay;
  const std::int64_t nov5 = nov4 + 23 * kHour;
  const sdk::Window w{nov3, nov5 + kDay, "America/Sao_Paulo", sdk::Interval::Day};
  testkit::FixedCalendar cal;
  const auto starts = cal.day_starts(w);
  ASSERT_EQ(starts, (std::vector<std::int64_t>{nov3, nov4, nov5}));
  MetricsStore store;
  store.migrate();
  store.ingest({message("a", nov4 - kMin, "c", "lead"), message("b", nov4, "c", "lead"),
                message("c", nov5 - kMin, "c", "lead"), message("d", nov5, "c", "assistant", 40.0),
                lead_created("l1", nov4 + kHour, "L1"), lead_created("l2", nov4 + 2 * kHour, "L1"),
                started("s1", nov5 + kHour, "cv", "L1", "a1")});
  auto s = compute_series(store, "t1", w, starts, {}, true);
  EXPECT_EQ(message_counts(s), (std::vector<std::int64_t>{1, 2, 1}));
  EXPECT_EQ(s[1].new_leads, 1);  // the same lead twice in one day counts once
  EXPECT_EQ(s[2].conversations, 1);
  EXPECT_DOUBLE_EQ(*s[2].avg_response_time(), 40.0);
  EXPECT_FALSE(s[0].avg_response_time().has_value());
}

TEST(Realtime, ActivityOverTheLastMinutes) {
  // now = T0 + 10:30, R = [T0 + 5:30, T0 + 10:30]; minutes 5..10 are listed.
  const std::int64_t now = T0 + 10 * kMin + 30 * kSec;
  MetricsStore store;
  store.migrate();
  store.ingest({
      started("sC", T0 - kHour, "cC", "LC", "a1"),
      started("sB", T0 - kHour, "cB", "LB", "a1"),
      message("m1", T0 + 5 * kMin + 10 * kSec, "cC", "lead"),  // before R
      message("m2", T0 + 5 * kMin + 30 * kSec, "cC", "lead"),
      message("m3", T0 + 6 * kMin, "cC", "assistant", 5.0),
      started("sD", T0 + 6 * kMin, "cD", "LD", "a1"),
      lead_created("l", T0 + 7 * kMin, "LN"),
      ended("eD", T0 + 7 * kMin, "cD", "resolved"),
      started("sA", T0 + 8 * kMin, "cA", "LA", "a2"),
      message("m4", T0 + 8 * kMin + kSec, "cA", "lead"),
      stage("st", T0 + 9 * kMin, "LA", "f", "x"),
      ended("eB", now, "cB", "handoff"),
  });
  const auto a = compute_activity(store, "t1", realtime_range(now, 5));
  EXPECT_EQ(a.messages, 3);
  EXPECT_EQ(a.conversations_started, 2);  // cD, cA
  EXPECT_EQ(a.conversations_ended, 2);    // cD, cB
  EXPECT_EQ(a.stage_changes, 1);
  EXPECT_EQ(a.active_leads, 2);          // LC, LA
  EXPECT_EQ(a.active_conversations, 2);  // cC, cA
  ASSERT_EQ(a.per_minute.size(), 6u);
  const std::int64_t msgs[] = {1, 1, 0, 1, 0, 0};
  const std::int64_t events[] = {1, 2, 2, 2, 1, 1};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(a.per_minute[i].minute_ms, T0 + static_cast<std::int64_t>(5 + i) * kMin);
    EXPECT_EQ(a.per_minute[i].messages, msgs[i]) << i;
    EXPECT_EQ(a.per_minute[i].events, events[i]) << i;
  }
}

}  // namespace
}  // namespace zaplify::metrics::testing
