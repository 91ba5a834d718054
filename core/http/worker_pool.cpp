#include "http/worker_pool.h"

#include <algorithm>

namespace zaplify::core {

WorkerPool::WorkerPool(int threads, int queue_size)
    : threads_(std::max(1, threads)),
      queue_size_(static_cast<std::size_t>(std::max(0, queue_size))) {
  workers_.reserve(static_cast<std::size_t>(threads_));
  for (int i = 0; i < threads_; ++i) workers_.emplace_back([this] { run(); });
}

WorkerPool::~WorkerPool() { stop(); }

bool WorkerPool::try_submit(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    // Idle workers take jobs straight from the queue, so the bound counts only real waiting.
    std::size_t idle = static_cast<std::size_t>(threads_ - busy_);
    if (queue_.size() >= idle + queue_size_) return false;
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

void WorkerPool::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      job = std::move(queue_.front());
      queue_.pop_front();
      ++busy_;
    }
    try {
      job();
    } catch (...) {
    }
    std::lock_guard lock(mutex_);
    --busy_;
  }
}

void WorkerPool::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_)
    if (t.joinable()) t.join();
  workers_.clear();
}

int WorkerPool::busy() const {
  std::lock_guard lock(mutex_);
  return busy_;
}

}  // namespace zaplify::core
