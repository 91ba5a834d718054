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
          {"change_pct", json_or_null(change_pct(static_cast<double>(value),
                                                 static_cast<double>(previous)))}};
}

nlohmann::json measure_with_history(std::optional<double> value, std::optional<double> previous) {
  return {{"value", json_or_null(value)},
          {"previous", json_or_null(previous)},
          {"change_pct", json_or_null(change_pct(value, previous))}};
}

Distribution describe(std::vector<double>& values) {
  Distribution d;
  if (values.empty()) return d;
  std::sort(values.begin(), values.end());
  // Summing in ascending order keeps the rounding independent of the rows' arrival order.
  const double sum = std::accumulate(values.begin(), values.end(), 0.0);
  d.avg = sum / static_cast<double>(values.size());
  d.p50 = percentile_sorted(values, 0.50);
  d.p95 = percentile_sorted(values, 0.95);
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
