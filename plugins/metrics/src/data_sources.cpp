// kpi_daily and assistant_performance: the same computations as the routes, as typed rows.

#include "kpi.h"
#include "performance.h"
#include "routes.h"

namespace zaplify::metrics {
namespace {

sdk::Value maybe(std::optional<double> v) { return v ? sdk::Value{*v} : sdk::Value{}; }

void produce_kpi_daily(const sdk::Host& host, const sdk::DataSourceRequest& req,
                       sdk::RowSink& sink) {
  const auto& cal = host.calendar();
  sdk::Window w = req.window;
  w.interval = sdk::Interval::Day;
  const auto starts = cal.day_starts(w);
  const auto rows = compute_series(host.store(), req.tenant_id, w, starts,
                                   host.funnels().current(req.tenant_id), true);
  for (const auto& b : rows) {
    sink.row({cal.local_date(b.start, w.tz), b.conversations, b.messages, b.new_leads,
              b.conversions, maybe(b.avg_response_time())});
  }
}

void produce_performance(const sdk::Host& host, const sdk::DataSourceRequest& req,
                         sdk::RowSink& sink) {
  for (const auto& p : compute_performance(host.store(), req.tenant_id, req.window)) {
    sink.row({p.assistant_id, p.conversations, p.replies, maybe(p.response.avg),
              maybe(p.response.p50), maybe(p.response.p95), maybe(p.resolution_rate()),
              maybe(p.handoff_rate()), p.tokens});
  }
}

}  // namespace

void register_data_sources(sdk::Host& host) {
  using T = sdk::ColumnType;
  const sdk::Host* h = &host;
  sdk::DataSourceSpec daily;
  daily.name = "kpi_daily";
  daily.description = "Headline KPIs per local day of W in tz (all-zero days included)";
  daily.columns = {
      {"date", T::Date, "Local day in tz", "", false},
      {"conversations", T::Integer, "Conversations whose earliest start is that day", "count",
       false},
      {"messages", T::Integer, "Messages", "count", false},
      {"new_leads", T::Integer, "Distinct leads created", "count", false},
      {"conversions", T::Integer, "Distinct leads into a funnel's final stage", "count", false},
      {"avg_response_time_ms", T::Number, "Mean assistant response time", "ms"}};
  daily.produce = [h](const sdk::DataSourceRequest& r, sdk::RowSink& s) {
    produce_kpi_daily(*h, r, s);
  };
  host.data_sources().add(std::move(daily));

  sdk::DataSourceSpec perf;
  perf.name = "assistant_performance";
  perf.description = "Per-assistant performance in W (as GET /metrics/performance)";
  perf.columns = {{"assistant_id", T::String, "Assistant", "", false},
                  {"conversations", T::Integer, "Conversations started in W", "count", false},
                  {"replies", T::Integer, "Assistant messages in W", "count", false},
                  {"avg_response_time_ms", T::Number, "Mean response time of the replies", "ms"},
                  {"p50_response_time_ms", T::Number, "Median response time", "ms"},
                  {"p95_response_time_ms", T::Number, "95th percentile response time", "ms"},
                  {"resolution_rate", T::Number, "Resolved / ended in W", "ratio"},
                  {"handoff_rate", T::Number, "Handed off / ended in W", "ratio"},
                  {"tokens", T::Integer, "Tokens of the replies", "tokens", false}};
  perf.produce = [h](const sdk::DataSourceRequest& r, sdk::RowSink& s) {
    produce_performance(*h, r, s);
  };
  host.data_sources().add(std::move(perf));
}

}  // namespace zaplify::metrics
