// Entry point of the metrics plugin: KPIs, funnel conversion, assistant performance, real-time
// activity, and the kpi_daily / assistant_performance data sources.

#include <memory>
#include <stdexcept>

#include "business_schedule.h"
#include "derived_schema.h"
#include "ingest_hook.h"
#include "reply_triggers.h"
#include "routes.h"
#include "zaplify/sdk/sdk.h"

namespace zaplify::metrics {
namespace {

// Read once per load; a reload with a changed `config:` restarts the plugin, so it is read again.
// A bad block throws: the plugin is marked failed with the message (naming the key) in /health
// and the log, and the other plugins keep serving.
std::shared_ptr<const MetricsConfig> read_config(const sdk::Host& host) {
  const sdk::Calendar& calendar = host.calendar();
  const ZoneCheck known_zone = [&calendar](const std::string& tz) {
    try {
      calendar.format_local(0, tz);
      return true;
    } catch (const std::exception&) {
      return false;
    }
  };
  try {
    return std::make_shared<const MetricsConfig>(parse_metrics_config(host.config(), known_zone));
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("metrics config: ") + e.what());
  }
}

}  // namespace

class MetricsPlugin final : public sdk::Plugin {
 public:
  void start(sdk::Host& host) override {
    auto config = read_config(host);
    for (auto& m : all_migrations()) host.migrations().add(std::move(m));
    host.projections().add(derived_tables_projection());
    host.projections().add(reply_triggers_projection());
    register_routes(host, std::move(config));
    register_data_sources(host);
  }
};

}  // namespace zaplify::metrics

ZAPLIFY_PLUGIN(zaplify::metrics::MetricsPlugin, "metrics", "1.0.0",
               "KPIs, funnel conversion, assistant performance and real-time activity")
