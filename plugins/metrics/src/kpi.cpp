#include "kpi.h"

#include "distinct_set.h"
#include "rollup.h"
#include "sql.h"

namespace zaplify::metrics {
namespace {

void fill_totals(UnitSums& u, KpiTotals& t) {
  t.messages = u.msg;
  t.lead_messages = u.msg_lead;
  t.assistant_messages = u.msg_assistant;
  t.agent_messages = u.msg_agent;
  t.agent_avg_response = ratio(u.rt_agent_sum, static_cast<double>(u.rt_agent_n));
  t.conversations = u.started;
  t.ended = u.ended;
  t.resolved = u.resolved;
  t.handoff = u.handoff;
  t.assistant_response = describe(u.rt_values);
}

// Everything per unit of W′ and W in one pass over metrics_units (a few thousand rows, the
// response times packed per unit) plus exact reads of the cut units at the edges.
void count_units(const sdk::Store& store, const std::string& tenant, const sdk::Window& w,
                 KpiReport& r) {
  auto sums = rollup_buckets(store, tenant, w.previous_from_ms(), w.to_ms,
                             {w.previous_from_ms(), w.from_ms}, true);
  fill_totals(sums[0], r.previous);
  fill_totals(sums[1], r.current);
}

// New leads and conversions as distinct lead counts of W and W′, each one index range of a
// narrow derived table; conversions take every funnel's final stage in one UNION ALL and are
// deduplicated here, so a lead converting in two funnels counts once.
void count_leads(const sdk::Store& store, const std::string& tenant, const sdk::Window& w,
                 const std::vector<sdk::FunnelDefinition>& funnels, KpiReport& r) {
  const std::int64_t f = w.from_ms;
  // A lead counts once, at its first occurrence in the window: the one whose previous
  // occurrence (prev_ts, kept by the hook) is before the window or absent. No DISTINCT needed.
  const std::int64_t pf = w.previous_from_ms();
  auto n = query_ints(store,
                      "SELECT SUM(CASE WHEN ts >= ? AND (prev_ts IS NULL OR prev_ts < ?) THEN 1 "
                      "ELSE 0 END), SUM(CASE WHEN ts < ? AND (prev_ts IS NULL OR prev_ts < ?) "
                      "THEN 1 ELSE 0 END) FROM metrics_lead_created WHERE tenant_id = ? AND "
                      "ts >= ? AND ts < ?",
                      {f, f, f, pf, tenant, pf, w.to_ms});
  if (n.size() == 2) {
    r.current.new_leads = n[0];
    r.previous.new_leads = n[1];
  }
  Params params;
  const std::string finals =
      final_stage_rows(funnels, tenant, w.previous_from_ms(), w.to_ms, params);
  if (finals.empty()) return;
  DistinctIds cur, prev;
  store.query(finals, params,
              [&](const sdk::Row& row) { (row.int64(0) >= f ? cur : prev).insert(row.text(1)); });
  r.current.conversions = cur.size();
  r.previous.conversions = prev.size();
}

std::optional<double> share(std::int64_t part, std::int64_t whole) {
  return ratio(static_cast<double>(part), static_cast<double>(whole));
}

}  // namespace

std::string final_stage_rows(const std::vector<sdk::FunnelDefinition>& funnels,
                             const std::string& tenant, std::int64_t from, std::int64_t to,
                             std::vector<sdk::Value>& params) {
  std::string sql;
  for (const auto& f : funnels) {
    if (!sql.empty()) sql += " UNION ALL ";
    sql +=
        "SELECT ts, lead_id FROM stage_events WHERE tenant_id = ? AND funnel_id = ? AND "
        "stage = ? AND ts >= ? AND ts < ? AND lead_id <> ''";
    params.insert(params.end(), {tenant, f.funnel_id, f.stages.back(), from, to});
  }
  return sql;
}

KpiReport compute_kpis(const sdk::Store& store, const std::string& tenant, const sdk::Window& w,
                       const std::vector<sdk::FunnelDefinition>& funnels) {
  KpiReport r;
  count_units(store, tenant, w, r);
  count_leads(store, tenant, w, funnels, r);
  return r;
}

nlohmann::json kpis_json(const KpiReport& r) {
  const KpiTotals& c = r.current;
  const KpiTotals& p = r.previous;
  return {
      {"conversations", count_with_history(c.conversations, p.conversations)},
      {"messages", count_with_history(c.messages, p.messages)},
      {"new_leads", count_with_history(c.new_leads, p.new_leads)},
      {"conversions", count_with_history(c.conversions, p.conversions)},
      {"conversion_rate",
       measure_with_history(share(c.conversions, c.new_leads), share(p.conversions, p.new_leads))},
      {"avg_response_time_ms",
       measure_with_history(c.assistant_response.avg, p.assistant_response.avg)},
      {"p50_response_time_ms",
       measure_with_history(c.assistant_response.p50, p.assistant_response.p50)},
      {"p95_response_time_ms",
       measure_with_history(c.assistant_response.p95, p.assistant_response.p95)},
      {"agent_avg_response_time_ms",
       measure_with_history(c.agent_avg_response, p.agent_avg_response)},
      {"resolution_rate",
       measure_with_history(share(c.resolved, c.ended), share(p.resolved, p.ended))},
      {"handoff_rate", measure_with_history(share(c.handoff, c.ended), share(p.handoff, p.ended))},
  };
}

nlohmann::json messages_by_sender_json(const KpiTotals& t) {
  return {
      {"lead", t.lead_messages}, {"assistant", t.assistant_messages}, {"agent", t.agent_messages}};
}

}  // namespace zaplify::metrics
