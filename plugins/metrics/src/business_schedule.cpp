#include "business_schedule.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace zaplify::metrics {
namespace {

using nlohmann::json;

constexpr std::array<const char*, 7> kDayNames = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

[[noreturn]] void fail(const std::string& key, const std::string& why) {
  throw std::invalid_argument(key + ": " + why);
}

bool two_digits(const std::string& s, std::size_t at, int& out) {
  if (at + 2 > s.size() || !std::isdigit(static_cast<unsigned char>(s[at])) ||
      !std::isdigit(static_cast<unsigned char>(s[at + 1])))
    return false;
  out = (s[at] - '0') * 10 + (s[at + 1] - '0');
  return true;
}

// "HH:MM" at `at` as minutes after midnight; 24:00 only when `end`.
std::optional<int> clock_minutes(const std::string& s, std::size_t at, bool end) {
  int h = 0, m = 0;
  if (!two_digits(s, at, h) || s[at + 2] != ':' || !two_digits(s, at + 3, m)) return std::nullopt;
  if (m > 59 || h > 24 || (h == 24 && (m != 0 || !end))) return std::nullopt;
  return h * 60 + m;
}

DaySpan parse_span(const json& v, const std::string& key) {
  if (!v.is_string()) fail(key, "expected a string \"HH:MM-HH:MM\"");
  const std::string s = v.get<std::string>();
  const auto start = s.size() == 11 && s[5] == '-' ? clock_minutes(s, 0, false) : std::nullopt;
  const auto end = start ? clock_minutes(s, 6, true) : std::nullopt;
  if (!start || !end)
    fail(key, "'" + s +
                  "' is not \"HH:MM-HH:MM\" (local time, 00:00 to 23:59, 24:00 allowed as an end)");
  if (*end <= *start)
    fail(key, "'" + s +
                  "' ends before it starts; write an overnight opening as two intervals "
                  "(\"22:00-24:00\" and next day's \"00:00-06:00\")");
  return {*start, *end};
}

std::vector<DaySpan> parse_day(const json& v, const std::string& key) {
  std::vector<DaySpan> spans;
  if (v.is_null()) return spans;  // `mon:` with nothing after it: closed
  if (!v.is_array()) fail(key, "expected a list of \"HH:MM-HH:MM\" intervals");
  for (std::size_t i = 0; i < v.size(); ++i)
    spans.push_back(parse_span(v[i], key + "[" + std::to_string(i) + "]"));
  std::sort(spans.begin(), spans.end(),
            [](const DaySpan& a, const DaySpan& b) { return a.start_min < b.start_min; });
  for (std::size_t i = 1; i < spans.size(); ++i)
    if (spans[i].start_min < spans[i - 1].end_min) fail(key, "intervals overlap");
  return spans;
}

Schedule parse_schedule(const json& v, const std::string& key, const ZoneCheck& known_zone) {
  if (!v.is_object()) fail(key, "expected a mapping with tz, days and holidays");
  for (const auto& [k, _] : v.items())
    if (k != "tz" && k != "days" && k != "holidays")
      fail(key + "." + k, "unknown key (expected tz, days, holidays)");
  Schedule s;
  if (!v.contains("tz") || !v["tz"].is_string() || v["tz"].get<std::string>().empty())
    fail(key + ".tz", "required: an IANA time zone name such as America/Sao_Paulo");
  s.tz = v["tz"].get<std::string>();
  if (!known_zone(s.tz)) fail(key + ".tz", "unknown time zone '" + s.tz + "'");
  if (!v.contains("days") || !v["days"].is_object())
    fail(key + ".days", "required: a mapping of mon…sun to lists of \"HH:MM-HH:MM\"");
  for (const auto& [day, spans] : v["days"].items()) {
    const auto it = std::find(kDayNames.begin(), kDayNames.end(), day);
    if (it == kDayNames.end())
      fail(key + ".days." + day, "unknown day (expected mon, tue, wed, thu, fri, sat, sun)");
    s.days[static_cast<std::size_t>(it - kDayNames.begin())] =
        parse_day(spans, key + ".days." + day);
  }
  if (v.contains("holidays") && !v["holidays"].is_null()) {
    const json& h = v["holidays"];
    if (!h.is_array()) fail(key + ".holidays", "expected a list of local dates \"YYYY-MM-DD\"");
    for (std::size_t i = 0; i < h.size(); ++i) {
      const auto day = h[i].is_string() ? parse_civil_date(h[i].get<std::string>()) : std::nullopt;
      if (!day)
        fail(key + ".holidays[" + std::to_string(i) + "]", "expected a date \"YYYY-MM-DD\"");
      s.holidays.push_back(*day);
    }
    std::sort(s.holidays.begin(), s.holidays.end());
  }
  return s;
}

bool valid_tenant_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

BusinessHours parse_business_hours(const json& v, const ZoneCheck& known_zone) {
  const std::string key = "business_hours";
  BusinessHours out;
  if (!v.is_object())
    fail(key, "expected a mapping {default: SCHEDULE, tenants: {tenant_id: SCHEDULE}}");
  for (const auto& [k, _] : v.items())
    if (k != "default" && k != "tenants")
      fail(key + "." + k, "unknown key (expected default, tenants)");
  if (!v.contains("default"))
    fail(key + ".default", "required: the schedule of every tenant not listed");
  out.default_schedule = parse_schedule(v["default"], key + ".default", known_zone);
  if (v.contains("tenants") && !v["tenants"].is_null()) {
    const json& tenants = v["tenants"];
    if (!tenants.is_object()) fail(key + ".tenants", "expected a mapping of tenant_id to SCHEDULE");
    for (const auto& [tenant, schedule] : tenants.items()) {
      const std::string tkey = key + ".tenants." + tenant;
      if (!valid_tenant_id(tenant)) fail(tkey, "not a tenant id ([A-Za-z0-9_-]{1,64})");
      out.tenants.emplace(tenant, parse_schedule(schedule, tkey, known_zone));
    }
  }
  return out;
}

}  // namespace

bool Schedule::is_holiday(std::int64_t civil_day) const {
  return std::binary_search(holidays.begin(), holidays.end(), civil_day);
}

const Schedule* BusinessHours::schedule_for(const std::string& tenant_id) const {
  if (auto it = tenants.find(tenant_id); it != tenants.end()) return &it->second;
  return default_schedule ? &*default_schedule : nullptr;
}

MetricsConfig parse_metrics_config(const json& config, const ZoneCheck& known_zone) {
  MetricsConfig out;
  if (config.is_null()) return out;
  if (!config.is_object()) throw std::invalid_argument("config: expected a mapping");
  for (const auto& [k, v] : config.items()) {
    if (k != "business_hours") fail(k, "unknown key (the metrics plugin reads business_hours)");
    if (!v.is_null()) out.business_hours = parse_business_hours(v, known_zone);
  }
  return out;
}

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::optional<std::int64_t> parse_civil_date(const std::string& text) {
  int y_hi = 0, y_lo = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !two_digits(text, 0, y_hi) ||
      !two_digits(text, 2, y_lo) || !two_digits(text, 5, m) || !two_digits(text, 8, d))
    return std::nullopt;
  const int y = y_hi * 100 + y_lo;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m < 1 || m > 12 || d < 1 || d > kDays[m - 1] + (m == 2 && leap ? 1 : 0)) return std::nullopt;
  return days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

int weekday_index(std::int64_t civil_day) {
  // 1970-01-01 was a Thursday (index 3).
  return static_cast<int>(((civil_day % 7) + 7 + 3) % 7);
}

}  // namespace zaplify::metrics
