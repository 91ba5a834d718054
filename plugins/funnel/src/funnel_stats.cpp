#include "funnel_stats.h"

#include <algorithm>
#include <cmath>

namespace zaplify::funnel {

std::optional<double> ratio(std::int64_t num, std::int64_t den) {
  if (den == 0) return std::nullopt;
  return static_cast<double>(num) / static_cast<double>(den);
}

namespace {

template <typename T>
std::optional<double> median_of(std::vector<T>& v) {
  if (v.empty()) return std::nullopt;
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = static_cast<double>(v[mid]);
  if (v.size() % 2 == 1) return upper;
  // Even count: the mean of the two middle ranks; the lower one is the max of the left part.
  const double lower = static_cast<double>(
      *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid)));
  return (lower + upper) / 2.0;
}

}  // namespace

std::optional<double> median_in_place(std::vector<std::int64_t>& values) {
  return median_of(values);
}

std::optional<double> median_in_place(std::vector<double>& values) { return median_of(values); }

std::optional<double> percentile_in_place(std::vector<std::int64_t>& values, double q) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const double rank = q * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(rank));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  const double frac = rank - static_cast<double>(lo);
  return static_cast<double>(values[lo]) + frac * static_cast<double>(values[hi] - values[lo]);
}

std::optional<double> two_proportion_p_value(std::int64_t x1, std::int64_t n1, std::int64_t x2,
                                             std::int64_t n2) {
  if (n1 <= 0 || n2 <= 0) return std::nullopt;
  const double pooled = static_cast<double>(x1 + x2) / static_cast<double>(n1 + n2);
  if (pooled <= 0.0 || pooled >= 1.0) return std::nullopt;
  const double p1 = static_cast<double>(x1) / static_cast<double>(n1);
  const double p2 = static_cast<double>(x2) / static_cast<double>(n2);
  const double se = std::sqrt(pooled * (1.0 - pooled) *
                              (1.0 / static_cast<double>(n1) + 1.0 / static_cast<double>(n2)));
  const double z = (p1 - p2) / se;
  // Two-sided: P(|Z| ≥ |z|) = 2·(1 − Φ(|z|)) = erfc(|z| / √2).
  return std::erfc(std::fabs(z) / std::sqrt(2.0));
}

}  // namespace zaplify::funnel
