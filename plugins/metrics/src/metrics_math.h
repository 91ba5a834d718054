#pragma once
// Pure arithmetic of the metrics plugin (docs/api.md, Query parameters and metrics plugin):
// percentiles, ratios, values with history and the folding of pre-grouped counts into calendar
// buckets. No I/O; safe to call from any thread.

#include <cstdint>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

namespace zaplify::metrics {

/// Linear interpolation between closest ranks (numpy's default, PostgreSQL percentile_cont).
/// REQUIRES: `sorted` ascending; 0 <= p <= 1. Empty input gives nullopt.
std::optional<double> percentile_sorted(const std::vector<double>& sorted, double p);

/// num / den, or nullopt when den is 0.
std::optional<double> ratio(double num, double den);

/// (x − y) / |y| × 100; nullopt when x or y is missing or y is 0.
std::optional<double> change_pct(std::optional<double> x, std::optional<double> y);

/// JSON null for nullopt, else the number.
nlohmann::json json_or_null(std::optional<double> v);

/// `{"value": x, "previous": y, "change_pct": z}` for counts.
nlohmann::json count_with_history(std::int64_t value, std::int64_t previous);
/// The same for nullable measures (rates, averages, percentiles).
nlohmann::json measure_with_history(std::optional<double> value, std::optional<double> previous);

/// Mean / p50 / p95 of a set of values; the values are reordered in place.
struct Distribution {
  std::optional<double> avg;
  std::optional<double> p50;
  std::optional<double> p95;
};
Distribution describe(std::vector<double>& values);

/// Index of the bucket holding instant `ms`: the last start <= ms (0 when ms precedes them all).
/// REQUIRES: `starts` ascending and not empty.
std::size_t bucket_index(const std::vector<std::int64_t>& starts, std::int64_t ms);

/// Adds counts grouped by 15-minute unit (unit u covers [u·900000, (u+1)·900000)) into buckets.
/// Local day/week/hour boundaries of every current IANA zone fall on 15-minute marks, so a unit
/// never straddles two buckets. `out` must have starts.size() entries.
void fold_units(const std::vector<std::int64_t>& starts, std::int64_t unit, std::int64_t count,
                std::vector<std::int64_t>& out);

constexpr std::int64_t kUnitMs = 15 * 60 * 1000;

}  // namespace zaplify::metrics
