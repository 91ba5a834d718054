#include "funnel_service.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "funnel_breakdown.h"
#include "funnel_definition.h"
#include "funnel_report.h"
#include "funnel_scan.h"
#include "sankey_svg.h"

namespace zaplify::funnel {

namespace {

ScanOptions window_options(const sdk::Window& w) {
  ScanOptions o;
  o.from_ms = w.from_ms;
  o.to_ms = w.to_ms;
  return o;
}

// conversion_window_days is an integer 1–365 (docs/api.md, Stage report); absent, any event in W
// counts.
std::optional<std::int64_t> conversion_window_ms(const std::optional<std::string>& raw) {
  if (!raw) return std::nullopt;
  std::int64_t days = 0;
  auto [p, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), days);
  if (ec != std::errc() || p != raw->data() + raw->size() || days < 1 || days > 365)
    throw sdk::invalid_parameter("conversion_window_days",
                                 "conversion_window_days must be an integer from 1 to 365");
  return days * 86'400'000;
}

std::optional<std::string> find_param(const std::map<std::string, std::string>& params,
                                      const std::string& name) {
  auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  return it->second;
}

template <typename T>
sdk::Value opt_value(const std::optional<T>& v) {
  if (!v) return sdk::Value{};
  return sdk::Value{*v};
}

}  // namespace

sdk::Response FunnelService::list(const sdk::Request& req) const {
  nlohmann::json funnels = nlohmann::json::array();
  for (const auto& f : funnels_.current(req.tenant_id))
    funnels.push_back({{"funnel_id", f.funnel_id}, {"name", f.name}, {"stages", f.stages}});
  return sdk::Response::of_json({{"funnels", std::move(funnels)}});
}

sdk::Response FunnelService::report(const sdk::Request& req) const {
  ScanOptions o = window_options(req.window);
  o.conversion_window_ms = conversion_window_ms(req.param("conversion_window_days"));
  const auto funnel = require_funnel(funnels_, req.tenant_id, req.path_param("funnel_id"));
  const auto by = parse_breakdown(req.param("breakdown"));
  o.collect_leads = by.has_value();
  auto scan = scan_funnel(store_, req.tenant_id, funnel, o);
  const auto rows = stage_rows(funnel, scan);
  auto body = funnel_json(funnel, rows, scan);
  body["time_to_convert"] = time_to_convert_json(scan);
  if (by)
    body["breakdown"] = breakdown_json(
        funnel.stages,
        break_down(scan.leads, lead_attribute(store_, req.tenant_id, *by), funnel.stages.size()));
  return sdk::Response::of_json(std::move(body));
}

sdk::Response FunnelService::flow(const sdk::Request& req) const {
  const std::string format = req.param("format").value_or("json");
  if (format != "json" && format != "svg")
    throw sdk::invalid_parameter("format", "format must be 'json' or 'svg'");
  const auto funnel = require_funnel(funnels_, req.tenant_id, req.path_param("funnel_id"));
  const auto scan = scan_funnel(store_, req.tenant_id, funnel, window_options(req.window));
  if (format == "svg")
    return sdk::Response::of_text(render_sankey_svg(funnel, scan), "image/svg+xml; charset=utf-8");
  return sdk::Response::of_json(flow_json(funnel, scan));
}

sdk::Response FunnelService::bottlenecks(const sdk::Request& req) const {
  const auto funnel = require_funnel(funnels_, req.tenant_id, req.path_param("funnel_id"));
  ScanOptions o = window_options(req.window);
  o.previous_from_ms = req.window.previous_from_ms();
  auto scan = scan_funnel(store_, req.tenant_id, funnel, o);
  const auto rows = stage_rows(funnel, scan);
  return sdk::Response::of_json(bottlenecks_json(funnel, analyse_bottlenecks(rows, scan)));
}

