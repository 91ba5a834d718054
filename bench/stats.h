#pragma once
// Latency statistics and the result record every scenario produces.

#include <cstdint>
#include <string>
#include <vector>

namespace zaplify::bench {

/// Linear interpolation between closest ranks (numpy's default), q in [0, 1].
/// REQUIRES: `sorted` ascending and non-empty.
double percentile_sorted(const std::vector<double>& sorted, double q);

struct LatencySummary {
  std::size_t count = 0;
  double median_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};
/// Summarises latencies in milliseconds (copies and sorts); all zeros when empty.
LatencySummary summarize(std::vector<double> latencies_ms);

/// One row of the report.
struct ScenarioResult {
  std::string name;
  std::string database;
  std::string data;  ///< The data set's shape ("time-ordered", "backfill"); "" if none.
  std::size_t requests = 0;
  std::size_t errors = 0;  ///< Non-2xx or failed requests.
  double median_ms = 0;
  double p99_ms = 0;
  double throughput = 0;
  std::string unit = "req/s";  ///< "req/s" | "events/s" | "rows/s"
  double peak_rss_mb = -1;     ///< -1: not sampled.
  double rss_growth_mb = -1;
  std::string bar;      ///< Human-readable bar, e.g. "<= 100 ms median"; "" for none.
  std::string verdict;  ///< "met" | "MISSED" | "" (no bar).
  std::string note;     ///< Free text: sizes, cache hits, first error.
};

}  // namespace zaplify::bench
