#include "app/retention_purger.h"

#include <spdlog/spdlog.h>

namespace zaplify::core {

RetentionPurger::RetentionPurger(std::function<std::int64_t(std::int64_t)> purge,
                                 std::function<std::int64_t()> now_ms, int retention_days,
                                 int interval_seconds)
    : purge_(std::move(purge)),
      now_ms_(std::move(now_ms)),
      retention_days_(retention_days),
      interval_seconds_(interval_seconds) {}

RetentionPurger::~RetentionPurger() { stop(); }

void RetentionPurger::start() {
  if (interval_seconds_ <= 0 || thread_.joinable()) return;
  thread_ = std::thread([this] { loop(); });
}

void RetentionPurger::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RetentionPurger::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    try {
      std::int64_t cutoff = now_ms_() - static_cast<std::int64_t>(retention_days_) * 86400000;
      std::int64_t deleted = purge_(cutoff);
      if (deleted > 0) spdlog::info("retention purge deleted {} events", deleted);
    } catch (const std::exception& e) {
      spdlog::warn("retention purge failed (will retry): {}", e.what());
    }
    lock.lock();
    cv_.wait_for(lock, std::chrono::seconds(interval_seconds_), [this] { return stopping_; });
  }
}

}  // namespace zaplify::core
