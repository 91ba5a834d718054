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

ZoneCheck zone_check_of(const sdk::Calendar& calendar) {
  return [&calendar](const std::string& tz) {
    try {
      calendar.format_local(0, tz);
      return true;
    } catch (const std::exception&) {
      return false;
    }
  };
}

// Read once per load; a reload with a changed `config:` restarts the plugin, so it is read again.
// The host has checked the block with metrics_config() before (a bad one never gets here).
std::shared_ptr<const MetricsConfig> read_config(const sdk::Host& host) {
  return std::make_shared<const MetricsConfig>(
      parse_metrics_config(host.config(), zone_check_of(host.calendar())));
}

sdk::Schema schedule_schema(std::string description) {
  namespace s = sdk::schema;
  auto spans = s::array_of(s::string("\"HH:MM-HH:MM\", local time, end after start"));
  auto days = s::object("Open hours by weekday; a day not listed is closed");
  for (const char* day : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"})
    days.optional_field(day, spans);
  return s::object(std::move(description))
      .field("tz", s::string("IANA time zone of the hours, e.g. America/Sao_Paulo"))
      .field("days", days)
      .optional_field("holidays", s::array_of(s::date(), "Local dates closed all day").or_null());
}

/// The `config:` block: business hours for GET /metrics/performance?hours=business.
sdk::ConfigSpec metrics_config() {
  namespace s = sdk::schema;
  sdk::ConfigSpec spec;
  spec.keys = {{"business_hours",
                s::object("Office hours: replies count only the time the office is open "
                          "(/metrics/performance?hours=business; absent: that option answers 400)")
                    .field("default", schedule_schema("Schedule of every tenant not listed"))
                    .optional_field("tenants", s::map_of(schedule_schema("A tenant's own schedule"),
                                                         "Schedules by tenant_id")
                                                   .or_null())
                    .or_null(),
                ""}};
  spec.check = sdk::check_by_parsing(
      [](const nlohmann::json& block, const sdk::ConfigCheckContext& context) {
        parse_metrics_config(block, zone_check_of(context.calendar));
      });
  return spec;
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
ZAPLIFY_PLUGIN_CONFIG(zaplify::metrics::metrics_config)
