#pragma once
// The server's calendar (IANA zones from the system tz database, local days and weeks, DST) with a
// clock that stands still, so a test's "now", its windows and its series are reproducible.
// Thread-safe, like the host's.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "zaplify/sdk/calendar.h"

namespace zaplify::testkit {

class FixedCalendar final : public sdk::Calendar {
 public:
  /// `now_ms`: the instant now_ms() answers (epoch ms) until set_now().
  explicit FixedCalendar(std::int64_t now_ms = 0);
  ~FixedCalendar() override;

  void set_now(std::int64_t now_ms) { now_ms_ = now_ms; }

  std::int64_t now_ms() const override { return now_ms_; }
  std::vector<std::int64_t> bucket_starts(const sdk::Window& w) const override;
  std::vector<std::int64_t> day_starts(const sdk::Window& w) const override;
  std::string format_utc(std::int64_t ms) const override;
  std::string format_local(std::int64_t ms, const std::string& tz) const override;
  std::string local_date(std::int64_t ms, const std::string& tz) const override;

 private:
  std::atomic<std::int64_t> now_ms_;
  std::unique_ptr<sdk::Calendar> host_;  ///< The server's calendar, for everything but now.
};

}  // namespace zaplify::testkit
