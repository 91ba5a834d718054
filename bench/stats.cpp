#include "stats.h"

#include <algorithm>
#include <cmath>

namespace zaplify::bench {

double percentile_sorted(const std::vector<double>& sorted, double q) {
  double pos = q * static_cast<double>(sorted.size() - 1);
  auto lo = static_cast<std::size_t>(std::floor(pos));
  auto hi = static_cast<std::size_t>(std::ceil(pos));
  double frac = pos - static_cast<double>(lo);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

LatencySummary summarize(std::vector<double> latencies_ms) {
  LatencySummary s;
  if (latencies_ms.empty()) return s;
  std::sort(latencies_ms.begin(), latencies_ms.end());
  s.count = latencies_ms.size();
  s.median_ms = percentile_sorted(latencies_ms, 0.5);
  s.p99_ms = percentile_sorted(latencies_ms, 0.99);
  s.max_ms = latencies_ms.back();
  return s;
}

}  // namespace zaplify::bench
