#pragma once
// Test-only sdk::FunnelCatalog over the test store: the host's query and rule
// (zaplify/sdk/funnels.h, implemented by core/funnels/), so computations see the definitions the
// server would hand them.
// These tests store only well-formed definitions; malformed rows are tested in core.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "zaplify/sdk/funnels.h"
#include "zaplify/sdk/store.h"

namespace zaplify::metrics::testing {

class TestFunnelCatalog final : public sdk::FunnelCatalog {
 public:
  explicit TestFunnelCatalog(const sdk::Store& store) : store_(store) {}

  std::vector<sdk::FunnelDefinition> current(const std::string& tenant_id) const override {
    std::map<std::string, std::pair<sdk::FunnelDefinition, std::string>> latest;
    store_.query(
        "SELECT funnel_id, name, stages, ts, id FROM events WHERE tenant_id = ? AND type = "
        "'funnel_defined'",
        {tenant_id}, [&](const sdk::Row& r) {
          auto stages = nlohmann::json::parse(r.text(2), nullptr, false);
          if (!stages.is_array() || stages.empty()) return;  // e.g. NULL: skipped, as the host does
          sdk::FunnelDefinition d{std::string(r.text(0)), std::string(r.text(1)),
                                  stages.get<std::vector<std::string>>(), r.int64(3)};
          std::string id(r.text(4));
          auto it = latest.find(d.funnel_id);
          if (it != latest.end() && std::pair(it->second.first.defined_at_ms, it->second.second) >
                                        std::pair(d.defined_at_ms, id))
            return;
          std::string key = d.funnel_id;  // copied: `d` is moved from in the same call
          latest.insert_or_assign(std::move(key), std::pair(std::move(d), std::move(id)));
        });
    std::vector<sdk::FunnelDefinition> out;
    for (auto& [id, p] : latest) out.push_back(std::move(p.first));
    return out;
  }

  std::optional<sdk::FunnelDefinition> find(const std::string& tenant_id,
                                            const std::string& funnel_id) const override {
    for (auto& d : current(tenant_id))
      if (d.funnel_id == funnel_id) return std::move(d);
    return std::nullopt;
  }

 private:
  const sdk::Store& store_;
};

/// The tenant's current definitions, as Host::funnels().current() would give them.
inline std::vector<sdk::FunnelDefinition> current_funnels(const sdk::Store& store,
                                                          const std::string& tenant) {
  return TestFunnelCatalog(store).current(tenant);
}

}  // namespace zaplify::metrics::testing
