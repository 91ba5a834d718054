#pragma once
// The tenant's funnels as currently defined: for each funnel_id, its latest funnel_defined event by
// timestamp; on equal timestamps the greatest event id (byte order) wins, so the choice does not
// depend on arrival order.

#include <cstdint>
#include <string>
#include <vector>

#include "zaplify/sdk/store.h"

namespace zaplify::metrics {

struct FunnelDefinition {
  std::string funnel_id;
  std::string name;
  std::vector<std::string> stages;
  std::int64_t ts = 0;
  std::string event_id;

  const std::string& final_stage() const { return stages.back(); }
};

/// Keeps the current definition of each funnel, dropping those without stages; sorted by funnel_id.
std::vector<FunnelDefinition> current_definitions(std::vector<FunnelDefinition> all);

/// Reads and reduces the tenant's funnel_defined events. Throws sdk::StoreError.
std::vector<FunnelDefinition> load_funnels(const sdk::Store& store, const std::string& tenant);

}  // namespace zaplify::metrics
