#pragma once
// A fixed pool of threads with a bounded queue: heavy work runs here, off the Pistache reactors.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace zaplify::core {

/// Thread-safe. Jobs must not throw (an escaping exception is swallowed).
class WorkerPool {
 public:
  /// REQUIRES: threads ≥ 1, queue_size ≥ 0.
  WorkerPool(int threads, int queue_size);
  ~WorkerPool();  ///< stop()s.
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  /// Runs `job` on a worker when one is idle, or queues it while fewer than `queue_size` wait.
  /// Returns false (and drops the job) when every worker is busy and the queue is full, or after
  /// stop().
  bool try_submit(std::function<void()> job);
  /// Runs the queued jobs, then joins the threads. Idempotent.
  void stop();
  int busy() const;

 private:
  void run();
  const int threads_;
  const std::size_t queue_size_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  int busy_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace zaplify::core
