#include "calendar/calendar.h"

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <cstdio>

#include "calendar/zones.h"
#include "zaplify/sdk/http.h"

namespace zaplify::core {
namespace {

using std::chrono::milliseconds;
using Ms = date::sys_time<milliseconds>;
constexpr std::int64_t kHourMs = 3600000;

const date::time_zone& zone_or_throw(const std::string& tz) {
  const date::time_zone* z = calendar::find_zone(tz);
  if (z == nullptr) throw sdk::invalid_parameter("tz", "unknown time zone '" + tz + "'");
  return *z;
}

// The instant a local day starts. A nonexistent local midnight (a DST gap at 00:00) resolves to the
// transition, which is the first instant of that day; an ambiguous one to the earlier instant.
std::int64_t local_day_start(const date::time_zone& z, date::local_days day) {
  auto local = date::local_time<milliseconds>(day);
  return z.to_sys(local, date::choose::earliest).time_since_epoch().count();
}

date::local_days local_day_of(const date::time_zone& z, std::int64_t ms) {
  auto local = z.to_local(Ms(milliseconds(ms)));
  return date::floor<date::days>(local);
}

std::vector<std::int64_t> hour_starts(const date::time_zone& z, const sdk::Window& w) {
  // Local hours: with a whole-hour offset they coincide with UTC hours; with a :30 or :45 offset
  // they are shifted, so align each start to the local clock.
  auto align = [&](std::int64_t t) {
    auto info = z.get_info(Ms(milliseconds(t)));
    std::int64_t local = t + std::chrono::duration_cast<milliseconds>(info.offset).count();
    std::int64_t rem = ((local % kHourMs) + kHourMs) % kHourMs;
    return t - rem;
  };
  std::vector<std::int64_t> out;
  std::int64_t t = align(w.from_ms);
  while (t < w.to_ms) {
    out.push_back(t);
    std::int64_t next = align(t + kHourMs);
    t = next > t ? next : t + kHourMs;
  }
  return out;
}

std::vector<std::int64_t> day_or_week_starts(const date::time_zone& z, const sdk::Window& w,
                                             bool week) {
  date::local_days day = local_day_of(z, w.from_ms);
  if (week) {
    date::weekday wd{day};
    day -= (wd - date::Monday);  // ISO weeks start on Monday
  }
  const date::days step{week ? 7 : 1};
  std::vector<std::int64_t> out;
  for (std::int64_t t = local_day_start(z, day); t < w.to_ms; t = local_day_start(z, day)) {
    out.push_back(t);
    day += step;
  }
  return out;
}

std::string two(int v) {
  char b[3];
  std::snprintf(b, sizeof b, "%02d", v);
  return b;
}

// "YYYY-MM-DDTHH:MM:SS[.mmm]" of a local or UTC wall-clock time in ms.
template <class Clock>
std::string wall_clock(std::chrono::time_point<Clock, milliseconds> tp) {
  auto day = date::floor<date::days>(tp);
  date::year_month_day ymd{day};
  date::hh_mm_ss<milliseconds> tod{tp - day};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                static_cast<int>(tod.seconds().count()));
  std::string out = buf;
  if (auto ms = tod.subseconds().count(); ms != 0) {
    std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(ms));
    out += buf;
  }
  return out;
}

}  // namespace

std::int64_t SystemCalendar::now_ms() const {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::vector<std::int64_t> SystemCalendar::bucket_starts(const sdk::Window& w) const {
  if (w.interval == sdk::Interval::None || w.to_ms <= w.from_ms) return {};
  const date::time_zone& z = zone_or_throw(w.tz);
  if (w.interval == sdk::Interval::Hour) return hour_starts(z, w);
  return day_or_week_starts(z, w, w.interval == sdk::Interval::Week);
}

std::vector<std::int64_t> SystemCalendar::day_starts(const sdk::Window& w) const {
  if (w.to_ms <= w.from_ms) return {};
  return day_or_week_starts(zone_or_throw(w.tz), w, false);
}

std::string SystemCalendar::format_utc(std::int64_t ms) const {
  return wall_clock(Ms(milliseconds(ms))) + "Z";
}

std::string SystemCalendar::format_local(std::int64_t ms, const std::string& tz) const {
  const date::time_zone& z = zone_or_throw(tz);
  auto info = z.get_info(Ms(milliseconds(ms)));
  auto local = date::local_time<milliseconds>(milliseconds(ms) + info.offset);
  auto off = std::chrono::duration_cast<std::chrono::minutes>(info.offset).count();
  std::string sign = off < 0 ? "-" : "+";
  if (off < 0) off = -off;
  return wall_clock(local) + sign + two(static_cast<int>(off / 60)) + ":" +
         two(static_cast<int>(off % 60));
}

std::string SystemCalendar::local_date(std::int64_t ms, const std::string& tz) const {
  date::year_month_day ymd{local_day_of(zone_or_throw(tz), ms)};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

bool is_known_time_zone(const std::string& tz) { return calendar::find_zone(tz) != nullptr; }

}  // namespace zaplify::core
