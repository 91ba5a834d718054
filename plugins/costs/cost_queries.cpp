#include "cost_queries.h"

#include <set>

#include "zaplify/sdk/host_tables.h"

namespace zaplify::costs {
namespace {

// All of the tenant's starts (bounded by retention; the host's conversation_starts, index-only): a message or ending in W may belong to a
// conversation that started long before, and a lead's first conversation may be older than W.
// The earliest per conversation is picked in C++, byte-wise, so no collation is involved.
ConversationIndex load_conversations(const sdk::Store& store, const std::string& tenant) {
  ConversationIndex index;
  store.query(std::string("SELECT conversation_id, event_id, lead_id, assistant_id, ts FROM ") +
                  sdk::kConversationStarts + " WHERE tenant_id = ?",
              {tenant}, [&](const sdk::Row& r) {
                index.add_start(std::string(r.text(0)), std::string(r.text(1)),
                                std::string(r.text(2)), std::string(r.text(3)), r.int64(4));
              });
  return index;
}

// Distinct leads with a stage change in W into their funnel's final stage (as /metrics/kpi).
std::set<std::string> converted_leads(const sdk::Store& store, const sdk::FunnelCatalog& funnels,
                                      const std::string& tenant, const sdk::Window& w) {
  std::set<std::string> leads;
  const std::string sql = std::string("SELECT DISTINCT lead_id FROM ") + sdk::kStageEvents +
                          " WHERE tenant_id = ? AND funnel_id = ? AND stage = ? AND ts >= ? AND ts < ?";
  for (const auto& f : funnels.current(tenant))
    store.query(sql, {tenant, f.funnel_id, f.stages.back(), w.from_ms, w.to_ms},
                [&](const sdk::Row& r) { leads.emplace(r.text(0)); });
  return leads;
}

}  // namespace

CostReport compute_cost(const sdk::Store& store, const sdk::FunnelCatalog& funnels,
                        const Prices& prices, const std::string& tenant, const sdk::Window& w) {
  const ConversationIndex index = load_conversations(store, tenant);
  CostAccumulator acc(index, prices, w.from_ms, w.to_ms);
  store.query("SELECT conversation_id, SUM(CASE WHEN sender = 'assistant' THEN COALESCE(tokens, 0) "
              "ELSE 0 END) FROM events WHERE tenant_id = ? AND type = 'message' AND ts >= ? AND "
              "ts < ? GROUP BY conversation_id",
              {tenant, w.from_ms, w.to_ms},
              [&](const sdk::Row& r) { acc.add_messages(std::string(r.text(0)), r.int64(1)); });
  // Endings before W too: one in W counts only when no earlier one exists.
  store.query("SELECT conversation_id, id, ts, outcome FROM events WHERE tenant_id = ? AND "
              "type = 'conversation_ended' AND ts < ?",
              {tenant, w.to_ms}, [&](const sdk::Row& r) {
                acc.add_ending(std::string(r.text(0)), std::string(r.text(1)), r.int64(2),
                               std::string(r.text(3)));
              });
  for (const auto& lead : converted_leads(store, funnels, tenant, w)) acc.add_conversion(lead);
  return acc.finish();
}

void produce_cost_daily(const sdk::Store& store, const sdk::Calendar& calendar, const Prices& prices,
                        const sdk::DataSourceRequest& request, sdk::RowSink& sink) {
  const sdk::Window& w = request.window;
  const ConversationIndex index = load_conversations(store, request.tenant_id);
  std::vector<std::int64_t> days = calendar.day_starts(w);
  DailyCostAccumulator acc(index, prices, days);
  store.query("SELECT conversation_id, ts, tokens FROM events WHERE tenant_id = ? AND "
              "type = 'message' AND sender = 'assistant' AND tokens > 0 AND ts >= ? AND ts < ?",
              {request.tenant_id, w.from_ms, w.to_ms},
              [&](const sdk::Row& r) { acc.add_reply(std::string(r.text(0)), r.int64(1), r.int64(2)); });
  for (const auto& row : acc.rows())
    sink.row({calendar.local_date(days[row.day], w.tz),
              row.assistant_id.empty() ? sdk::Value{} : sdk::Value{row.assistant_id}, row.tokens,
              row.cost});
}

}  // namespace zaplify::costs
