#include "cache/usage_log.h"

#include <algorithm>

namespace zaplify::core {

void UsageLog::record(const std::string& tenant, const std::string& path,
                      const std::map<std::string, std::string>& query) {
  std::string id = path;
  for (const auto& [k, v] : query) {
    id += '\x1f';
    id += k;
    id += '\x1e';
    id += v;
  }
  std::lock_guard lock(mutex_);
  auto t = tenants_.find(tenant);
  if (t == tenants_.end()) {
    if (tenants_.size() >= max_tenants_) {
      auto victim = std::min_element(
          tenants_.begin(), tenants_.end(),
          [](const auto& a, const auto& b) { return a.second.total < b.second.total; });
      tenants_.erase(victim);
    }
    t = tenants_.emplace(tenant, Tenant{}).first;
  }
  Tenant& entry = t->second;
  ++entry.total;
  auto r = entry.requests.find(id);
  if (r != entry.requests.end()) {
    ++r->second.uses;
    return;
  }
  if (entry.requests.size() >= max_per_tenant_) {
    auto victim = std::min_element(
        entry.requests.begin(), entry.requests.end(),
        [](const auto& a, const auto& b) { return a.second.uses < b.second.uses; });
    entry.requests.erase(victim);
  }
  entry.requests.emplace(id, RecordedRequest{path, query, 1});
}

std::vector<RecordedRequest> UsageLog::top(const std::string& tenant, std::size_t n) const {
  std::vector<std::pair<std::string, RecordedRequest>> all;
  {
    std::lock_guard lock(mutex_);
    auto t = tenants_.find(tenant);
    if (t == tenants_.end()) return {};
    all.assign(t->second.requests.begin(), t->second.requests.end());
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const auto& a, const auto& b) { return a.second.uses > b.second.uses; });
  std::vector<RecordedRequest> out;
  for (std::size_t i = 0; i < all.size() && i < n; ++i) out.push_back(std::move(all[i].second));
  return out;
}

}  // namespace zaplify::core
