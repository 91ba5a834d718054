// Entry point of the metrics plugin: KPIs, funnel conversion, assistant performance, real-time
// activity, and the kpi_daily / assistant_performance data sources.

#include "derived_schema.h"
#include "ingest_hook.h"
#include "routes.h"
#include "zaplify/sdk/sdk.h"

namespace zaplify::metrics {

class MetricsPlugin final : public sdk::Plugin {
 public:
  void start(sdk::Host& host) override {
    for (auto& m : all_migrations()) host.migrations().add(std::move(m));
    host.projections().add(derived_tables_projection());
    register_routes(host);
    register_data_sources(host);
  }
};

}  // namespace zaplify::metrics

ZAPLIFY_PLUGIN(zaplify::metrics::MetricsPlugin, "metrics", "1.0.0",
               "KPIs, funnel conversion, assistant performance and real-time activity")
