#pragma once
// Handler tests read funnel definitions through the host's own catalog (core/funnels/, linked as
// zaplify_funnel_catalog), so they see exactly what the server would hand the plugin.

#include "funnels/funnel_catalog.h"

namespace zaplify::funnel::testing {

using TestFunnelCatalog = core::StoreFunnelCatalog;

}  // namespace zaplify::funnel::testing
