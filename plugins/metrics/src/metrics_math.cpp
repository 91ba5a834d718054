#include "metrics_math.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace zaplify::metrics {

std::optional<double> percentile_sorted(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return std::nullopt;
  const double pos = p * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

std::optional<double> ratio(double num, double den) {
  if (den == 0) return std::nullopt;
  return num / den;
}

std::optional<double> change_pct(std::optional<double> x, std::optional<double> y) {
  if (!x || !y || *y == 0) return std::nullopt;
  return (*x - *y) / std::fabs(*y) * 100.0;
}

nlohmann::json json_or_null(std::optional<double> v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json count_with_history(std::int64_t value, std::int64_t previous) {
  return {{"value", value},
          {"previous", previous},
          {"change_pct",
           json_or_null(change_pct(static_cast<double>(value), static_cast<double>(previous)))}};
}

nlohmann::json measure_with_history(std::optional<double> value, std::optional<double> previous) {
  return {{"value", json_or_null(value)},
          {"previous", json_or_null(previous)},
          {"change_pct", json_or_null(change_pct(value, previous))}};
}

namespace {

// percentile_sorted's interpolation, on unsorted values: nth_element finds the lower rank, the
// smallest value above it is the upper rank. O(n) instead of a sort.
double select_percentile(std::vector<double>& values, double p) {
  const double pos = p * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  auto lo_it = values.begin() + static_cast<std::ptrdiff_t>(lo);
  std::nth_element(values.begin(), lo_it, values.end());
  const double a = *lo_it;
  const double b = lo + 1 < values.size() ? *std::min_element(lo_it + 1, values.end()) : a;
  return a + (b - a) * (pos - static_cast<double>(lo));
}

}  // namespace

Distribution describe(std::vector<double>& values) {
  Distribution d;
  if (values.empty()) return d;
  // A long double sum keeps the mean independent of the rows' order for any realistic input.
  long double sum = 0;
  for (double x : values) sum += x;
  d.avg = static_cast<double>(sum / static_cast<long double>(values.size()));
  d.p50 = select_percentile(values, 0.50);
  d.p95 = select_percentile(values, 0.95);
  return d;
}

std::size_t bucket_index(const std::vector<std::int64_t>& starts, std::int64_t ms) {
  auto it = std::upper_bound(starts.begin(), starts.end(), ms);
  if (it == starts.begin()) return 0;
  return static_cast<std::size_t>(it - starts.begin()) - 1;
}

void fold_units(const std::vector<std::int64_t>& starts, std::int64_t unit, std::int64_t count,
                std::vector<std::int64_t>& out) {
  if (starts.empty()) return;
  out[bucket_index(starts, unit * kUnitMs)] += count;
}

}  // namespace zaplify::metrics
