#pragma once
// Test-only UTC calendar: hour and day buckets, RFC 3339 formatting.
#include <ctime>
#include <cstdio>

#include "zaplify/sdk/calendar.h"

namespace zaplify::conversation::testing {

class UtcCalendar final : public sdk::Calendar {
 public:
  std::int64_t now = 0;
  std::int64_t now_ms() const override { return now; }
  std::vector<std::int64_t> bucket_starts(const sdk::Window& w) const override {
    const std::int64_t step = w.interval == sdk::Interval::Hour ? 3600000 : w.interval == sdk::Interval::Day ? 86400000 : 0;
    std::vector<std::int64_t> out;
    if (step == 0) return out;
    for (std::int64_t t = w.from_ms - (w.from_ms % step + step) % step; t < w.to_ms; t += step) out.push_back(t);
    return out;
  }
  std::vector<std::int64_t> day_starts(const sdk::Window& w) const override {
    sdk::Window d = w;
    d.interval = sdk::Interval::Day;
    return bucket_starts(d);
  }
  std::string format_utc(std::int64_t ms) const override {
    std::time_t s = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&s, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
  }
  std::string format_local(std::int64_t ms, const std::string&) const override { return format_utc(ms); }
  std::string local_date(std::int64_t ms, const std::string&) const override { return format_utc(ms).substr(0, 10); }
};

}  // namespace zaplify::conversation::testing
