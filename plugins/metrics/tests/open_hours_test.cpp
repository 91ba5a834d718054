// Open intervals of a schedule as instants (open_hours.h): hand-worked DST days (a skipped and a
// repeated hour in Europe/Berlin, a skipped and a repeated midnight in America/Sao_Paulo's 2018/19
// DST), holidays, 24:00 and overnight openings, and randomized schedules against the minute-walk
// reference (naive_business_hours.h + tz_open.h).

#include "open_hours.h"

#include <gtest/gtest.h>

#include <random>

#include "naive_business_hours.h"
#include "tz_open.h"
#include "zaplify/testkit/fixed_calendar.h"

namespace zaplify::metrics::testing {
namespace {

constexpr std::int64_t kH = 3'600'000, kM = 60'000;

Schedule weekly(const std::string& tz, std::vector<DaySpan> every_day,
                std::vector<int> open_days = {0, 1, 2, 3, 4, 5, 6}) {
  Schedule s;
  s.tz = tz;
  for (int d : open_days) s.days[static_cast<std::size_t>(d)] = every_day;
  return s;
}

using Spans = std::vector<std::pair<std::int64_t, std::int64_t>>;

TEST(OpenHours, UtcOfficeHoursAcrossANightAndAWeekend) {
  const testkit::FixedCalendar cal;
  const Schedule s = weekly("UTC", {{9 * 60, 18 * 60}}, {0, 1, 2, 3, 4});  // Mon–Fri 09–18
  // 2026-11-06 is a Friday. Trigger Fri 17:00, reply Mon 09:30: 1 h Friday + 30 min Monday.
  const OpenHours h(s, cal, utc(2026, 11, 6), utc(2026, 11, 10));
  EXPECT_EQ(h.business_ms(utc(2026, 11, 6, 17), utc(2026, 11, 9, 9, 30)), 90 * kM);
  EXPECT_TRUE(h.is_open(utc(2026, 11, 6, 9)));    // start included
  EXPECT_FALSE(h.is_open(utc(2026, 11, 6, 18)));  // end excluded
  EXPECT_TRUE(h.is_open(utc(2026, 11, 6, 18) - 1));
  EXPECT_FALSE(h.is_open(utc(2026, 11, 7, 12)));                            // Saturday
  EXPECT_EQ(h.business_ms(utc(2026, 11, 7, 10), utc(2026, 11, 8, 23)), 0);  // all weekend
  EXPECT_EQ(h.business_ms(utc(2026, 11, 9, 10), utc(2026, 11, 9, 10)), 0);  // trigger = reply
  EXPECT_EQ(h.intervals().size(), 2u);  // Fri and Mon: the span ends at Tue 00:00
}

TEST(OpenHours, OvernightOpeningWith2400JoinsTheNextMorning) {
  const testkit::FixedCalendar cal;
  Schedule s;
  s.tz = "UTC";
  s.days[0] = {{22 * 60, 24 * 60}};                                // Mon 22:00–24:00
  s.days[1] = {{0, 2 * 60}, {8 * 60, 9 * 60}};                     // Tue 00:00–02:00 and 08–09
  const OpenHours h(s, cal, utc(2026, 11, 9), utc(2026, 11, 11));  // Mon, Tue
  ASSERT_EQ(h.intervals(), (Spans{{utc(2026, 11, 9, 22), utc(2026, 11, 10, 2)},
                                  {utc(2026, 11, 10, 8), utc(2026, 11, 10, 9)}}));
  EXPECT_TRUE(h.is_open(utc(2026, 11, 10)));  // midnight inside the joined opening
  // Lead at Mon 21:00, reply Tue 08:30: 4 h overnight + 30 min.
  EXPECT_EQ(h.business_ms(utc(2026, 11, 9, 21), utc(2026, 11, 10, 8, 30)), 4 * kH + 30 * kM);
}

TEST(OpenHours, HolidayIsClosedAllDay) {
  const testkit::FixedCalendar cal;
  Schedule s = weekly("America/Sao_Paulo", {{9 * 60, 18 * 60}}, {0, 1, 2, 3, 4});
  s.holidays = {civil(2026, 11, 20)};  // Friday, Consciência Negra
  // Trigger Thu 19 17:00 local (20:00Z), reply Mon 23 10:00 local (13:00Z): 1 h Thu + 1 h Mon.
  const OpenHours h(s, cal, utc(2026, 11, 19), utc(2026, 11, 24));
  EXPECT_EQ(h.business_ms(utc(2026, 11, 19, 20), utc(2026, 11, 23, 13)), 2 * kH);
  EXPECT_FALSE(h.is_open(utc(2026, 11, 20, 15)));  // Friday noon local
  EXPECT_TRUE(h.is_open(utc(2026, 11, 19, 15)));
}

TEST(OpenHours, BerlinSpringForwardSkipsTheHourThatDoesNotExist) {
  const testkit::FixedCalendar cal;
  // 2026-03-29, Sunday: 02:00 CET → 03:00 CEST (01:00Z). Open 01:00–04:00 local: 2 real hours.
  const Schedule s = weekly("Europe/Berlin", {{60, 4 * 60}}, {6});
  const OpenHours h(s, cal, utc(2026, 3, 28), utc(2026, 3, 31));
  EXPECT_EQ(h.intervals(), (Spans{{utc(2026, 3, 29, 0), utc(2026, 3, 29, 2)}}));
  EXPECT_EQ(h.business_ms(utc(2026, 3, 28), utc(2026, 3, 31)), 2 * kH);
}

TEST(OpenHours, BerlinFallBackCountsTheRepeatedHourTwice) {
  const testkit::FixedCalendar cal;
  // 2026-10-25, Sunday: 03:00 CEST → 02:00 CET (01:00Z). 02:00–03:00 local happens twice.
  const Schedule s = weekly("Europe/Berlin", {{2 * 60, 3 * 60}}, {6});
  const OpenHours h(s, cal, utc(2026, 10, 24), utc(2026, 10, 27));
  EXPECT_EQ(h.intervals(), (Spans{{utc(2026, 10, 25, 0), utc(2026, 10, 25, 2)}}));
  // A whole local working day that Sunday (09–17) is still 8 h, one hour later in UTC than CEST.
  const OpenHours day(weekly("Europe/Berlin", {{9 * 60, 17 * 60}}, {6}), cal, utc(2026, 10, 24),
                      utc(2026, 10, 27));
  EXPECT_EQ(day.intervals(), (Spans{{utc(2026, 10, 25, 8), utc(2026, 10, 25, 16)}}));
}

TEST(OpenHours, SaoPauloMidnightSkippedAndRepeated) {
  const testkit::FixedCalendar cal;
  // 2018-11-04, Sunday: 00:00 (-03) → 01:00 (-02), at 03:00Z. 00:00–02:00 local: only 01–02 exists.
  const OpenHours spring(weekly("America/Sao_Paulo", {{0, 2 * 60}}, {6}), cal, utc(2018, 11, 3),
                         utc(2018, 11, 6));
  EXPECT_EQ(spring.intervals(), (Spans{{utc(2018, 11, 4, 3), utc(2018, 11, 4, 4)}}));
  // 2019-02-17: 00:00 (-02) → 23:00 Feb 16 (-03), at 02:00Z: Saturday's 23:00–24:00 happens twice.
  const OpenHours fall(weekly("America/Sao_Paulo", {{23 * 60, 24 * 60}}, {5}), cal,
                       utc(2019, 2, 15), utc(2019, 2, 19));
  EXPECT_EQ(fall.intervals(), (Spans{{utc(2019, 2, 17, 1), utc(2019, 2, 17, 3)}}));
}

TEST(OpenHours, ClipsToTheSpanItWasBuiltFor) {
  const testkit::FixedCalendar cal;
  const OpenHours h(weekly("UTC", {{0, 24 * 60}}), cal, utc(2026, 1, 1, 10), utc(2026, 1, 1, 11));
  EXPECT_EQ(h.intervals(), (Spans{{utc(2026, 1, 1, 10), utc(2026, 1, 1, 11)}}));
  const OpenHours empty(weekly("UTC", {{0, 24 * 60}}), cal, 5, 5);
  EXPECT_TRUE(empty.intervals().empty());
  EXPECT_EQ(empty.business_ms(5, 5), 0);
}

TEST(OpenHours, OffsetComesFromTheCalendarsLocalFormat) {
  const testkit::FixedCalendar cal;
  EXPECT_EQ(utc_offset_ms(cal, "Asia/Kathmandu", utc(2026, 1, 1)), (5 * 60 + 45) * kM);
  EXPECT_EQ(utc_offset_ms(cal, "America/Sao_Paulo", utc(2026, 1, 1)), -3 * kH);
  EXPECT_EQ(utc_offset_ms(cal, "UTC", utc(2026, 1, 1)), 0);
}

// Random schedules (minutes off the quarter-hour grid, holidays) over spans holding DST changes,
// against the minute walk.
TEST(OpenHours, MatchesTheMinuteWalkOnRandomSchedules) {
  const testkit::FixedCalendar cal;
  std::mt19937 rng(7);
  auto uni = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  struct Case {
    const char* tz;
    std::int64_t from;
  };
  const Case cases[] = {{"Europe/Berlin", utc(2026, 3, 25)},
                        {"Europe/Berlin", utc(2026, 10, 21)},
                        {"America/Sao_Paulo", utc(2018, 10, 31)},
                        {"America/Sao_Paulo", utc(2019, 2, 13)},
                        {"Asia/Kathmandu", utc(2026, 6, 1)},
                        {"America/New_York", utc(2026, 3, 5)},
                        {"UTC", utc(2026, 12, 24)}};
  for (const Case& c : cases) {
    for (int round = 0; round < 4; ++round) {
      Schedule s;
      s.tz = c.tz;
      for (auto& day : s.days) {
        int at = static_cast<int>(uni(0, 300));
        while (at < 1440 && uni(0, 3) > 0) {
          const int end = std::min<int>(1440, at + static_cast<int>(uni(1, 600)));
          day.push_back({at, end});
          at = end + static_cast<int>(uni(0, 400));  // 0: adjacent intervals
        }
      }
      for (int k = 0; k < 2; ++k) s.holidays.push_back(c.from / 86'400'000 + uni(0, 9));
      std::sort(s.holidays.begin(), s.holidays.end());
      const std::int64_t from = c.from + uni(0, 86'400'000), to = from + 10 * 86'400'000;
      const OpenHours h(s, cal, from, to);
      const TzOpen open(s);
      SCOPED_TRACE(std::string(c.tz) + " round " + std::to_string(round));
      for (int q = 0; q < 60; ++q) {
        const std::int64_t a = uni(from, to - 1), b = uni(a, std::min(to - 1, a + 4 * 86'400'000));
        // The reference's minutes start before `from`: clip it to the span the object covers.
        auto clipped = [&](std::int64_t m) { return m + 60'000 > from && open(m); };
        ASSERT_EQ(h.business_ms(a, b), naive::business_ms(a, b, clipped)) << a << " " << b;
        ASSERT_EQ(h.is_open(a), open(a - ((a % 60'000) + 60'000) % 60'000)) << a;
      }
    }
  }
}

}  // namespace
}  // namespace zaplify::metrics::testing
