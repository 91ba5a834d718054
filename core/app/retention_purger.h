#pragma once
// A background thread that deletes events older than metrics.retention_days, every
// metrics.purge_interval_seconds (the first run right after start-up).

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace zaplify::core {

class RetentionPurger {
 public:
  /// `purge(cutoff_ms)` deletes what is older and returns the count; `now_ms()` is the clock.
  RetentionPurger(std::function<std::int64_t(std::int64_t)> purge,
                  std::function<std::int64_t()> now_ms, int retention_days, int interval_seconds);
  /// Stops and joins.
  ~RetentionPurger();
  /// Starts the thread; no-op when interval_seconds is 0.
  void start();
  /// Wakes the thread, waits for a purge in progress, joins. Idempotent.
  void stop();

 private:
  void loop();

  std::function<std::int64_t(std::int64_t)> purge_;
  std::function<std::int64_t()> now_ms_;
  int retention_days_;
  int interval_seconds_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace zaplify::core
