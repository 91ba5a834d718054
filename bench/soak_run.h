#pragma once
// The soak benchmark (`--scenarios soak`): one server with every plugin and the cache on, two
// seeded tenants, then a fixed-rate open-loop mix of ingest batches and reads for a long time
// while the server's RSS and open descriptors are sampled. See bench/README.md, "Soak".

#include <string>
#include <vector>

#include "dataset.h"
#include "options.h"
#include "soak_stats.h"
#include "stats.h"

namespace zaplify::bench {

/// Latency of one request kind of the mix over the whole run.
struct SoakKindStats {
  std::string name;
  std::size_t requests = 0;
  std::size_t errors = 0;
  std::size_t cache_hits = 0;  ///< Answers with X-Cache: HIT.
  double p50_ms = 0;
  double p99_ms = 0;
};

struct SoakResult {
  ScenarioResult row;  ///< The summary row, in the format of the other scenarios.
  std::vector<WindowStats> windows;
  std::vector<ProcessSample> samples;
  RssDrift rss;
  FdDrift fds;
  SoakTotals totals;
  std::vector<SoakCriterion> criteria;
  std::vector<SoakKindStats> kinds;
  double server_cpu_pct = -1;  ///< Server CPU time / wall time over the run (100 = one core).
  double max_lateness_ms = 0;  ///< Worst start delay behind the schedule (client saturation).
  std::uint64_t events_ingested = 0;
  std::vector<std::string> notes;
};

/// Runs the soak for `database` ("sqlite" | "postgres"): starts a server in `work_dir`, ingests
/// `growing_seed` and `static_seed` (two tenants), then drives the mix of `options.soak`.
/// Throws std::runtime_error when the server cannot be started or seeded.
SoakResult run_soak(const BenchOptions& options, const std::string& database,
                    const Dataset& growing_seed, const Dataset& static_seed,
                    const std::string& work_dir);

}  // namespace zaplify::bench