sdk::Response FunnelService::dropped(const sdk::Request& req) const {
  const auto stage = req.param("stage");
  if (!stage || stage->empty()) throw sdk::invalid_parameter("stage", "stage is required");
  const std::int64_t limit = req.limit(100, 1000);
  const auto funnel = require_funnel(funnels_, req.tenant_id, req.path_param("funnel_id"));
  const auto it = std::find(funnel.stages.begin(), funnel.stages.end(), *stage);
  if (it == funnel.stages.end())
    throw sdk::invalid_parameter(
        "stage", "'" + *stage + "' is not a stage of funnel '" + funnel.funnel_id + "'");
  const auto k = static_cast<std::size_t>(it - funnel.stages.begin());
  if (k + 1 == funnel.stages.size())
    throw sdk::invalid_parameter("stage",
                                 "'" + *stage + "' is the final stage: no lead can drop from it");
  ScanOptions o = window_options(req.window);
  o.dropped_stage = static_cast<int>(k);
  auto scan = scan_funnel(store_, req.tenant_id, funnel, o);
  auto& leads = scan.dropped;
  const auto newest_first = [](const DroppedLead& a, const DroppedLead& b) {
    if (a.last_stage_at_ms != b.last_stage_at_ms) return a.last_stage_at_ms > b.last_stage_at_ms;
    return a.lead_id < b.lead_id;
  };
  const std::size_t shown = std::min(leads.size(), static_cast<std::size_t>(limit));
  std::partial_sort(leads.begin(), leads.begin() + static_cast<std::ptrdiff_t>(shown), leads.end(),
                    newest_first);
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t i = 0; i < shown; ++i)
    out.push_back({{"lead_id", leads[i].lead_id},
                   {"last_stage_at", calendar_.format_utc(leads[i].last_stage_at_ms)}});
  return sdk::Response::of_json({{"funnel_id", funnel.funnel_id},
                                 {"stage", *stage},
                                 {"next_stage", funnel.stages[k + 1]},
                                 {"leads", std::move(out)},
                                 {"limit", limit},
                                 {"total", leads.size()}});
}

std::vector<sdk::Column> FunnelService::stage_columns() {
  using sdk::ColumnType;
  return {
      {"stage", ColumnType::String, "Stage name"},
      {"index", ColumnType::Integer, "0-based position in the funnel"},
      {"count", ColumnType::Integer, "Leads that reached the stage in the window"},
      {"conversion_from_previous", ColumnType::Number, "count / previous stage's count"},
      {"conversion_from_start", ColumnType::Number, "count / first stage's count"},
      {"drop_off", ColumnType::Integer, "count − next stage's count (null for the last)"},
      {"median_hours_to_next", ColumnType::Number,
       "Median hours to reach a later stage (null in breakdown rows)"},
      {"breakdown_value", ColumnType::String,
       "The lead attribute's value of this row (null: leads without one)", "", true, "breakdown"}};
}

void FunnelService::produce_stages(const sdk::DataSourceRequest& req, sdk::RowSink& sink) const {
  const auto id = req.params.find("funnel_id");
  if (id == req.params.end() || id->second.empty())
    throw sdk::invalid_parameter("funnel_id", "funnel_id is required");
  ScanOptions o = window_options(req.window);
  o.conversion_window_ms = conversion_window_ms(find_param(req.params, "conversion_window_days"));
  const auto by = parse_breakdown(find_param(req.params, "breakdown"));
  o.collect_leads = by.has_value();
  const auto funnel = require_funnel(funnels_, req.tenant_id, id->second);
  auto scan = scan_funnel(store_, req.tenant_id, funnel, o);
  std::vector<sdk::Value> cells(8);
  auto emit = [&](const std::vector<StageRow>& rows) {
    for (const auto& r : rows) {
      cells[0] = r.stage;
      cells[1] = std::int64_t{r.index};
      cells[2] = r.count;
      cells[3] = opt_value(r.conversion_from_previous);
      cells[4] = opt_value(r.conversion_from_start);
      cells[5] = opt_value(r.drop_off);
      cells[6] = opt_value(r.median_hours_to_next);
      sink.row(cells);
    }
  };
  if (!by) return emit(stage_rows(funnel, scan));
  // One block of stage rows per value, in the report's breakdown order.
  for (const auto& entry :
       break_down(scan.leads, lead_attribute(store_, req.tenant_id, *by), funnel.stages.size())) {
    cells[7] = entry.value ? sdk::Value{*entry.value} : sdk::Value{};
    emit(count_rows(funnel, entry.counts));
  }
}

}  // namespace zaplify::funnel
