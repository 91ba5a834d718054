#include "routes.h"

#include <algorithm>

#include "business_hours.h"
#include "conversion.h"
#include "kpi.h"
#include "performance.h"
#include "realtime.h"
#include "response_schemas.h"
#include "zaplify/sdk/series.h"

namespace zaplify::metrics {
namespace {

using nlohmann::json;

sdk::Response kpi_handler(const sdk::Host& host, const sdk::Request& req) {
  const auto& store = host.store();
  const auto& cal = host.calendar();
  const auto funnels = host.funnels().current(req.tenant_id);  // once for totals and series
  const KpiReport report = compute_kpis(store, req.tenant_id, req.window, funnels);
  json body = {{"kpis", kpis_json(report)},
               {"messages_by_sender", messages_by_sender_json(report.current)}};
  body["active_conversations"] = count_active_conversations(
      store, req.tenant_id, realtime_range(cal.now_ms(), host.settings().realtime_window_minutes));
  const sdk::SeriesBuckets buckets(cal, req.window);
  if (buckets.requested()) {
    const auto series =
        compute_series(store, req.tenant_id, req.window, buckets.starts(), funnels, false);
    body["series"] = buckets.to_json([&](std::size_t i) {
      const auto& b = series[i];
      return json{{"conversations", b.conversations},
                  {"messages", b.messages},
                  {"new_leads", b.new_leads},
                  {"conversions", b.conversions}};
    });
  }
  return sdk::Response::of_json(std::move(body));
}

sdk::Response conversion_handler(const sdk::Host& host, const sdk::Request& req) {
  auto funnels = host.funnels().current(req.tenant_id);
  if (auto id = req.param("funnel_id")) {
    if (id->empty()) throw sdk::invalid_parameter("funnel_id", "funnel_id must not be empty");
    std::erase_if(funnels, [&](const sdk::FunnelDefinition& f) { return f.funnel_id != *id; });
    if (funnels.empty()) throw sdk::not_found("unknown funnel_id: " + *id, "funnel_id");
  }
  json rows = json::array();
  for (const auto& c : compute_conversion(host.store(), req.tenant_id, req.window, funnels))
    rows.push_back(conversion_json(c));
  return sdk::Response::of_json({{"funnels", std::move(rows)}});
}

sdk::Response performance_handler(const sdk::Host& host, const MetricsConfig& config,
                                  const sdk::Request& req) {
  // `hours` is declared with allowed {"business"}: the host has refused any other value.
  const Schedule* schedule = nullptr;
  if (req.param("hours")) {
    schedule = config.business_hours.schedule_for(req.tenant_id);
    if (schedule == nullptr)
      throw sdk::invalid_parameter(
          "hours", "no business hours are configured for tenant '" + req.tenant_id +
                       "': set business_hours.default (or business_hours.tenants." + req.tenant_id +
                       ") in the metrics plugin's config");
  }
  json rows = json::array();
  for (const auto& p : compute_performance(host.store(), req.tenant_id, req.window))
    rows.push_back(performance_json(p));
  json body = {{"assistants", std::move(rows)}};
  if (schedule != nullptr)
    body["business_hours"] = business_hours_json(compute_business_hours(
        host.store(), host.calendar(), req.tenant_id, req.window, *schedule));
  return sdk::Response::of_json(std::move(body));
}

sdk::Response activity_handler(const sdk::Host& host, const sdk::Request& req) {
  const auto& cal = host.calendar();
  const RealtimeRange r = realtime_range(cal.now_ms(), host.settings().realtime_window_minutes);
  const Activity a = compute_activity(host.store(), req.tenant_id, r);
  json minutes = json::array();
  for (const auto& m : a.per_minute)
    minutes.push_back(
        {{"minute", cal.format_utc(m.minute_ms)}, {"messages", m.messages}, {"events", m.events}});
  return sdk::Response::of_json(
      {{"messages", a.messages},
       {"conversations_started", a.conversations_started},
       {"conversations_ended", a.conversations_ended},
       {"stage_changes", a.stage_changes},
       {"active_leads", a.active_leads},
       {"active_conversations", a.active_conversations},
       {"per_minute", std::move(minutes)},
       {"window", {{"from", cal.format_utc(r.from_ms)}, {"to", cal.format_utc(r.now_ms)}}},
       {"data_as_of", cal.format_utc(cal.now_ms())}});
}

sdk::RouteSpec windowed_get(std::string path, std::string summary, std::string description) {
  sdk::RouteSpec s;
  s.method = sdk::Method::Get;
  s.path = std::move(path);
  s.summary = std::move(summary);
  s.description = std::move(description);
  s.tag = "metrics";
  s.cache = sdk::CachePolicy::Standard;
  s.windowed = true;
  return s;
}

}  // namespace

void register_routes(sdk::Host& host, std::shared_ptr<const MetricsConfig> config) {
  sdk::Host* h = &host;
  auto kpi = windowed_get("/metrics/kpi", "Headline KPIs of W with their previous-window values",
                          "Conversations, messages, leads, conversions, response times and "
                          "outcome rates of W, each with W′ and change_pct; `interval` adds a "
                          "series of calendar buckets in `tz`.");
  kpi.response_schema = schemas::kpi_response();
  kpi.handler = [h](const sdk::Request& r) { return kpi_handler(*h, r); };
  host.routes().add(std::move(kpi));

  auto conv = windowed_get("/metrics/conversion", "Conversion of each funnel in W and W′",
                           "entered = distinct leads with any stage change of the funnel in W; "
                           "converted = those with one into its final stage.");
  conv.params.push_back({"funnel_id",
                         sdk::ParamLocation::Query,
                         "string",
                         false,
                         "Only this funnel (404 when unknown)",
                         "",
                         {}});
  conv.response_schema = schemas::conversion_response();
  conv.handler = [h](const sdk::Request& r) { return conversion_handler(*h, r); };
  host.routes().add(std::move(conv));

  auto perf = windowed_get("/metrics/performance", "Per-assistant performance in W",
                           "Conversations, replies, response-time avg/p50/p95, outcome rates and "
                           "tokens per assistant, by conversations desc. `hours=business` adds "
                           "business_hours: response times counting only the tenant's open "
                           "hours (the metrics plugin's business_hours config), per sender.");
  perf.params.push_back({"hours",
                         sdk::ParamLocation::Query,
                         "string",
                         false,
                         "business: also answer business_hours (400 when the tenant has no "
                         "schedule configured)",
                         "",
                         {"business"}});
  perf.response_schema = schemas::performance_response();
  perf.handler = [h, config](const sdk::Request& r) { return performance_handler(*h, *config, r); };
  host.routes().add(std::move(perf));

  sdk::RouteSpec act;
  act.method = sdk::Method::Get;
  act.path = "/analytics/real-time/activity";
  act.summary = "Activity of the last realtime_window_minutes";
  act.description = "Counts over R = [now − realtime_window_minutes, now] and per UTC minute.";
  act.tag = "metrics";
  act.cache = sdk::CachePolicy::Realtime;
  act.response_schema = schemas::activity_response();
  act.handler = [h](const sdk::Request& r) { return activity_handler(*h, r); };
  host.routes().add(std::move(act));
}

}  // namespace zaplify::metrics
