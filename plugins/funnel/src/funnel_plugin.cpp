// The funnel plugin's entry point: registers its routes and the `funnel_stages` data source.

#include <memory>

#include "funnel_service.h"
#include "response_schemas.h"
#include "stage_events_table.h"
#include "zaplify/sdk/sdk.h"

namespace zaplify::funnel {

namespace {

sdk::ParamSpec funnel_id_param() {
  return {"funnel_id", sdk::ParamLocation::Path, "string", true, "The funnel's id", "", {}};
}

sdk::ParamSpec breakdown_param() {
  return {
      "breakdown",
      sdk::ParamLocation::Query,
      "string",
      false,
      "Split the stage counts by the lead's source (its earliest lead_created), or the channel or "
      "assistant_id of its earliest-starting conversation",
      "",
      {"source", "channel", "assistant_id"}};
}

sdk::ParamSpec conversion_window_param() {
  return {"conversion_window_days",
          sdk::ParamLocation::Query,
          "integer",
          false,
          "Conversion window D (1-365): a lead reaches a stage only by an event within D days of "
          "its first stage change in the window; without it, any event in the window",
          "",
          {}};
}

sdk::RouteSpec analytics_get(std::string path, std::string summary, std::string description) {
  sdk::RouteSpec r;
  r.method = sdk::Method::Get;
  r.path = std::move(path);
  r.summary = std::move(summary);
  r.description = std::move(description);
  r.tag = "funnel";
  r.cache = sdk::CachePolicy::Standard;
  r.windowed = true;
  return r;
}

}  // namespace

class FunnelPlugin final : public sdk::Plugin {
 public:
  void start(sdk::Host& host) override {
    // The scans read the host's stage_events (sdk/host_tables.h): nothing derived to keep here.
    host.migrations().add(retire_stage_events_table());

    service_ = std::make_shared<FunnelService>(host.store(), host.funnels(), host.calendar());
    auto svc = service_;  // handlers share ownership: they never outlive the host's references
    auto& routes = host.routes();

    auto list = analytics_get("/analytics/funnels", "List the tenant's funnels",
                              "Each funnel with its current definition (its latest funnel_defined "
                              "event by timestamp; ties by the greater event id).");
    list.response_schema = schemas::list_response();
    list.handler = [svc](const sdk::Request& r) { return svc->list(r); };
    routes.add(std::move(list));

    auto report = analytics_get(
        "/analytics/funnel/{funnel_id}", "Funnel stage counts and conversion",
        "Leads that reached each stage in the window (a later stage implies "
        "the earlier ones), conversions, drop-off, median hours to the "
        "next stage, and time_to_convert (hours from a lead's first stage "
        "change in the window to the final stage, with a histogram); with breakdown, the "
        "stage counts per source, channel or assistant.");
    report.params = {funnel_id_param(), conversion_window_param(), breakdown_param()};
    report.response_schema = schemas::report_response();
    report.handler = [svc](const sdk::Request& r) { return svc->report(r); };
    routes.add(std::move(report));

    auto flow =
        analytics_get("/analytics/funnel/{funnel_id}/conversion-flow",
                      "Conversion flow between stages (JSON or SVG Sankey)",
                      "Per lead, its stage changes in the window in (timestamp, id) order; "
                      "links count consecutive stage pairs, `(exit)` the leads that stopped "
                      "before the final stage. format=svg draws it as a Sankey diagram.");
    flow.params = {funnel_id_param(),
                   {"format",
                    sdk::ParamLocation::Query,
                    "string",
                    false,
                    "Response format",
                    "json",
                    {"json", "svg"}}};
    flow.response_schema = schemas::flow_response();
    flow.other_responses = {schemas::flow_svg()};
    flow.handler = [svc](const sdk::Request& r) { return svc->flow(r); };
    routes.add(std::move(flow));

    auto bottlenecks = analytics_get(
        "/analytics/funnel/{funnel_id}/bottlenecks", "Funnel bottlenecks with evidence",
        "Each transition's conversion against the previous window (pooled two-proportion z-test), "
        "median hours in stage, flags and a recommendation for flagged transitions.");
    bottlenecks.params = {funnel_id_param()};
    bottlenecks.response_schema = schemas::bottlenecks_response();
    bottlenecks.handler = [svc](const sdk::Request& r) { return svc->bottlenecks(r); };
    routes.add(std::move(bottlenecks));

    auto dropped = analytics_get("/analytics/funnel/{funnel_id}/dropped",
                                 "Leads that reached a stage but not the next one",
                                 "Newest first by the lead's latest event into the stage in the "
                                 "window. The final stage is refused (400): nobody drops from it.");
    dropped.params = {funnel_id_param(),
                      {"stage",
                       sdk::ParamLocation::Query,
                       "string",
                       true,
                       "A stage of the funnel other than the final one",
                       "",
                       {}},
                      {"limit",
                       sdk::ParamLocation::Query,
                       "integer",
                       false,
                       "Maximum leads listed (1-1000)",
                       "100",
                       {},
                       1,
                       1000}};
    dropped.response_schema = schemas::dropped_response();
    dropped.handler = [svc](const sdk::Request& r) { return svc->dropped(r); };
    routes.add(std::move(dropped));

    sdk::DataSourceSpec ds;
    ds.name = "funnel_stages";
    ds.description = "One row per stage of a funnel over the window: the funnel report's columns.";
    ds.columns = FunnelService::stage_columns();
    ds.params = {
        {"funnel_id", sdk::ParamLocation::Query, "string", true, "The funnel's id", "", {}},
        conversion_window_param(),
        breakdown_param()};
    ds.produce = [svc](const sdk::DataSourceRequest& r, sdk::RowSink& s) {
      svc->produce_stages(r, s);
    };
    host.data_sources().add(std::move(ds));
  }

  void stop() noexcept override { service_.reset(); }

 private:
  std::shared_ptr<FunnelService> service_;
};

}  // namespace zaplify::funnel

ZAPLIFY_PLUGIN(zaplify::funnel::FunnelPlugin, "funnel", "1.0.0",
               "Funnels: stage conversion, conversion flow (Sankey), bottlenecks, dropped leads")

// Takes no `config:` keys: an empty declaration refuses any (a typo is not silently ignored).
ZAPLIFY_PLUGIN_CONFIG(zaplify::sdk::ConfigSpec)
