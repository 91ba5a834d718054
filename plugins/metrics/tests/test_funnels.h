#pragma once
// The computations' tests read funnel definitions through the server's own catalog (the test
// kit's funnel_catalog), so they see exactly what Host::funnels() would give them.

#include <string>
#include <vector>

#include "zaplify/testkit/fake_host.h"

namespace zaplify::metrics::testing {

/// The tenant's current definitions, as Host::funnels().current() gives them.
inline std::vector<sdk::FunnelDefinition> current_funnels(const sdk::Store& store,
                                                          const std::string& tenant) {
  return testkit::funnel_catalog(store)->current(tenant);
}

}  // namespace zaplify::metrics::testing
