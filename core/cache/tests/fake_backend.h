#pragma once
// An in-memory sdk::CacheBackend with the contract's generation semantics, for tests.

#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "zaplify/sdk/cache.h"

namespace zaplify::core::testing {

class FakeBackend : public sdk::CacheBackend {
 public:
  std::string name() const override { return "fake"; }
  sdk::CacheLookup get(const std::string& tenant, const std::string& key) override {
    std::lock_guard lock(mutex_);
    ++gets;
    if (throw_on_get) throw std::runtime_error("backend down");
    sdk::CacheLookup l;
    l.generation = std::to_string(generations_[tenant]);
    auto it = entries_.find({tenant, key});
    if (it != entries_.end() && it->second.generation == l.generation) l.value = it->second.value;
    return l;
  }
  void put(const std::string& tenant, const std::string& key, const std::string& value, int ttl,
           const std::string& generation) override {
    std::lock_guard lock(mutex_);
    ++puts;
    last_ttl = ttl;
    entries_[{tenant, key}] = Entry{value, generation};
  }
  std::int64_t invalidate_tenant(const std::string& tenant) override {
    std::lock_guard lock(mutex_);
    ++generations_[tenant];
    return 0;
  }
  std::int64_t invalidate_all() override {
    std::lock_guard lock(mutex_);
    for (auto& [t, g] : generations_) ++g;
    entries_.clear();
    return 0;
  }
  bool healthy() const override { return !throw_on_get; }

  int gets = 0;
  int puts = 0;
  int last_ttl = 0;
  bool throw_on_get = false;

 private:
  struct Entry {
    std::string value;
    std::string generation;
  };
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, Entry> entries_;
  std::map<std::string, long> generations_;
};

}  // namespace zaplify::core::testing
