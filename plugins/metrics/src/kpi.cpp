#include "kpi.h"

#include "rollup.h"
#include "sql.h"

namespace zaplify::metrics {
namespace {

std::int64_t count_of(const MetricSums& m, std::string_view metric) {
  auto it = m.find(metric);
  return it == m.end() ? 0 : it->second.n;
}

std::optional<double> mean_of(const MetricSums& m, std::string_view metric) {
  auto it = m.find(metric);
  if (it == m.end()) return std::nullopt;
  return ratio(it->second.total, static_cast<double>(it->second.n));
}

void fill_messages(const MetricSums& m, KpiTotals& t) {
  t.messages = count_of(m, "msg");
  t.lead_messages = count_of(m, "msg:lead");
  t.assistant_messages = count_of(m, "msg:assistant");
  t.agent_messages = count_of(m, "msg:agent");
  t.agent_avg_response = mean_of(m, "rt:agent");
}

// Message counts per sender and the agents' mean response time of W′ and W, from the rollup.
void count_messages(const sdk::Store& store, const std::string& tenant, const sdk::Window& w,
                    KpiReport& r) {
  const auto sums = rollup_buckets(store, tenant, w.previous_from_ms(), w.to_ms,
                                   {w.previous_from_ms(), w.from_ms},
                                   {"msg", "msg:lead", "msg:assistant", "msg:agent", "rt:agent"});
  fill_messages(sums[0], r.previous);
  fill_messages(sums[1], r.current);
}

// Percentiles need the values: the assistants' response times of W′ ∪ W, read index-only from
// metrics_replies and split by ts.
void response_times(const sdk::Store& store, const std::string& tenant, const sdk::Window& w,
                    KpiReport& r) {
  std::vector<double> cur, prev;
  store.query(
      "SELECT ts, response_time_ms FROM metrics_replies WHERE tenant_id = ? AND ts >= ? AND "
      "ts < ? AND response_time_ms IS NOT NULL",
      {tenant, w.previous_from_ms(), w.to_ms}, [&](const sdk::Row& row) {
        (row.int64(0) >= w.from_ms ? cur : prev).push_back(row.number(1));
      });
  r.current.assistant_response = describe(cur);
  r.previous.assistant_response = describe(prev);
}

void count_conversations(const sdk::Store& store, const std::string& tenant, const sdk::Window& w,
                         KpiReport& r) {
  const std::int64_t f = w.from_ms;
  auto c = query_ints(store,
                      "SELECT SUM(CASE WHEN start_ts >= ? THEN 1 ELSE 0 END), COUNT(*) FROM "
                      "metrics_conversations WHERE tenant_id = ? AND start_ts >= ? AND start_ts < ?",
                      {f, tenant, w.previous_from_ms(), w.to_ms});
  if (c.size() == 2) {
    r.current.conversations = c[0];
    r.previous.conversations = c[1] - c[0];
  }
  store.query(
      "SELECT outcome, SUM(CASE WHEN end_ts >= ? THEN 1 ELSE 0 END), COUNT(*) FROM "
      "metrics_conversations WHERE tenant_id = ? AND end_ts >= ? AND end_ts < ? GROUP BY outcome",
      {f, tenant, w.previous_from_ms(), w.to_ms}, [&](const sdk::Row& row) {
        const std::string outcome(row.text(0));
        const std::int64_t cur = row.int64(1);
        const std::int64_t prev = row.int64(2) - cur;
        r.current.ended += cur;
        r.previous.ended += prev;
        if (outcome == "resolved") {
          r.current.resolved += cur;
          r.previous.resolved += prev;
        } else if (outcome == "handoff") {
          r.current.handoff += cur;
          r.previous.handoff += prev;
        }
      });
}

// New leads and conversions as distinct lead counts of W and W′, each one index range of a
// narrow derived table; conversions take every funnel's final stage in one UNION ALL so a lead
// converting in two funnels counts once.
void count_leads(const sdk::Store& store, const std::string& tenant, const sdk::Window& w,
                 KpiReport& r) {
  const std::int64_t f = w.from_ms;
  auto n = query_ints(store,
                      "SELECT COUNT(DISTINCT CASE WHEN ts >= ? THEN lead_id END), "
                      "COUNT(DISTINCT CASE WHEN ts < ? THEN lead_id END) FROM metrics_lead_created "
                      "WHERE tenant_id = ? AND ts >= ? AND ts < ?",
                      {f, f, tenant, w.previous_from_ms(), w.to_ms});
  if (n.size() == 2) {
    r.current.new_leads = n[0];
    r.previous.new_leads = n[1];
  }
  Params params{f, f};
  const std::string finals = final_stage_rows(load_funnels(store, tenant), tenant,
                                              w.previous_from_ms(), w.to_ms, params);
  if (finals.empty()) return;
  auto c = query_ints(store,
                      "SELECT COUNT(DISTINCT CASE WHEN ts >= ? THEN lead_id END), "
                      "COUNT(DISTINCT CASE WHEN ts < ? THEN lead_id END) FROM (" + finals + ") s",
                      params);
  if (c.size() == 2) {
    r.current.conversions = c[0];
    r.previous.conversions = c[1];
  }
}

std::optional<double> share(std::int64_t part, std::int64_t whole) {
  return ratio(static_cast<double>(part), static_cast<double>(whole));
}

}  // namespace

std::string final_stage_rows(const std::vector<FunnelDefinition>& funnels,
                             const std::string& tenant, std::int64_t from, std::int64_t to,
                             std::vector<sdk::Value>& params) {
  std::string sql;
  for (const auto& f : funnels) {
    if (!sql.empty()) sql += " UNION ALL ";
    sql += "SELECT ts, lead_id FROM metrics_stage_events WHERE tenant_id = ? AND funnel_id = ? AND "
           "stage = ? AND ts >= ? AND ts < ?";
    params.insert(params.end(), {tenant, f.funnel_id, f.final_stage(), from, to});
  }
  return sql;
}

KpiReport compute_kpis(const sdk::Store& store, const std::string& tenant, const sdk::Window& w) {
  KpiReport r;
  count_messages(store, tenant, w, r);
  response_times(store, tenant, w, r);
  count_conversations(store, tenant, w, r);
  count_leads(store, tenant, w, r);
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
      {"resolution_rate", measure_with_history(share(c.resolved, c.ended), share(p.resolved, p.ended))},
      {"handoff_rate", measure_with_history(share(c.handoff, c.ended), share(p.handoff, p.ended))},
  };
}

nlohmann::json messages_by_sender_json(const KpiTotals& t) {
  return {{"lead", t.lead_messages}, {"assistant", t.assistant_messages}, {"agent", t.agent_messages}};
}

}  // namespace zaplify::metrics
