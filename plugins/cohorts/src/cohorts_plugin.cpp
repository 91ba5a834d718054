// The cohorts plugin: GET /analytics/cohorts and the `cohorts` data source (docs/api.md, cohorts
// plugin).
// A plugin of its own (README: why): it reads lead creation and one stage of a funnel, not the
// funnel's stage-by-stage scan.

#include "cohort_queries.h"
#include "zaplify/sdk/sdk.h"

namespace zaplify::cohorts {
namespace {

sdk::ParamSpec funnel_param() {
  return {"funnel_id",
          sdk::ParamLocation::Query,
          "string",
          true,
          "The funnel whose final stage counts as converted (404 when unknown)",
          "",
          {}};
}

/// What GET /analytics/cohorts answers (sdk/schema.h); published as CohortsResponse.
sdk::Schema cohorts_schema() {
  namespace s = sdk::schema;
  auto cohort =
      s::object("The leads whose earliest lead_created falls in one bucket")
          .field("cohort", s::timestamp("The bucket's aligned start in tz, with its offset (the "
                                        "first may be before from)"))
          .field("leads", s::integer("Leads of the cohort").with_unit("count"))
          .field("converted",
                 s::array_of(s::integer().with_unit("count"),
                             "converted[p]: of them, in the final stage before the end "
                             "of period p (cumulative); empty when leads is 0"))
          .field("rates",
                 s::array_of(s::number().with_unit("ratio"), "rates[p] = converted[p] / leads"))
          .named("Cohort");
  return s::object("Conversion cohorts of W by lead creation")
      .field("funnel_id", s::string("The funnel whose final stage counts"))
      .field("interval", s::string("The cohort bucket").one_of({"day", "week", "month"}))
      .field("cohorts", s::array_of(cohort, "In bucket order, empty cohorts included"))
      .named("CohortsResponse");
}

class CohortsPlugin final : public sdk::Plugin {
 public:
  void start(sdk::Host& host) override {
    const sdk::Store& store = host.store();
    const sdk::FunnelCatalog& funnels = host.funnels();
    const sdk::Calendar& calendar = host.calendar();

    sdk::RouteSpec route;
    route.path = "/analytics/cohorts";
    route.summary = "Conversion cohorts by lead creation";
    route.description =
        "Leads whose earliest lead_created is in W, grouped by its calendar bucket in tz (the "
        "first may start before from); converted[p] counts those whose first event into the "
        "funnel's final stage came before the end of period p (and before to), rates[p] their "
        "share.";
    route.tag = "cohorts";
    route.windowed = true;
    route.cache = sdk::CachePolicy::Standard;
    // Declared here, the host leaves `interval` to this route (it takes month, unlike the series
    // intervals hour/day/week of docs/api.md, Query parameters).
    route.params = {funnel_param(),
                    {"interval",
                     sdk::ParamLocation::Query,
                     "string",
                     false,
                     "Cohort bucket: calendar days, ISO weeks or calendar months in tz",
                     "week",
                     {"day", "week", "month"}}};
    route.response_schema = cohorts_schema();
    route.handler = [&store, &funnels, &calendar](const sdk::Request& req) {
      const auto funnel_id = req.param("funnel_id");
      if (!funnel_id || funnel_id->empty())
        throw sdk::invalid_parameter("funnel_id", "funnel_id is required");
      const auto interval = parse_cohort_interval(req.param("interval").value_or("week"));
      if (!interval)
        throw sdk::invalid_parameter("interval", "interval must be one of: day, week, month");
      const auto cohorts = compute_cohorts(store, funnels, calendar, req.tenant_id, *funnel_id,
                                           req.window, *interval);
      return sdk::Response::of_json({{"funnel_id", *funnel_id},
                                     {"interval", interval_name(*interval)},
                                     {"cohorts", cohorts_json(cohorts, calendar, req.window.tz)}});
    };
    host.routes().add(std::move(route));

    sdk::DataSourceSpec ds;
    ds.name = "cohorts";
    ds.description = "Conversion cohorts: one row per cohort and period (none for an empty cohort)";
    ds.columns = {
        {"cohort", sdk::ColumnType::Timestamp, "the bucket's aligned start, in tz"},
        {"period", sdk::ColumnType::Integer, "p = 0, 1, ... periods after the cohort's start"},
        {"leads", sdk::ColumnType::Integer, "leads created in the cohort"},
        {"converted", sdk::ColumnType::Integer,
         "of them, in the final stage before the period's end"},
        {"rate", sdk::ColumnType::Number, "converted / leads"}};
    ds.params = {funnel_param()};
    ds.produce = [&store, &funnels, &calendar](const sdk::DataSourceRequest& r, sdk::RowSink& s) {
      produce_cohort_rows(store, funnels, calendar, r, s);
    };
    host.data_sources().add(std::move(ds));
  }
};

}  // namespace
}  // namespace zaplify::cohorts

ZAPLIFY_PLUGIN(zaplify::cohorts::CohortsPlugin, "cohorts", "1.0.0",
               "Conversion cohorts by lead creation (GET /analytics/cohorts)")

// Takes no `config:` keys: an empty declaration refuses any (a typo is not silently ignored).
ZAPLIFY_PLUGIN_CONFIG(zaplify::sdk::ConfigSpec)
