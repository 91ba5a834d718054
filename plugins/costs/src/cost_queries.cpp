#include "cost_queries.h"

#include <map>
#include <optional>
#include <string_view>

#include "cost_units.h"
#include "zaplify/sdk/host_tables.h"

namespace zaplify::costs {
namespace {

// Each conversation's assistant is its row in the host's `conversations` (its earliest start);
// "" for a human-only conversation, and for one that is unknown or never started (no row or no
// start): those tokens are unattributed.
const std::string kAssistantOf =
    std::string(" LEFT JOIN ") + sdk::kConversations +
    " c ON c.tenant_id = m.tenant_id AND c.conversation_id = m.conversation_id";

// Assistant-message tokens of W's messages, per assistant: W's whole 15-minute units from the
// projection (cost_units.h), its partial edge units from the events, each (unit, conversation)
// row then looked up once for its assistant.
void add_tokens(const sdk::Store& store, const std::string& tenant, const sdk::Window& w,
                CostAccumulator& acc) {
  const UnitSplit split = split_window(w.from_ms, w.to_ms);
  const std::string edge =
      "SELECT tenant_id, conversation_id,"
      " SUM(CASE WHEN sender = 'assistant' THEN COALESCE(tokens, 0) ELSE 0 END) AS tokens"
      " FROM events WHERE tenant_id = ? AND type = 'message' AND ts >= ? AND ts < ?"
      " GROUP BY tenant_id, conversation_id";
  const std::string units =
      "SELECT tenant_id, conversation_id, tokens FROM cost_units"
      " WHERE tenant_id = ? AND unit >= ? AND unit < ?";
  store.query("SELECT COALESCE(c.assistant_id, ''), SUM(m.tokens) FROM (" + units + " UNION ALL " +
                  edge + " UNION ALL " + edge + ") m" + kAssistantOf +
                  " GROUP BY COALESCE(c.assistant_id, '')",
              {tenant, split.first_unit, split.end_unit, tenant, w.from_ms, split.units_from,
               tenant, split.units_to, w.to_ms},
              [&](const sdk::Row& r) { acc.add_tokens(std::string(r.text(0)), r.int64(1)); });
}

// Conversations started in W and resolved in W (each by its earliest start and ending).
void add_starts_and_resolutions(const sdk::Store& store, const std::string& tenant,
                                const sdk::Window& w, CostAccumulator& acc) {
  const std::string table = sdk::kConversations;
  store.query("SELECT assistant_id, COUNT(*) FROM " + table +
                  " WHERE tenant_id = ? AND start_ts >= ? AND start_ts < ? GROUP BY assistant_id",
              {tenant, w.from_ms, w.to_ms},
              [&](const sdk::Row& r) { acc.add_started(std::string(r.text(0)), r.int64(1)); });
  store.query("SELECT assistant_id, COUNT(*) FROM " + table +
                  " WHERE tenant_id = ? AND end_ts >= ? AND end_ts < ? AND outcome = 'resolved'"
                  " GROUP BY assistant_id",
              {tenant, w.from_ms, w.to_ms},
              [&](const sdk::Row& r) { acc.add_resolutions(std::string(r.text(0)), r.int64(1)); });
}

// Leads with a stage change in W into their funnel's final stage (as /metrics/kpi), each by the
// assistant of its first conversation: of the lead's starts, those that are their conversation's
// earliest (so the conversation is the lead's), the earliest by (ts, event id bytes).
void add_conversions(const sdk::Store& store, const sdk::FunnelCatalog& funnels,
                     const std::string& tenant, const sdk::Window& w, CostAccumulator& acc) {
  struct First {
    std::int64_t ts;
    std::string event_id, assistant_id;
  };
  std::map<std::string, std::optional<First>> leads;  // nullopt: converted, no conversation
  const std::string sql =
      std::string(
          "SELECT l.lead_id, x.ts, x.event_id, c.assistant_id FROM (SELECT DISTINCT lead_id "
          "FROM ") +
      sdk::kStageEvents +
      " WHERE tenant_id = ? AND funnel_id = ? AND stage = ? AND ts >= ? AND ts < ?) l"
      " LEFT JOIN " +
      sdk::kConversationStarts +
      " x ON x.tenant_id = ? AND x.lead_id = l.lead_id"
      " LEFT JOIN " +
      sdk::kConversations +
      " c ON c.tenant_id = x.tenant_id"
      " AND c.conversation_id = x.conversation_id AND c.start_id = x.event_id";
  for (const auto& f : funnels.current(tenant))
    store.query(sql, {tenant, f.funnel_id, f.stages.back(), w.from_ms, w.to_ms, tenant},
                [&](const sdk::Row& r) {
                  auto& first = leads[std::string(r.text(0))];
                  if (r.is_null(3)) return;  // no start, or not its conversation's earliest
                  const std::int64_t ts = r.int64(1);
                  const std::string_view id = r.text(2);
                  if (!first || ts < first->ts ||
                      (ts == first->ts && id < std::string_view(first->event_id)))
                    first = First{ts, std::string(id), std::string(r.text(3))};
                });
  for (const auto& [lead, first] : leads)
    if (first) acc.add_conversion(first->assistant_id);
}

}  // namespace

CostReport compute_cost(const sdk::Store& store, const sdk::FunnelCatalog& funnels,
                        const Prices& prices, const std::string& tenant, const sdk::Window& w) {
  CostAccumulator acc(prices);
  add_tokens(store, tenant, w, acc);
  add_starts_and_resolutions(store, tenant, w, acc);
  add_conversions(store, funnels, tenant, w, acc);
  return acc.finish();
}

void produce_cost_daily(const sdk::Store& store, const sdk::Calendar& calendar,
                        const Prices& prices, const sdk::DataSourceRequest& request,
                        sdk::RowSink& sink) {
  const sdk::Window& w = request.window;
  std::vector<std::int64_t> days = calendar.day_starts(w);
  DailyCostAccumulator acc(prices, days);
  store.query("SELECT COALESCE(c.assistant_id, ''), m.ts, m.tokens FROM events m" + kAssistantOf +
                  " WHERE m.tenant_id = ? AND m.type = 'message' AND m.sender = 'assistant' AND "
                  "m.tokens > 0"
                  " AND m.ts >= ? AND m.ts < ?",
              {request.tenant_id, w.from_ms, w.to_ms}, [&](const sdk::Row& r) {
                acc.add_reply(std::string(r.text(0)), r.int64(1), r.int64(2));
              });
  for (const auto& row : acc.rows())
    sink.row({calendar.local_date(days[row.day], w.tz),
              row.assistant_id.empty() ? sdk::Value{} : sdk::Value{row.assistant_id}, row.tokens,
              row.cost});
}

}  // namespace zaplify::costs
