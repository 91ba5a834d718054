#pragma once
// Route and data-source declarations of the metrics plugin. The handlers only compute; the host
// does auth, tenancy, window parsing, caching and error envelopes.

#include <memory>

#include "business_schedule.h"
#include "zaplify/sdk/plugin.h"

namespace zaplify::metrics {

/// Registers the four routes. `host` must outlive the routes (it does: until stop()); the
/// handlers share `config` (read-only).
void register_routes(sdk::Host& host, std::shared_ptr<const MetricsConfig> config);

/// Registers kpi_daily and assistant_performance.
void register_data_sources(sdk::Host& host);

}  // namespace zaplify::metrics
