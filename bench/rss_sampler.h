#pragma once
// Samples a process's resident memory from /proc/PID/status while a scenario runs.

#include <atomic>
#include <thread>

namespace zaplify::bench {

/// Reads VmRSS and VmHWM (kB) of `pid`; false when the process or the fields are gone.
bool read_rss_kb(int pid, long& rss_kb, long& hwm_kb);
/// Parses the VmRSS/VmHWM lines of a /proc/PID/status text (kB); false if VmRSS is missing.
bool parse_status_text(const char* text, long& rss_kb, long& hwm_kb);

/// Starts a thread sampling VmRSS every `interval_ms` until stop(). Not copyable; stop() is
/// idempotent and called by the destructor. pid <= 0 makes it a no-op (values stay -1).
class RssSampler {
 public:
  explicit RssSampler(int pid, int interval_ms = 50);
  ~RssSampler();
  RssSampler(const RssSampler&) = delete;
  RssSampler& operator=(const RssSampler&) = delete;
  void stop();
  double start_mb() const { return start_kb_ / 1024.0; }
  /// Highest VmRSS seen; -1 when never sampled.
  double peak_mb() const { return peak_kb_ < 0 ? -1 : peak_kb_ / 1024.0; }
  /// Peak minus the value at start; -1 when never sampled.
  double growth_mb() const { return peak_kb_ < 0 ? -1 : (peak_kb_ - start_kb_) / 1024.0; }
  /// VmHWM at stop (the kernel's own peak since process start).
  double hwm_mb() const { return hwm_kb_ / 1024.0; }

 private:
  void sample();
  int pid_;
  int interval_ms_;
  long start_kb_ = -1;
  std::atomic<long> peak_kb_{-1};
  long hwm_kb_ = -1;
  std::atomic<bool> running_{false};
  std::thread thread_;
};

}  // namespace zaplify::bench
