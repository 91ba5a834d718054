// GET /metrics/performance?hours=business computed through the real SQL (projection + per-unit
// lead counts) on a SQLite store: the README's worked example by hand, and randomized events over
// Europe/Berlin's fall-back week against the naive reference.

#include "business_hours.h"

#include <gtest/gtest.h>

#include <random>
#include <unordered_map>

#include "fixtures.h"
#include "metrics_store.h"
#include "naive_business_hours.h"
#include "tz_open.h"
#include "zaplify/testkit/fixed_calendar.h"

namespace zaplify::metrics::testing {
namespace {

constexpr std::int64_t kSec = 1000;

// Local São Paulo time (UTC−3 all year since 2019) of November 2026 as epoch ms.
std::int64_t sp(unsigned day, int hh, int mm, int ss = 0) {
  return utc(2026, 11, day, hh + 3, mm) + ss * kSec;
}

Schedule sao_paulo_office() {
  Schedule s;
  s.tz = "America/Sao_Paulo";
  for (int d = 0; d < 5; ++d) s.days[static_cast<std::size_t>(d)] = {{9 * 60, 18 * 60}};
  s.holidays = {civil(2026, 11, 20)};
  return s;
}

TEST(BusinessHours, WorkedExampleOfTheReadme) {
  MetricsStore store;
  store.migrate();
  store.ingest({
      started("s1", sp(19, 17, 50), "c1", "L1", "a1"), message("m1", sp(19, 17, 55), "c1", "lead"),
      message("m2", sp(19, 17, 56), "c1", "assistant"),  // ← 17:55: 1 min
      message("m3", sp(19, 17, 58), "c1", "lead"),
      message("m4", sp(19, 18, 30), "c1", "lead"),       // closed
      message("m5", sp(19, 18, 31), "c1", "assistant"),  // ← 17:58: 2 min (17:58–18:00); closed
      message("m6", sp(19, 18, 32), "c1", "assistant"),  // no lead message since m5: skipped
      message("m7", sp(20, 10, 0), "c1", "lead"),        // holiday: closed
      message("m8", sp(23, 9, 15), "c1", "agent"),  // ← Fri 10:00: 15 min (Mon 09:00–09:15)
      started("s2", sp(21, 11, 0), "c2", "L2", "a1"),
      message("m9", sp(21, 10, 59, 59), "c2", "lead"),      // before the start: never a trigger
      message("m10", sp(21, 11, 0), "c2", "lead"),          // the start's millisecond: counts
      message("m11", sp(21, 11, 0, 2), "c2", "assistant"),  // ← Sat 11:00: 0 (closed); closed
      message("m12", sp(23, 8, 0), "c2", "lead"),
      message("m13", sp(23, 9, 0), "c2", "agent"),  // ← 08:00: 0 (opens at 09:00); open
  });
  const testkit::FixedCalendar cal;
  const sdk::Window w{sp(19, 0, 0), sp(24, 0, 0), "America/Sao_Paulo", sdk::Interval::None};
  const auto j =
      business_hours_json(compute_business_hours(store, cal, "t1", w, sao_paulo_office()));
  EXPECT_EQ(j, nlohmann::json::parse(R"({
    "assistant": {"replies": 3, "avg_response_ms": 60000.0, "p50_response_ms": 60000.0,
                  "p90_response_ms": 108000.0, "replies_outside_hours": 2},
    "agent": {"replies": 2, "avg_response_ms": 450000.0, "p50_response_ms": 450000.0,
              "p90_response_ms": 810000.0, "replies_outside_hours": 0},
    "lead_messages_outside_hours": 5})"))
      << j.dump(2);
  // A window holding none of it: zeros and nulls.
  const sdk::Window empty{sp(1, 0, 0), sp(2, 0, 0), "UTC", sdk::Interval::None};
  const auto z =
      business_hours_json(compute_business_hours(store, cal, "t1", empty, sao_paulo_office()));
  EXPECT_EQ(z["assistant"]["replies"], 0);
  EXPECT_TRUE(z["assistant"]["p90_response_ms"].is_null());
  EXPECT_EQ(z["lead_messages_outside_hours"], 0);
}

// Conversations around Berlin's fall-back night (2026-10-25), many crossing closing time, a
// weekend and a holiday; windows at odd milliseconds; schedule off the quarter-hour grid.
TEST(BusinessHours, MatchesTheNaiveReferenceAcrossDstAndHolidays) {
  Schedule s;
  s.tz = "Europe/Berlin";
  for (int d = 0; d < 5; ++d)
    s.days[static_cast<std::size_t>(d)] = {{8 * 60 + 10, 12 * 60}, {13 * 60, 17 * 60 + 30}};
  s.days[5] = {{9 * 60, 13 * 60}};
  s.days[6] = {{2 * 60, 3 * 60}};  // the repeated hour of the fall-back night
  s.holidays = {civil(2026, 10, 26)};
  const std::int64_t base = utc(2026, 10, 22);
  std::mt19937 rng(11);
  auto uni = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  std::vector<sdk::Event> events;
  std::vector<naive::Msg> msgs;
  std::vector<naive::Start> starts;
  const char* senders[] = {"lead", "lead", "assistant", "agent"};
  int n = 0;
  for (int c = 0; c < 120; ++c) {
    const std::string conv = std::string("c").append(std::to_string(c));
    const std::int64_t start = base + uni(0, 7 * kDay);
    if (c % 9 != 8) {
      events.push_back(
          started(std::string("s").append(std::to_string(n++)), start, conv, "L", "a1"));
      starts.push_back({conv, start});
    }
    std::int64_t t = start + uni(-kMin, kMin);
    for (int m = static_cast<int>(uni(1, 10)); m > 0; --m) {
      t += uni(0, 4) == 0 ? uni(0, 30 * kHour) : uni(0, 40 * kMin);
      const std::string id = std::string("m").append(std::to_string(n++)),
                        sender = senders[uni(0, 3)];
      events.push_back(message(id, t, conv, sender));
      msgs.push_back({conv, id, t, sender});
    }
  }
  std::shuffle(events.begin(), events.end(), rng);
  MetricsStore store;
  store.migrate();
  for (std::size_t i = 0; i < events.size(); i += 37)
    store.ingest({events.begin() + static_cast<std::ptrdiff_t>(i),
                  events.begin() + static_cast<std::ptrdiff_t>(std::min(events.size(), i + 37))});
  const testkit::FixedCalendar cal;
  const TzOpen tz_open(s);
  std::unordered_map<std::int64_t, bool>
      memo;  // the walk asks for the same minutes again and again
  auto open = [&](std::int64_t minute) {
    auto [it, fresh] = memo.try_emplace(minute, false);
    if (fresh) it->second = tz_open(minute);
    return it->second;
  };
  for (int k = 0; k < 8; ++k) {
    const std::int64_t from = base + uni(0, 4 * kDay) + uni(0, 999),
                       to = from + uni(kHour, 6 * kDay);
    const sdk::Window w{from, to, "UTC", sdk::Interval::None};
    const BusinessHoursReport got = compute_business_hours(store, cal, "t1", w, s);
    const naive::Expectation want = naive::expect(msgs, starts, from, to, open);
    SCOPED_TRACE("window " + std::to_string(from) + " " + std::to_string(to));
    EXPECT_EQ(got.lead_messages_outside_hours, want.lead_outside);
    for (int side = 0; side < 2; ++side) {
      const BusinessReplies& g = side ? got.agent : got.assistant;
      const naive::SenderExpectation& e = side ? want.agent : want.assistant;
      EXPECT_EQ(g.replies, e.replies);
      EXPECT_EQ(g.outside_hours, e.outside);
      ASSERT_EQ(g.avg_ms.has_value(), e.avg.has_value());
      if (!e.avg) continue;
      EXPECT_NEAR(*g.avg_ms, *e.avg, 1e-6);
      EXPECT_DOUBLE_EQ(*g.p50_ms, *e.p50);
      EXPECT_DOUBLE_EQ(*g.p90_ms, *e.p90);
    }
    EXPECT_GT(want.assistant.replies + want.agent.replies, 0);
  }
}

}  // namespace
}  // namespace zaplify::metrics::testing
