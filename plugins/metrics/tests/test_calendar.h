#pragma once
// A small test-only sdk::Calendar on date/tz (day buckets only), with a fixed "now".

#include <date/tz.h>

#include "zaplify/sdk/calendar.h"

namespace zaplify::metrics::testing {

class TestCalendar final : public sdk::Calendar {
 public:
  explicit TestCalendar(std::int64_t now = 0) : now_(now) {}
  std::int64_t now_ms() const override { return now_; }
  std::vector<std::int64_t> bucket_starts(const sdk::Window& w) const override {
    return w.interval == sdk::Interval::Day ? day_starts(w) : std::vector<std::int64_t>{};
  }
  std::vector<std::int64_t> day_starts(const sdk::Window& w) const override {
    using namespace std::chrono;
    const auto* zone = date::locate_zone(w.tz);
    auto day = date::floor<date::days>(zone->to_local(sys_time<milliseconds>(milliseconds(w.from_ms))));
    std::vector<std::int64_t> out;
    for (;; day += date::days(1)) {
      const auto start = zone->to_sys(date::local_time<milliseconds>(day), date::choose::earliest);
      const std::int64_t ms = start.time_since_epoch().count();
      if (ms >= w.to_ms) break;
      out.push_back(ms);
    }
    return out;
  }
  std::string format_utc(std::int64_t ms) const override {
    return date::format("%FT%TZ", date::sys_seconds(std::chrono::seconds(ms / 1000)));
  }
  std::string format_local(std::int64_t ms, const std::string& tz) const override {
    return date::format("%FT%T%Ez", date::make_zoned(tz, date::sys_seconds(std::chrono::seconds(ms / 1000))));
  }
  std::string local_date(std::int64_t ms, const std::string& tz) const override {
    return date::format("%F", date::make_zoned(tz, date::sys_seconds(std::chrono::seconds(ms / 1000))));
  }

 private:
  std::int64_t now_;
};

}  // namespace zaplify::metrics::testing
