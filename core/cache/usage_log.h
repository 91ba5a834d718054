#pragma once
// Which cacheable requests each tenant asks for most: the list warm_tenant replays.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace zaplify::core {

struct RecordedRequest {
  std::string path;
  std::map<std::string, std::string> query;
  std::uint64_t uses = 0;
};

/// Thread-safe. Keeps at most `max_per_tenant` requests per tenant and `max_tenants` tenants;
/// when full, the least used request (or tenant) gives way.
class UsageLog {
 public:
  UsageLog(std::size_t max_per_tenant = 256, std::size_t max_tenants = 4096)
      : max_per_tenant_(max_per_tenant), max_tenants_(max_tenants) {}
  void record(const std::string& tenant, const std::string& path,
              const std::map<std::string, std::string>& query);
  /// Up to `n` requests of the tenant, most used first (ties: by path and query, for stability).
  std::vector<RecordedRequest> top(const std::string& tenant, std::size_t n) const;

 private:
  struct Tenant {
    std::map<std::string, RecordedRequest> requests;  ///< By path + encoded query.
    std::uint64_t total = 0;
  };
  std::size_t max_per_tenant_;
  std::size_t max_tenants_;
  mutable std::mutex mutex_;
  std::map<std::string, Tenant> tenants_;
};

}  // namespace zaplify::core
