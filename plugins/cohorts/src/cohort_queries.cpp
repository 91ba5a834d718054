#include "cohort_queries.h"

#include <unordered_map>

#include "zaplify/sdk/host_tables.h"
#include "zaplify/sdk/http.h"

namespace zaplify::cohorts {

std::vector<Cohort> compute_cohorts(const sdk::Store& store, const sdk::FunnelCatalog& funnels,
                                    const sdk::Calendar& calendar, const std::string& tenant,
                                    const std::string& funnel_id, const sdk::Window& w,
                                    CohortInterval interval) {
  const auto funnel = funnels.find(tenant, funnel_id);
  if (!funnel) throw sdk::not_found("unknown funnel '" + funnel_id + "'", "funnel_id");
  // Each lead's first event into the final stage, at any time before `to` (the by-stage index of
  // stage_events serves it without reading the funnel's other stages).
  std::unordered_map<std::string, std::int64_t> first_final;
  store.query(
      std::string("SELECT lead_id, MIN(ts) FROM ") + sdk::kStageEvents +
          " WHERE tenant_id = ? AND funnel_id = ? AND stage = ? AND ts < ? GROUP BY lead_id",
      {tenant, funnel_id, funnel->stages.back(), w.to_ms},
      [&](const sdk::Row& r) { first_final.emplace(r.text(0), r.int64(1)); });
  CohortTable table(cohort_starts(calendar, w, interval), w.to_ms);
  // A lead belongs to W when its earliest lead_created (of any time) is in W.
  // The host's lead_created_events is ordered by (lead, ts): an index-only, sort-free group-by.
  store.query(std::string("SELECT lead_id, MIN(ts) FROM ") + sdk::kLeadCreatedEvents +
                  " WHERE tenant_id = ? GROUP BY lead_id HAVING MIN(ts) >= ? AND MIN(ts) < ?",
              {tenant, w.from_ms, w.to_ms}, [&](const sdk::Row& r) {
                auto it = first_final.find(std::string(r.text(0)));
                table.add_lead(r.int64(1), it == first_final.end()
                                               ? std::nullopt
                                               : std::optional<std::int64_t>(it->second));
              });
  return table.cohorts();
}

nlohmann::json cohorts_json(const std::vector<Cohort>& cohorts, const sdk::Calendar& calendar,
                            const std::string& tz) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : cohorts) {
    nlohmann::json rates = nlohmann::json::array();
    for (const auto& r : c.rates) rates.push_back(r ? nlohmann::json(*r) : nlohmann::json());
    out.push_back({{"cohort", calendar.format_local(c.start_ms, tz)},
                   {"leads", c.leads},
                   {"converted", c.converted},
                   {"rates", std::move(rates)}});
  }
  return out;
}

void produce_cohort_rows(const sdk::Store& store, const sdk::FunnelCatalog& funnels,
                         const sdk::Calendar& calendar, const sdk::DataSourceRequest& request,
                         sdk::RowSink& sink) {
  const auto id = request.params.find("funnel_id");
  if (id == request.params.end() || id->second.empty())
    throw sdk::invalid_parameter("funnel_id", "funnel_id is required");
  CohortInterval interval = CohortInterval::Week;
  if (request.window.interval == sdk::Interval::Day) interval = CohortInterval::Day;
  if (request.window.interval == sdk::Interval::Hour)
    throw sdk::invalid_parameter("interval", "cohorts take interval day, week or month");
  const auto cohorts = compute_cohorts(store, funnels, calendar, request.tenant_id, id->second,
                                       request.window, interval);
  for (const auto& c : cohorts) {
    const std::string name = calendar.format_local(c.start_ms, request.window.tz);
    for (std::size_t p = 0; p < c.converted.size(); ++p)
      sink.row({name, static_cast<std::int64_t>(p), c.leads, c.converted[p],
                c.rates[p] ? sdk::Value{*c.rates[p]} : sdk::Value{}});
  }
}

}  // namespace zaplify::cohorts
