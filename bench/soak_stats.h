#pragma once
// The soak benchmark's statistics: latency per time window, and the drift of the server's RSS
// and open file descriptors after warm-up, each judged against its criterion. Pure, unit-tested.

#include <cstdint>
#include <string>
#include <vector>

namespace zaplify::bench {

/// One finished soak request. `due_s` places it in a window; `latency_ms` runs from its due time
/// (open loop), so time spent waiting for a free client thread counts.
struct SoakSample {
  double due_s = 0;
  double latency_ms = 0;
  bool ok = true;  ///< 2xx.
};

struct WindowStats {
  int index = 0;  ///< 0-based; window k covers [k·width, (k+1)·width) seconds.
  std::size_t requests = 0;
  std::size_t errors = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

/// Latency per window of `width_s` seconds over [0, duration_s); a trailing partial window is
/// kept only when it is at least half a window long (a few requests would make its p99 noise).
std::vector<WindowStats> per_window(const std::vector<SoakSample>& samples, double width_s,
                                    double duration_s);

/// A periodic reading of the server process.
struct ProcessSample {
  double t_s = 0;
  long rss_kb = -1;
  int fds = -1;
};

/// RSS after warm-up: the reference is the first sample at or after `warmup_s`.
struct RssDrift {
  bool valid = false;
  double reference_mb = 0;
  double end_mb = 0;
  double min_mb = 0;
  double max_mb = 0;
  double max_deviation_pct = 0;  ///< max |rss − reference| / reference × 100 after warm-up.
  double end_deviation_pct = 0;  ///< (end − reference) / reference × 100.
  double slope_mb_per_min = 0;   ///< Least-squares slope after warm-up (informational).
};
RssDrift rss_drift(const std::vector<ProcessSample>& samples, double warmup_s);

struct FdDrift {
  bool valid = false;
  int reference = 0;  ///< At the first sample at or after warm-up.
  int min = 0;
  int max = 0;
  int end = 0;
};
FdDrift fd_drift(const std::vector<ProcessSample>& samples, double warmup_s);

/// Least-squares slope of y over x; 0 with fewer than two distinct x.
double least_squares_slope(const std::vector<double>& x, const std::vector<double>& y);

/// Open descriptors among the names of a /proc/PID/fd listing: numeric names only ("." and
/// ".." and anything else are not descriptors).
int count_fd_names(const std::vector<std::string>& names);
/// Lists /proc/PID/fd; -1 when it cannot be read.
int count_open_fds(int pid);

/// utime + stime (clock ticks) from a /proc/PID/stat line; false when malformed. The command
/// name may hold spaces and parentheses, so fields are counted after the last ')'.
bool parse_stat_cpu_ticks(const std::string& stat_line, long long& ticks);

/// The soak's criteria (bench/README.md, "Soak"), with the figures they were judged on.
struct SoakCriterion {
  std::string name;
  std::string rule;
  std::string measured;
  bool passed = false;
};

struct SoakThresholds {
  double rss_max_deviation_pct = 10;
  int fd_tolerance = 2;      ///< Transient sockets (a reconnect, a pool refill).
  double p99_max_ratio = 2;  ///< Last window's p99 ≤ ratio × the first post-warm-up window's.
  double min_rate_fraction = 0.95;  ///< Achieved rate ≥ this × target.
};

struct SoakTotals {
  std::size_t requests = 0;
  std::size_t errors = 0;
  double target_rate = 0;
  double achieved_rate = 0;
};

/// Judges every criterion; `windows` as from per_window, `warmup_s` and `width_s` as used there.
std::vector<SoakCriterion> judge_soak(const std::vector<WindowStats>& windows, const RssDrift& rss,
                                      const FdDrift& fds, const SoakTotals& totals, double warmup_s,
                                      double width_s, const SoakThresholds& limits);

}  // namespace zaplify::bench
