#pragma once
// The naive reference's "is this minute open?" for a Schedule, straight from date/tz: the minute's
// local date, weekday and wall-clock minute, looked up in the schedule. Shares nothing with
// open_hours.cpp (which works from the sdk::Calendar's day starts and offsets).

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "business_schedule.h"

namespace zaplify::metrics::testing {

class TzOpen {
 public:
  explicit TzOpen(const Schedule& s) : s_(&s), zone_(date::locate_zone(s.tz)) {}
  bool operator()(std::int64_t utc_minute_start_ms) const {
    using namespace std::chrono;
    const auto local = zone_->to_local(sys_time<milliseconds>(milliseconds(utc_minute_start_ms)));
    const auto day = date::floor<date::days>(local);
    const std::int64_t civil = day.time_since_epoch().count();
    if (std::find(s_->holidays.begin(), s_->holidays.end(), civil) != s_->holidays.end())
      return false;
    const unsigned iso = date::weekday(day).iso_encoding();  // 1 = Monday … 7 = Sunday
    const auto minute = static_cast<int>(duration_cast<minutes>(local - day).count());
    for (const DaySpan& span : s_->days[iso - 1])
      if (span.start_min <= minute && minute < span.end_min) return true;
    return false;
  }

 private:
  const Schedule* s_;
  const date::time_zone* zone_;
};

/// Days since 1970-01-01 of a civil date, from date (not the plugin's days_from_civil).
inline std::int64_t civil(int y, unsigned m, unsigned d) {
  return date::sys_days(date::year{y} / date::month{m} / date::day{d}).time_since_epoch().count();
}

/// Epoch ms of a UTC civil date and time.
inline std::int64_t utc(int y, unsigned m, unsigned d, int hh = 0, int mm = 0) {
  return (civil(y, m, d) * 1440 + hh * 60 + mm) * 60'000;
}

}  // namespace zaplify::metrics::testing
