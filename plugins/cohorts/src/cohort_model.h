#pragma once
// Conversion cohorts (docs/api.md, cohorts plugin): leads grouped by the calendar bucket of their
// earliest `lead_created`, and for each period since the bucket's start how many of them had
// reached the funnel's final stage. Plain data in, plain data out (the calendar is the host's), so
// every number is testable without a store; cohort_queries.h feeds it from the event store.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "zaplify/sdk/calendar.h"

namespace zaplify::cohorts {

enum class CohortInterval { Day, Week, Month };

/// "day" | "week" | "month"; nullopt for anything else.
std::optional<CohortInterval> parse_cohort_interval(const std::string& text);
const char* interval_name(CohortInterval interval);

/// The aligned starts (in w.tz) of the buckets overlapping W, ascending; the first may lie before
/// w.from_ms. Months are calendar months: each starts at the local midnight of its 1st day.
std::vector<std::int64_t> cohort_starts(const sdk::Calendar& calendar, const sdk::Window& w,
                                        CohortInterval interval);

struct Cohort {
  std::int64_t start_ms = 0;  ///< b_c.
  std::int64_t leads = 0;
  std::vector<std::int64_t> converted;  ///< [p]: converted before b_c + (p + 1) periods and `to`.
  std::vector<std::optional<double>> rates;  ///< converted[p] / leads; empty with the cohort.
};

/// Counts leads into cohorts. Not thread-safe; one per request.
class CohortTable {
 public:
  /// REQUIRES: `starts` from cohort_starts for a window ending at `to_ms`, not empty.
  CohortTable(std::vector<std::int64_t> starts, std::int64_t to_ms);
  /// A lead whose earliest creation is `created_ms` (in W), with the time of its first event into
  /// the funnel's final stage (any time), if any.
  void add_lead(std::int64_t created_ms, std::optional<std::int64_t> first_final_ms);
  /// Every bucket of W in order, empty ones included.
  std::vector<Cohort> cohorts() const;

 private:
  std::vector<std::int64_t> starts_;
  std::int64_t to_ms_;
  std::vector<std::int64_t> leads_;
  std::vector<std::vector<std::int64_t>> first_period_;  ///< [c][p]: leads converting in period p.
};

}  // namespace zaplify::cohorts
