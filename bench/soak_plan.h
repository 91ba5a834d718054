#pragma once
// The soak benchmark's plan: an open-loop schedule (request i is due at a fixed time, whatever
// happened to earlier requests) and a weighted mix of request kinds. Pure, unit-tested.

#include <cstdint>
#include <string>
#include <vector>

namespace zaplify::bench {

/// Request i is due `i / rate` seconds after the start. Open loop: a slow answer delays nobody's
/// due time, so the latency of a late request includes the time it waited (no coordinated
/// omission).
class PacingSchedule {
 public:
  /// REQUIRES: rate_per_s > 0, duration_s > 0.
  PacingSchedule(double rate_per_s, double duration_s);
  /// Microseconds after the start at which request `i` is due.
  std::int64_t due_us(std::uint64_t i) const;
  /// Requests due within [0, duration).
  std::uint64_t total() const { return total_; }

 private:
  double interval_us_;
  std::uint64_t total_;
};

/// Who a soak request is for: the tenant that keeps ingesting, or the one seeded once.
enum class SoakTenant { Growing, Static };

/// How the query of a read varies, which decides whether the response cache can answer it.
enum class SoakWindow {
  Rolling,  ///< [now − rolling window, now + 1 s): constant work; misses (ingest invalidates).
  DayRotating,   ///< Whole days ending tomorrow, 1..14 days in rotation: a small key set, hits.
  FreshInstant,  ///< 7 days ending at the current millisecond: a new cache key per request, a miss.
  None,          ///< No window parameters (real-time routes).
};

struct SoakRequestKind {
  std::string name;  ///< Row name in the report, e.g. "kpi/static-cached".
  std::string method = "GET";
  std::string path;  ///< With {from}, {to}, {funnel_id}; "" for the ingest batch.
  SoakTenant tenant = SoakTenant::Growing;
  SoakWindow window = SoakWindow::None;
  int weight = 1;
  bool ingest = false;
};

/// The default mix (see bench/README.md, "Soak"), with the ingest batch weighted so that it is
/// `ingest_percent` % of all requests. REQUIRES: 0 < ingest_percent < 100.
std::vector<SoakRequestKind> default_soak_mix(int ingest_percent);

/// Deterministic weighted round robin ("smooth" variant): over any run of sum(weights) picks,
/// each kind is picked exactly `weight` times and the picks are spread out, not clumped.
class MixPicker {
 public:
  /// REQUIRES: every weight >= 1, at least one weight.
  explicit MixPicker(std::vector<int> weights);
  /// The next kind's index. Not thread-safe.
  std::size_t next();

 private:
  std::vector<int> weights_;
  std::vector<long long> current_;
  long long total_ = 0;
};

/// The query's {from}/{to} for `window`, given the wall clock `now_ms`, the request's sequence
/// number (rotation) and the rolling width. Dates are YYYY-MM-DD; instants RFC 3339 UTC, whole
/// seconds except FreshInstant's (milliseconds, so that no two requests share a cache key).
std::pair<std::string, std::string> soak_window(SoakWindow window, std::int64_t now_ms,
                                                std::uint64_t sequence, int rolling_seconds);

}  // namespace zaplify::bench
