#pragma once
// Orders ingest transactions against projection state changes (catch-up chunks, attach, detach).
//
// Ingest holds the gate shared for the whole write transaction of a chunk; a state change holds it
// exclusively around its own transaction and the in-memory switch that goes with it. So every
// ingest transaction sees one consistent set of active projections, and a projection's recorded
// position in the event log is exact. Writers are preferred: a steady stream of ingest cannot
// starve a catch-up (glibc's rwlock prefers readers by default).

#include <condition_variable>
#include <mutex>

namespace zaplify::core {

/// Thread-safe. Not re-entrant: a thread holding it must not take it again.
class IngestGate {
 public:
  void lock_shared() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return !writer_ && waiting_writers_ == 0; });
    ++readers_;
  }
  void unlock_shared() {
    std::lock_guard lock(mutex_);
    if (--readers_ == 0) cv_.notify_all();
  }
  void lock() {
    std::unique_lock lock(mutex_);
    ++waiting_writers_;
    cv_.wait(lock, [&] { return !writer_ && readers_ == 0; });
    --waiting_writers_;
    writer_ = true;
  }
  void unlock() {
    std::lock_guard lock(mutex_);
    writer_ = false;
    cv_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int readers_ = 0;
  int waiting_writers_ = 0;
  bool writer_ = false;
};

}  // namespace zaplify::core
