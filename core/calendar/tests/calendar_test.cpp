#include <gtest/gtest.h>

#include "calendar/calendar.h"
#include "calendar/rfc3339.h"
#include "zaplify/sdk/http.h"

namespace zaplify::core {
namespace {

constexpr std::int64_t kHour = 3600000, kDay = 24 * kHour;

std::int64_t at(const char* rfc3339) {
  std::int64_t ms = 0;
  EXPECT_TRUE(parse_rfc3339_ms(rfc3339, ms)) << rfc3339;
  return ms;
}

sdk::Window window(const char* from, const char* to, const char* tz, sdk::Interval i) {
  return sdk::Window{at(from), at(to), tz, i};
}

TEST(Calendar, BerlinSpringForwardDayIs23Hours) {
  SystemCalendar cal;
  auto days = cal.bucket_starts(
      window("2026-03-28T12:00:00Z", "2026-03-31T00:00:00Z", "Europe/Berlin", sdk::Interval::Day));
  ASSERT_EQ(days.size(), 4u);
  EXPECT_EQ(days[0], at("2026-03-28T00:00:00+01:00"));
  EXPECT_EQ(days[1], at("2026-03-29T00:00:00+01:00"));
  EXPECT_EQ(days[2], at("2026-03-30T00:00:00+02:00"));
  EXPECT_EQ(days[2] - days[1], 23 * kHour);
  EXPECT_EQ(days[3], at("2026-03-31T00:00:00+02:00"));
}

TEST(Calendar, BerlinFallBackDayIs25Hours) {
  SystemCalendar cal;
  auto days = cal.day_starts(window("2026-10-25T00:00:00+02:00", "2026-10-26T05:00:00Z",
                                    "Europe/Berlin", sdk::Interval::None));
  ASSERT_EQ(days.size(), 2u);
  EXPECT_EQ(days[0], at("2026-10-24T22:00:00Z"));
  EXPECT_EQ(days[1] - days[0], 25 * kHour);
}

TEST(Calendar, SaoPauloNonexistentMidnightStartsAtTheTransition) {
  // 2018-11-04: clocks jumped from 00:00 (-03) to 01:00 (-02); the day begins at 01:00 local.
  SystemCalendar cal;
  auto days = cal.bucket_starts(window("2018-11-03T12:00:00Z", "2018-11-06T00:00:00Z",
                                       "America/Sao_Paulo", sdk::Interval::Day));
  ASSERT_EQ(days.size(), 3u);  // 11-06 starts at 02:00Z, after the window's end
  EXPECT_EQ(days[0], at("2018-11-03T00:00:00-03:00"));
  EXPECT_EQ(days[1], at("2018-11-04T01:00:00-02:00"));
  EXPECT_EQ(days[1] - days[0], 24 * kHour);
  EXPECT_EQ(days[2] - days[1], 23 * kHour);
  EXPECT_EQ(days[2], at("2018-11-05T00:00:00-02:00"));
  EXPECT_EQ(cal.local_date(days[1], "America/Sao_Paulo"), "2018-11-04");
}

TEST(Calendar, IsoWeeksStartMonday) {
  SystemCalendar cal;
  // 2026-11-20 is a Friday (2026-01-01 was a Thursday; 323 days later is one weekday further).
  auto weeks = cal.bucket_starts(
      window("2026-11-20T10:00:00Z", "2026-11-30T00:00:00Z", "UTC", sdk::Interval::Week));
  ASSERT_EQ(weeks.size(), 2u);
  EXPECT_EQ(weeks[0], at("2026-11-16T00:00:00Z"));
  EXPECT_EQ(weeks[1], at("2026-11-23T00:00:00Z"));
  auto sp = cal.bucket_starts(window("2026-11-16T01:00:00Z", "2026-11-17T00:00:00Z",
                                     "America/Sao_Paulo", sdk::Interval::Week));
  ASSERT_EQ(sp.size(), 2u);  // 01:00Z Monday is still Sunday evening in São Paulo
  EXPECT_EQ(sp[0], at("2026-11-09T00:00:00-03:00"));
  EXPECT_EQ(sp[1], at("2026-11-16T00:00:00-03:00"));
}

TEST(Calendar, HourBucketsFollowTheLocalClock) {
  SystemCalendar cal;
  auto utc = cal.bucket_starts(
      window("2026-11-20T00:10:00Z", "2026-11-20T03:00:00Z", "UTC", sdk::Interval::Hour));
  ASSERT_EQ(utc.size(), 3u);
  EXPECT_EQ(utc[0], at("2026-11-20T00:00:00Z"));
  EXPECT_EQ(utc[2], at("2026-11-20T02:00:00Z"));
  auto india = cal.bucket_starts(
      window("2026-11-20T00:10:00Z", "2026-11-20T01:00:00Z", "Asia/Kolkata", sdk::Interval::Hour));
  ASSERT_EQ(india.size(), 2u);
  EXPECT_EQ(india[0], at("2026-11-19T23:30:00Z"));
  EXPECT_EQ(india[1], at("2026-11-20T00:30:00Z"));
  EXPECT_TRUE(cal.bucket_starts(window("2026-11-20T00:00:00Z", "2026-11-21T00:00:00Z", "UTC",
                                       sdk::Interval::None))
                  .empty());
}

TEST(Calendar, Formatting) {
  SystemCalendar cal;
  EXPECT_EQ(cal.format_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(cal.format_utc(at("2026-11-20T17:03:00.250Z")), "2026-11-20T17:03:00.250Z");
  EXPECT_EQ(cal.format_utc(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(cal.format_local(at("2026-11-20T03:00:00Z"), "America/Sao_Paulo"),
            "2026-11-20T00:00:00-03:00");
  EXPECT_EQ(cal.format_local(at("2026-11-20T03:00:00Z"), "UTC"), "2026-11-20T03:00:00+00:00");
  EXPECT_EQ(cal.format_local(at("2026-11-20T03:00:00.5Z"), "Asia/Kolkata"),
            "2026-11-20T08:30:00.500+05:30");
  EXPECT_EQ(cal.local_date(at("2026-11-20T02:59:59Z"), "America/Sao_Paulo"), "2026-11-19");
  EXPECT_THROW(cal.format_local(0, "Mars/Olympus"), sdk::HttpError);
}

std::string error_field(const std::map<std::string, std::string>& q, int retention = 90) {
  try {
    parse_window(q, at("2026-11-20T12:00:00Z"), retention);
  } catch (const sdk::HttpError& e) {
    EXPECT_EQ(e.status(), 400);
    return e.field();
  }
  return "";
}

TEST(ParseWindow, DefaultsAndForms) {
  const std::int64_t now = at("2026-11-20T12:00:00Z");
  auto w = parse_window({}, now, 90);
  EXPECT_EQ(w.to_ms, now);
  EXPECT_EQ(w.from_ms, now - 7 * kDay);
  EXPECT_EQ(w.tz, "UTC");
  EXPECT_EQ(w.interval, sdk::Interval::None);
  auto d = parse_window({{"from", "2026-11-01"},
                         {"to", "2026-11-10"},
                         {"tz", "America/Sao_Paulo"},
                         {"interval", "day"}},
                        now, 90);
  EXPECT_EQ(d.from_ms, at("2026-11-01T00:00:00-03:00"));
  EXPECT_EQ(d.to_ms, at("2026-11-10T00:00:00-03:00"));
  EXPECT_EQ(d.interval, sdk::Interval::Day);
  auto only_to = parse_window({{"to", "2026-11-10T00:00:00Z"}}, now, 90);
  EXPECT_EQ(only_to.from_ms, at("2026-11-03T00:00:00Z"));
  auto only_from = parse_window({{"from", "2026-11-15T00:00:00Z"}}, now, 90);
  EXPECT_EQ(only_from.to_ms, now);
  EXPECT_EQ(only_from.from_ms, at("2026-11-15T00:00:00Z"));
}

TEST(ParseWindow, ErrorsNameTheField) {
  EXPECT_EQ(error_field({{"from", "2026-11-10"}, {"to", "2026-11-10"}}), "from");
  EXPECT_EQ(error_field({{"from", "2026-11-11"}, {"to", "2026-11-10"}}), "from");
  EXPECT_EQ(error_field({{"from", "2026-01-01"}, {"to", "2026-11-10"}}),
            "from");  // longer than 90 days
  EXPECT_EQ(error_field({{"from", "2026-11-01"}, {"to", "2026-11-10"}}, 5), "from");
  EXPECT_EQ(error_field({{"from", "yesterday"}}), "from");
  EXPECT_EQ(error_field({{"to", "2026-02-30"}}), "to");
  EXPECT_EQ(error_field({{"tz", "Mars/Olympus"}}), "tz");
  EXPECT_EQ(error_field({{"tz", "../../etc/passwd"}}), "tz");
  EXPECT_EQ(error_field({{"interval", "month"}}), "interval");
  EXPECT_EQ(error_field({{"from", "2026-11-01"}, {"to", "2026-11-10"}}), "");
  EXPECT_TRUE(is_known_time_zone("Europe/Berlin"));
  EXPECT_FALSE(is_known_time_zone("Europe/Atlantis"));
}

}  // namespace
}  // namespace zaplify::core
