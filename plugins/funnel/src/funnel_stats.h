#pragma once
// Small statistics used by the funnel reports (docs/api.md, Query parameters: linear-interpolation
// percentiles, null ratios on zero denominators).

#include <cstdint>
#include <optional>
#include <vector>

namespace zaplify::funnel {

/// num / den, or nullopt when den is 0.
std::optional<double> ratio(std::int64_t num, std::int64_t den);

/// Median with linear interpolation between closest ranks (numpy's default), or nullopt when
/// empty. Reorders `values` (nth_element) instead of copying them.
std::optional<double> median_in_place(std::vector<std::int64_t>& values);

/// The q-quantile (0 ≤ q ≤ 1) with linear interpolation between closest ranks (numpy's default,
/// PostgreSQL's percentile_cont), or nullopt when empty. Sorts `values`.
std::optional<double> percentile_in_place(std::vector<std::int64_t>& values, double q);

/// Median of doubles, same convention; reorders `values`.
std::optional<double> median_in_place(std::vector<double>& values);

/// Two-sided p-value of the pooled two-proportion z-test of x1/n1 against x2/n2, or nullopt when
/// n1 or n2 is 0 or the pooled proportion is 0 or 1 (the statistic is undefined).
/// REQUIRES: 0 ≤ x1 ≤ n1, 0 ≤ x2 ≤ n2.
std::optional<double> two_proportion_p_value(std::int64_t x1, std::int64_t n1, std::int64_t x2,
                                             std::int64_t n2);

}  // namespace zaplify::funnel
