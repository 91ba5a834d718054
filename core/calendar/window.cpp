// parse_window (docs/api.md, Query parameters): from/to/tz/interval of an analytics request.

#include <date/date.h>
#include <date/tz.h>

#include <chrono>

#include "calendar/calendar.h"
#include "calendar/rfc3339.h"
#include "calendar/zones.h"
#include "zaplify/sdk/http.h"

namespace zaplify::core {
namespace {

constexpr std::int64_t kDayMs = 86400000;

const std::string* find(const std::map<std::string, std::string>& q, const char* key) {
  auto it = q.find(key);
  return it == q.end() || it->second.empty() ? nullptr : &it->second;
}

bool parse_date(const std::string& s, date::year_month_day& out) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int v[3] = {0, 0, 0};
  const int pos[3] = {0, 5, 8}, len[3] = {4, 2, 2};
  for (int k = 0; k < 3; ++k)
    for (int i = 0; i < len[k]; ++i) {
      char c = s[static_cast<std::size_t>(pos[k] + i)];
      if (c < '0' || c > '9') return false;
      v[k] = v[k] * 10 + (c - '0');
    }
  out = date::year{v[0]} / date::month{static_cast<unsigned>(v[1])} /
        date::day{static_cast<unsigned>(v[2])};
  return out.ok();
}

std::int64_t parse_instant(const std::string& field, const std::string& s,
                           const date::time_zone& z) {
  std::int64_t ms = 0;
  if (parse_rfc3339_ms(s, ms)) return ms;
  date::year_month_day ymd;
  if (parse_date(s, ymd)) {
    auto local = date::local_time<std::chrono::milliseconds>(date::local_days(ymd));
    return z.to_sys(local, date::choose::earliest).time_since_epoch().count();
  }
  throw sdk::invalid_parameter(field,
                               field + " must be an RFC 3339 timestamp or a YYYY-MM-DD date");
}

sdk::Interval parse_interval(const std::map<std::string, std::string>& query) {
  auto it = query.find("interval");
  if (it == query.end()) return sdk::Interval::None;
  if (it->second == "hour") return sdk::Interval::Hour;
  if (it->second == "day") return sdk::Interval::Day;
  if (it->second == "week") return sdk::Interval::Week;
  throw sdk::invalid_parameter("interval", "interval must be one of: hour, day, week");
}

}  // namespace

sdk::Window parse_window(const std::map<std::string, std::string>& query, std::int64_t now_ms,
                         int retention_days) {
  sdk::Window w;
  if (const std::string* tz = find(query, "tz")) w.tz = *tz;
  const date::time_zone* zone = calendar::find_zone(w.tz);
  if (zone == nullptr) throw sdk::invalid_parameter("tz", "unknown time zone '" + w.tz + "'");
  w.interval = parse_interval(query);
  const std::string* from = find(query, "from");
  const std::string* to = find(query, "to");
  w.to_ms = to ? parse_instant("to", *to, *zone) : now_ms;
  w.from_ms = from ? parse_instant("from", *from, *zone) : w.to_ms - 7 * kDayMs;
  if (w.from_ms >= w.to_ms) throw sdk::invalid_parameter("from", "from must be earlier than to");
  if (w.to_ms - w.from_ms > static_cast<std::int64_t>(retention_days) * kDayMs)
    throw sdk::invalid_parameter("from", "the window is longer than the retention of " +
                                             std::to_string(retention_days) + " days");
  return w;
}

}  // namespace zaplify::core
