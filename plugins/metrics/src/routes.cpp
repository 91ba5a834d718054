#include "routes.h"

#include <algorithm>

#include "conversion.h"
#include "kpi.h"
#include "performance.h"
#include "realtime.h"
#include "response_schemas.h"

namespace zaplify::metrics {
namespace {

using nlohmann::json;

json kpi_example() {
  const json v = {{"value", 120}, {"previous", 100}, {"change_pct", 20.0}};
  return {{"kpis", {{"conversations", v}, {"messages", v}, {"conversion_rate",
            {{"value", 0.25}, {"previous", nullptr}, {"change_pct", nullptr}}}}},
          {"messages_by_sender", {{"lead", 50}, {"assistant", 60}, {"agent", 10}}},
          {"active_conversations", 3},
          {"series", json::array({{{"bucket", "2026-11-20T00:00:00-03:00"}, {"conversations", 12},
                                   {"messages", 80}, {"new_leads", 5}, {"conversions", 1}}})}};
}

sdk::Response kpi_handler(const sdk::Host& host, const sdk::Request& req) {
  const auto& store = host.store();
  const auto& cal = host.calendar();
  const auto funnels = host.funnels().current(req.tenant_id);  // once for totals and series
  const KpiReport report = compute_kpis(store, req.tenant_id, req.window, funnels);
  json body = {{"kpis", kpis_json(report)},
               {"messages_by_sender", messages_by_sender_json(report.current)}};
  body["active_conversations"] = count_active_conversations(
      store, req.tenant_id,
      realtime_range(cal.now_ms(), host.settings().realtime_window_minutes));
  if (req.window.interval != sdk::Interval::None) {
    const auto starts = cal.bucket_starts(req.window);
    const auto series = compute_series(store, req.tenant_id, req.window, starts, funnels, false);
    json rows = json::array();
    for (const auto& b : series)
      rows.push_back({{"bucket", cal.format_local(b.start, req.window.tz)},
                      {"conversations", b.conversations}, {"messages", b.messages},
                      {"new_leads", b.new_leads}, {"conversions", b.conversions}});
    body["series"] = std::move(rows);
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

sdk::Response performance_handler(const sdk::Host& host, const sdk::Request& req) {
  json rows = json::array();
  for (const auto& p : compute_performance(host.store(), req.tenant_id, req.window))
    rows.push_back(performance_json(p));
  return sdk::Response::of_json({{"assistants", std::move(rows)}});
}

sdk::Response activity_handler(const sdk::Host& host, const sdk::Request& req) {
  const auto& cal = host.calendar();
  const RealtimeRange r = realtime_range(cal.now_ms(), host.settings().realtime_window_minutes);
  const Activity a = compute_activity(host.store(), req.tenant_id, r);
  json minutes = json::array();
  for (const auto& m : a.per_minute)
    minutes.push_back({{"minute", cal.format_utc(m.minute_ms)}, {"messages", m.messages},
                       {"events", m.events}});
  return sdk::Response::of_json(
      {{"messages", a.messages}, {"conversations_started", a.conversations_started},
       {"conversations_ended", a.conversations_ended}, {"stage_changes", a.stage_changes},
       {"active_leads", a.active_leads}, {"active_conversations", a.active_conversations},
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

void register_routes(sdk::Host& host) {
  sdk::Host* h = &host;
  auto kpi = windowed_get("/metrics/kpi", "Headline KPIs of W with their previous-window values",
                          "Conversations, messages, leads, conversions, response times and "
                          "outcome rates of W, each with W′ and change_pct; `interval` adds a "
                          "series of calendar buckets in `tz`.");
  kpi.response_example = kpi_example();
  kpi.response_schema = schemas::kpi_response();
  kpi.handler = [h](const sdk::Request& r) { return kpi_handler(*h, r); };
  host.routes().add(std::move(kpi));

  auto conv = windowed_get("/metrics/conversion", "Conversion of each funnel in W and W′",
                           "entered = distinct leads with any stage change of the funnel in W; "
                           "converted = those with one into its final stage.");
  conv.params.push_back({"funnel_id", sdk::ParamLocation::Query, "string", false,
                         "Only this funnel (404 when unknown)", "", {}});
  conv.response_example = {{"funnels", json::array({{{"funnel_id", "sales"}, {"name", "Sales"},
      {"entered", 40}, {"converted", 10}, {"conversion_rate", 0.25},
      {"previous_conversion_rate", 0.2}, {"change_pts", 5.0}}})}};
  conv.response_schema = schemas::conversion_response();
  conv.handler = [h](const sdk::Request& r) { return conversion_handler(*h, r); };
  host.routes().add(std::move(conv));

  auto perf = windowed_get("/metrics/performance", "Per-assistant performance in W",
                           "Conversations, replies, response-time avg/p50/p95, outcome rates and "
                           "tokens per assistant, by conversations desc.");
  perf.response_example = {{"assistants", json::array({{{"assistant_id", "a1"},
      {"conversations", 30}, {"replies", 210}, {"avg_response_time_ms", 850.0},
      {"p50_response_time_ms", 700.0}, {"p95_response_time_ms", 2100.0},
      {"resolution_rate", 0.6}, {"handoff_rate", 0.2}, {"tokens", 52000}}})}};
  perf.response_schema = schemas::performance_response();
  perf.handler = [h](const sdk::Request& r) { return performance_handler(*h, r); };
  host.routes().add(std::move(perf));

  sdk::RouteSpec act;
  act.method = sdk::Method::Get;
  act.path = "/analytics/real-time/activity";
  act.summary = "Activity of the last realtime_window_minutes";
  act.description = "Counts over R = [now − realtime_window_minutes, now] and per UTC minute.";
  act.tag = "metrics";
  act.cache = sdk::CachePolicy::Realtime;
  act.response_example = {{"messages", 42}, {"conversations_started", 3},
      {"conversations_ended", 1}, {"stage_changes", 2}, {"active_leads", 7},
      {"active_conversations", 5}, {"per_minute", json::array({{{"minute",
      "2026-11-20T17:03:00Z"}, {"messages", 9}, {"events", 11}}})}};
  act.response_schema = schemas::activity_response();
  act.handler = [h](const sdk::Request& r) { return activity_handler(*h, r); };
  host.routes().add(std::move(act));
}

}  // namespace zaplify::metrics
