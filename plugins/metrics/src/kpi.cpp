#include "kpi.h"

#include "sql.h"

namespace zaplify::metrics {
namespace {

// Message counts per sender for W and W′, and the agents' response-time sums.
void count_messages(const sdk::Store& store, const std::string& tenant, const sdk::Window& w,
                    KpiReport& r) {
  const std::int64_t f = w.from_ms;
  double agent_sum[2] = {0, 0};
  std::int64_t agent_n[2] = {0, 0};
  store.query(
      "SELECT sender, SUM(CASE WHEN ts >= ? THEN 1 ELSE 0 END), COUNT(*), "
      "SUM(CASE WHEN ts >= ? AND response_time_ms IS NOT NULL THEN 1 ELSE 0 END), "
      "SUM(CASE WHEN ts >= ? THEN response_time_ms END), "
      "SUM(CASE WHEN ts < ? AND response_time_ms IS NOT NULL THEN 1 ELSE 0 END), "
      "SUM(CASE WHEN ts < ? THEN response_time_ms END) "
      "FROM events WHERE tenant_id = ? AND type = 'message' AND ts >= ? AND ts < ? GROUP BY sender",
      {f, f, f, f, f, tenant, w.previous_from_ms(), w.to_ms}, [&](const sdk::Row& row) {
        const std::string sender(row.text(0));
        const std::int64_t cur = row.int64(1);
        const std::int64_t prev = row.int64(2) - cur;
        r.current.messages += cur;
        r.previous.messages += prev;
        if (sender == "lead") {
          r.current.lead_messages += cur;
          r.previous.lead_messages += prev;
        } else if (sender == "assistant") {
          r.current.assistant_messages += cur;
          r.previous.assistant_messages += prev;
        } else if (sender == "agent") {
          agent_n[0] = row.int64(3);
          agent_sum[0] = row.is_null(4) ? 0 : row.number(4);
          agent_n[1] = row.int64(5);
          agent_sum[1] = row.is_null(6) ? 0 : row.number(6);
          r.current.agent_messages += cur;
          r.previous.agent_messages += prev;
        }
      });
  r.current.agent_avg_response = ratio(agent_sum[0], static_cast<double>(agent_n[0]));
  r.previous.agent_avg_response = ratio(agent_sum[1], static_cast<double>(agent_n[1]));
}

// Percentiles need the values: pull the assistants' response times of W ∪ W′ and split by ts.
void response_times(const sdk::Store& store, const std::string& tenant, const sdk::Window& w,
                    KpiReport& r) {
  std::vector<double> cur, prev;
  store.query(
      "SELECT ts, response_time_ms FROM events WHERE tenant_id = ? AND type = 'message' AND "
      "sender = 'assistant' AND response_time_ms IS NOT NULL AND ts >= ? AND ts < ?",
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

void count_leads(const sdk::Store& store, const std::string& tenant, const sdk::Window& w,
                 KpiReport& r) {
  const std::int64_t f = w.from_ms;
  auto n = query_ints(store,
                      "SELECT COUNT(DISTINCT CASE WHEN ts >= ? THEN lead_id END), "
                      "COUNT(DISTINCT CASE WHEN ts < ? THEN lead_id END) FROM events WHERE "
                      "tenant_id = ? AND type = 'lead_created' AND ts >= ? AND ts < ?",
                      {f, f, tenant, w.previous_from_ms(), w.to_ms});
  if (n.size() == 2) {
    r.current.new_leads = n[0];
    r.previous.new_leads = n[1];
  }
  Params params{f, f, tenant, w.previous_from_ms(), w.to_ms};
  const std::string cond = final_stage_condition(load_funnels(store, tenant), params);
  if (cond.empty()) return;
  auto c = query_ints(store,
                      "SELECT COUNT(DISTINCT CASE WHEN ts >= ? THEN lead_id END), "
                      "COUNT(DISTINCT CASE WHEN ts < ? THEN lead_id END) FROM events WHERE "
                      "tenant_id = ? AND type = 'stage_changed' AND ts >= ? AND ts < ? AND (" +
                          cond + ")",
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

std::string final_stage_condition(const std::vector<FunnelDefinition>& funnels,
                                  std::vector<sdk::Value>& params) {
  std::string cond;
  for (const auto& f : funnels) {
    if (!cond.empty()) cond += " OR ";
    cond += "(funnel_id = ? AND stage = ?)";
    params.emplace_back(f.funnel_id);
    params.emplace_back(f.final_stage());
  }
  return cond;
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
