// The retiring half of PluginManager: waiting for plugins to fall idle, stop() and unload.
#include <spdlog/spdlog.h>

#include <atomic>

#include "plugins/plugin_instance.h"
#include "plugins/plugin_manager.h"

namespace zaplify::core {

void PluginManager::retire(std::shared_ptr<Instance> inst) {
  inst->release_registrations();
  std::lock_guard lock(reaper_mutex_);
  retiring_.push_back(std::move(inst));
  reaper_cv_.notify_all();
}

void PluginManager::reaper_loop() {
  std::unique_lock lock(reaper_mutex_);
  while (true) {
    if (retiring_.empty()) {
      if (stopping_) return;
      reaper_cv_.wait(lock);
      continue;
    }
    std::vector<std::shared_ptr<Instance>> idle;
    for (auto it = retiring_.begin(); it != retiring_.end();) {
      // Only we hold the library: no snapshot, request, hook or backend refers to it any more,
      // and none can appear (copies are made only from existing holders).
      if ((*it)->lp.use_count() == 1) {
        idle.push_back(std::move(*it));
        it = retiring_.erase(it);
      } else {
        ++it;
      }
    }
    if (idle.empty()) {
      reaper_cv_.wait_for(lock, std::chrono::milliseconds(10));
      continue;
    }
    in_teardown_ += static_cast<int>(idle.size());
    lock.unlock();
    std::atomic_thread_fence(std::memory_order_acquire);
    for (auto& inst : idle) {
      inst->lp->plugin().stop();
      spdlog::info("plugin '{}' stopped and unloaded", inst->name);
      inst.reset();
    }
    lock.lock();
    in_teardown_ -= static_cast<int>(idle.size());
    reaper_cv_.notify_all();
  }
}

bool PluginManager::wait_retired(std::chrono::milliseconds timeout) {
  std::unique_lock lock(reaper_mutex_);
  return reaper_cv_.wait_for(lock, timeout, [&] { return retiring_.empty() && in_teardown_ == 0; });
}

void PluginManager::stop_all(std::chrono::milliseconds drain) {
  std::lock_guard apply_lock(apply_mutex_);
  if (stopped_all_) return;
  std::vector<std::shared_ptr<Instance>> leaving;
  {
    std::lock_guard lock(state_mutex_);
    for (auto& [name, slot] : slots_)
      if (slot.instance) {
        leaving.push_back(std::move(slot.instance));
        slot.status.status = "disabled";
      }
  }
  publish_locked();
  for (auto& inst : leaving) retire(std::move(inst));
  if (!wait_retired(drain)) {
    // Deliberately never unloaded: a request still runs its code, and unloading would crash it.
    static auto* kept_loaded = new std::vector<std::shared_ptr<Instance>>();
    std::lock_guard lock(reaper_mutex_);
    for (auto& inst : retiring_) {
      spdlog::warn("plugin '{}' still in use after the drain; left loaded", inst->name);
      kept_loaded->push_back(std::move(inst));
    }
    retiring_.clear();
  }
  {
    std::lock_guard lock(reaper_mutex_);
    stopping_ = true;
    reaper_cv_.notify_all();
  }
  if (reaper_.joinable()) reaper_.join();
  stopped_all_ = true;
}

}  // namespace zaplify::core
