#pragma once
// A schedule's open intervals as instants: the set of instants whose local date (in the schedule's
// zone) is not a holiday and whose local wall-clock time lies in one of that weekday's intervals.
// So a DST change needs no special rule: an hour the clocks skip is never open, an hour they repeat
// is open twice (both occurrences are instants with that wall-clock time).
//
// Built once per request over the span it needs; then business time and "is it open" are
// O(log n) lookups. Immutable after construction: safe to share between threads.

#include <cstdint>
#include <utility>
#include <vector>

#include "business_schedule.h"
#include "zaplify/sdk/calendar.h"

namespace zaplify::metrics {

class OpenHours {
 public:
  /// The open instants of `schedule` within [from_ms, to_ms), from the calendar's zone data
  /// (day_starts, local_date and the offsets format_local prints). Throws what the calendar
  /// throws for an unknown zone (validated at config load, so not expected).
  OpenHours(const Schedule& schedule, const sdk::Calendar& calendar, std::int64_t from_ms,
            std::int64_t to_ms);
  /// From explicit intervals (tests): sorted, disjoint, each non-empty.
  explicit OpenHours(std::vector<std::pair<std::int64_t, std::int64_t>> intervals);

  /// Length in ms of [a, b] ∩ open intervals (end points have no length). REQUIRES: a <= b,
  /// both within the span the object was built for.
  std::int64_t business_ms(std::int64_t a, std::int64_t b) const;
  /// True when the instant lies in an open interval [start, end).
  bool is_open(std::int64_t t) const;
  /// The merged open intervals, ascending.
  const std::vector<std::pair<std::int64_t, std::int64_t>>& intervals() const { return spans_; }

 private:
  void index();
  /// Open time before instant t.
  std::int64_t open_before(std::int64_t t) const;

  std::vector<std::pair<std::int64_t, std::int64_t>> spans_;
  std::vector<std::int64_t> cumulative_;  ///< Open time before spans_[i].first.
};

/// The zone's UTC offset at an instant, in ms, read from Calendar::format_local's "±HH:MM" suffix.
std::int64_t utc_offset_ms(const sdk::Calendar& calendar, const std::string& tz, std::int64_t t);

}  // namespace zaplify::metrics
