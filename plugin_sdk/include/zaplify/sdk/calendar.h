#pragma once
// Time windows, calendar buckets and time formatting, backed by the host's IANA tz database.
//
// All instants are milliseconds since the Unix epoch, UTC (the event store's `ts` column).

#include <cstdint>
#include <string>
#include <vector>

#include "zaplify/sdk/version.h"

namespace zaplify::sdk {

enum class Interval { None, Hour, Day, Week };

/// The analysis window W = [from_ms, to_ms) (start inclusive, end exclusive, epoch ms UTC), with
/// the time zone its dates and buckets are read in and the bucket interval. The host resolves the
/// request's from/to/tz/interval into it (defaults: `to` now, `from` 7 days before, UTC, no
/// interval); the previous window W′ is the span of the same length that ends where W starts.
/// Week buckets are ISO weeks (Monday), aligned in `tz`; the first and last bucket may cover only
/// the part of W they overlap.
struct Window {
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
  std::string tz = "UTC";
  Interval interval = Interval::None;

  std::int64_t length_ms() const { return to_ms - from_ms; }
  /// W′ = [from − (to − from), from).
  std::int64_t previous_from_ms() const { return from_ms - length_ms(); }
  std::int64_t previous_to_ms() const { return from_ms; }
  /// The previous window as a Window of its own (same tz and interval).
  Window previous() const { return Window{previous_from_ms(), from_ms, tz, interval}; }
};

/// Thread-safe; owned by the host and valid until the plugin's stop() returns.
class ZAPLIFY_SDK_API Calendar {
 public:
  virtual ~Calendar() = default;

  /// Current time in epoch milliseconds.
  virtual std::int64_t now_ms() const = 0;

  /// Aligned starts of the buckets of `w.interval` in `w.tz` that overlap W, ascending. The first
  /// may lie before w.from_ms (a bucket is named by its aligned start). Bucket i covers
  /// [starts[i], starts[i+1]) ∩ W; the last one ends at w.to_ms. Empty for Interval::None.
  /// Day and week buckets follow the local calendar, so a DST day is 23 or 25 hours long.
  virtual std::vector<std::int64_t> bucket_starts(const Window& w) const = 0;

  /// Local calendar days of W in `w.tz` as midnight instants, ascending (the day holding from_ms
  /// first). Same as bucket_starts with Interval::Day.
  virtual std::vector<std::int64_t> day_starts(const Window& w) const = 0;

  /// RFC 3339 in UTC: "2026-11-20T17:03:00Z", or "...:00.250Z" when there are milliseconds.
  virtual std::string format_utc(std::int64_t ms) const = 0;

  /// RFC 3339 with the zone's offset at that instant: "2026-11-20T00:00:00-03:00".
  virtual std::string format_local(std::int64_t ms, const std::string& tz) const = 0;

  /// The local date "YYYY-MM-DD" of an instant in a zone.
  virtual std::string local_date(std::int64_t ms, const std::string& tz) const = 0;
};

}  // namespace zaplify::sdk
