// The metrics plugin's `business_hours:` config (business_schedule.h): what a valid block reads as,
// and one clear error per mistake, each naming the key.

#include "business_schedule.h"

#include <gtest/gtest.h>

#include "tz_open.h"

namespace zaplify::metrics::testing {
namespace {

using nlohmann::json;

bool known(const std::string& tz) {
  return tz == "UTC" || tz == "America/Sao_Paulo" || tz == "Europe/Berlin";
}

json office() {
  return {{"tz", "America/Sao_Paulo"},
          {"days",
           {{"mon", {"09:00-12:00", "13:00-18:00"}},
            {"tue", {"13:00-18:00", "09:00-12:00"}},
            {"fri", {"22:00-24:00"}},
            {"sat", json::array()},
            {"sun", nullptr}}},
          {"holidays", {"2026-12-25", "2026-11-20"}}};
}

json with_schedule(const json& schedule) { return {{"business_hours", {{"default", schedule}}}}; }

std::string error_of(const json& config) {
  try {
    parse_metrics_config(config, known);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(BusinessSchedule, ReadsDefaultAndTenantSchedules) {
  json bh = {
      {"default", office()},
      {"tenants", {{"acme-2", {{"tz", "Europe/Berlin"}, {"days", {{"sun", {"00:00-24:00"}}}}}}}}};
  const MetricsConfig c = parse_metrics_config({{"business_hours", bh}}, known);
  const Schedule* d = c.business_hours.schedule_for("someone");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->tz, "America/Sao_Paulo");
  EXPECT_EQ(d->days[0], (std::vector<DaySpan>{{540, 720}, {780, 1080}}));
  EXPECT_EQ(d->days[1], d->days[0]);  // sorted
  EXPECT_TRUE(d->days[2].empty());    // wed missing: closed
  EXPECT_EQ(d->days[4], (std::vector<DaySpan>{{1320, 1440}}));
  EXPECT_TRUE(d->days[5].empty() && d->days[6].empty());  // [] and null: closed
  EXPECT_EQ(d->holidays, (std::vector<std::int64_t>{civil(2026, 11, 20), civil(2026, 12, 25)}));
  EXPECT_TRUE(d->is_holiday(civil(2026, 12, 25)));
  EXPECT_FALSE(d->is_holiday(civil(2026, 12, 24)));
  const Schedule* acme = c.business_hours.schedule_for("acme-2");
  ASSERT_NE(acme, nullptr);
  EXPECT_EQ(acme->tz, "Europe/Berlin");
  EXPECT_EQ(acme->days[6], (std::vector<DaySpan>{{0, 1440}}));
  EXPECT_TRUE(acme->holidays.empty());
}

TEST(BusinessSchedule, NoBlockMeansNoSchedule) {
  for (const json& config : {json(), json::object(), json{{"business_hours", nullptr}}})
    EXPECT_EQ(parse_metrics_config(config, known).business_hours.schedule_for("t1"), nullptr);
}

TEST(BusinessSchedule, CivilDatesAndWeekdays) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2026, 11, 2), civil(2026, 11, 2));
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(weekday_index(civil(2026, 11, 2)), 0);   // a Monday
  EXPECT_EQ(weekday_index(civil(2026, 11, 8)), 6);   // a Sunday
  EXPECT_EQ(weekday_index(civil(1969, 12, 29)), 0);  // before the epoch
  EXPECT_EQ(parse_civil_date("2028-02-29"), civil(2028, 2, 29));
  EXPECT_FALSE(parse_civil_date("2026-02-29"));
  EXPECT_FALSE(parse_civil_date("2026-13-01"));
  EXPECT_FALSE(parse_civil_date("2026-1-01"));
}

TEST(BusinessSchedule, EveryMistakeNamesItsKey) {
  auto day = [](const json& spans) {
    return with_schedule({{"tz", "UTC"}, {"days", {{"mon", spans}}}});
  };
  const std::vector<std::pair<json, std::string>> cases = {
      {{{"business_hour", json::object()}}, "business_hour: unknown key"},
      {{{"business_hours", "9-18"}}, "business_hours: expected a mapping"},
      {{{"business_hours", {{"tenants", json::object()}}}}, "business_hours.default: required"},
      {{{"business_hours", {{"default", office()}, {"tenant", json::object()}}}},
       "business_hours.tenant: unknown key"},
      {with_schedule({{"days", json::object()}}), "business_hours.default.tz: required"},
      {with_schedule({{"tz", "Mars/Olympus"}, {"days", json::object()}}),
       "business_hours.default.tz: unknown time zone 'Mars/Olympus'"},
      {with_schedule({{"tz", "UTC"}}), "business_hours.default.days: required"},
      {with_schedule({{"tz", "UTC"}, {"days", json::object()}, {"holiday", json::array()}}),
       "business_hours.default.holiday: unknown key"},
      {with_schedule({{"tz", "UTC"}, {"days", {{"monday", json::array()}}}}),
       "business_hours.default.days.monday: unknown day"},
      {day("09:00-18:00"), "business_hours.default.days.mon: expected a list"},
      {day({"9:00-18:00"}),
       "business_hours.default.days.mon[0]: '9:00-18:00' is not \"HH:MM-HH:MM\""},
      {day({"09:00-18:00", 9}), "business_hours.default.days.mon[1]: expected a string"},
      {day({"09:60-10:00"}), "days.mon[0]: '09:60-10:00' is not"},
      {day({"24:00-24:00"}), "days.mon[0]: '24:00-24:00' is not"},
      {day({"23:00-24:30"}), "days.mon[0]: '23:00-24:30' is not"},
      {day({"18:00-09:00"}), "days.mon[0]: '18:00-09:00' ends before it starts"},
      {day({"09:00-09:00"}), "ends before it starts"},
      {day({"09:00-13:00", "12:00-18:00"}), "business_hours.default.days.mon: intervals overlap"},
      {with_schedule({{"tz", "UTC"}, {"days", json::object()}, {"holidays", "2026-12-25"}}),
       "business_hours.default.holidays: expected a list"},
      {with_schedule(
           {{"tz", "UTC"}, {"days", json::object()}, {"holidays", {"2026-12-25", "2026-02-30"}}}),
       "business_hours.default.holidays[1]: expected a date"},
      {{{"business_hours", {{"default", office()}, {"tenants", {{"bad tenant", office()}}}}}},
       "business_hours.tenants.bad tenant: not a tenant id"},
      {{{"business_hours",
         {{"default", office()},
          {"tenants", {{"acme", {{"tz", "UTC"}, {"days", {{"sun", {"x"}}}}}}}}}}},
       "business_hours.tenants.acme.days.sun[0]"},
      {{{"business_hours", {{"default", office()}, {"tenants", json::array()}}}},
       "business_hours.tenants: expected a mapping"},
      {json::array(), "config: expected a mapping"},
  };
  for (const auto& [config, want] : cases)
    EXPECT_NE(error_of(config).find(want), std::string::npos)
        << config.dump() << "\n → " << error_of(config);
  // Adjacent intervals are fine.
  EXPECT_NO_THROW(parse_metrics_config(day({"09:00-12:00", "12:00-18:00"}), known));
}

}  // namespace
}  // namespace zaplify::metrics::testing
