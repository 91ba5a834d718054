#include "zaplify/testkit/fixed_calendar.h"

#include "calendar/calendar.h"

namespace zaplify::testkit {

FixedCalendar::FixedCalendar(std::int64_t now_ms)
    : now_ms_(now_ms), host_(std::make_unique<core::SystemCalendar>()) {}

FixedCalendar::~FixedCalendar() = default;

std::vector<std::int64_t> FixedCalendar::bucket_starts(const sdk::Window& w) const {
  return host_->bucket_starts(w);
}
std::vector<std::int64_t> FixedCalendar::day_starts(const sdk::Window& w) const {
  return host_->day_starts(w);
}
std::string FixedCalendar::format_utc(std::int64_t ms) const { return host_->format_utc(ms); }
std::string FixedCalendar::format_local(std::int64_t ms, const std::string& tz) const {
  return host_->format_local(ms, tz);
}
std::string FixedCalendar::local_date(std::int64_t ms, const std::string& tz) const {
  return host_->local_date(ms, tz);
}

}  // namespace zaplify::testkit
