#pragma once
// The computations' tests read funnel definitions through the host's own catalog (core/funnels/,
// linked as zaplify_funnel_catalog), so they see exactly what Host::funnels() would give them.

#include <string>
#include <vector>

#include "funnels/funnel_catalog.h"

namespace zaplify::metrics::testing {

/// The tenant's current definitions, as Host::funnels().current() gives them.
inline std::vector<sdk::FunnelDefinition> current_funnels(const sdk::Store& store,
                                                          const std::string& tenant) {
  return core::StoreFunnelCatalog(store).current(tenant);
}

}  // namespace zaplify::metrics::testing
