#include "cost_queries.h"

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "cost_units.h"
#include "zaplify/sdk/host_tables.h"
#include "zaplify/sdk/string_table.h"

namespace zaplify::costs {
namespace {

// Each conversation's assistant is its row in the host's `conversations` (its earliest start);
// "" for a human-only conversation, and for one that is unknown or never started (no row or no
// start): those tokens are unattributed.
const std::string kAssistantOf =
    std::string(" LEFT JOIN ") + sdk::kConversations +
    " c ON c.tenant_id = m.tenant_id AND c.conversation_id = m.conversation_id";

// W's assistant-message tokens per conversation: W's whole 15-minute units from the projection
// (cost_units.h), its partial edge units from the events. Every conversation with a message in W
// has an entry, 0 when none of them is an assistant's.
sdk::StringTable<std::int64_t> tokens_by_conversation(const sdk::Store& store,
                                                      const std::string& tenant,
                                                      const sdk::Window& w) {
  const UnitSplit split = split_window(w.from_ms, w.to_ms);
  sdk::StringTable<std::int64_t> out(1 << 15);
  const auto add = [&](const sdk::Row& r) { out[r.text(0)] += r.int64(1); };
  store.query(
      "SELECT conversation_id, tokens FROM cost_units"
      " WHERE tenant_id = ? AND unit >= ? AND unit < ?",
      {tenant, split.first_unit, split.end_unit}, add);
  const std::string edge =
      "SELECT conversation_id,"
      " SUM(CASE WHEN sender = 'assistant' THEN COALESCE(tokens, 0) ELSE 0 END)"
      " FROM events WHERE tenant_id = ? AND type = 'message' AND ts >= ? AND ts < ?"
      " GROUP BY conversation_id";
  store.query(edge, {tenant, w.from_ms, split.units_from}, add);
  store.query(edge, {tenant, split.units_to, w.to_ms}, add);
  return out;
}

// A converted lead's first conversation so far: the earliest (start, start event id) of the
// conversations it started (a conversation is the lead's when its earliest start names the lead).
struct FirstConversation {
  std::int64_t start_ts = sdk::kNoInstant;
  std::string start_id, assistant_id;
};

// Leads with a stage change in W into their funnel's final stage (as /metrics/kpi).
sdk::StringTable<FirstConversation> converted_leads(const sdk::Store& store,
                                                    const sdk::FunnelCatalog& funnels,
                                                    const std::string& tenant,
                                                    const sdk::Window& w) {
  sdk::StringTable<FirstConversation> leads(1 << 12);
  const std::string sql = std::string("SELECT DISTINCT lead_id FROM ") + sdk::kStageEvents +
                          " WHERE tenant_id = ? AND funnel_id = ? AND stage = ? AND ts >= ?"
                          " AND ts < ?";
  for (const auto& f : funnels.current(tenant))
    store.query(sql, {tenant, f.funnel_id, f.stages.back(), w.from_ms, w.to_ms},
                [&](const sdk::Row& r) { leads.insert(r.text(0)); });
  return leads;
}

}  // namespace

// One sequential read of the tenant's conversations (the host's rows, each with its earliest
// start's lead and assistant) attributes everything: W's tokens, starts and resolutions to each
// conversation's assistant ("" for a human-only one; tokens of a conversation without a row are
// unattributed), and each converted lead to its first conversation's assistant. It replaced a
// B-tree search per (unit, conversation) of W and three per converted lead's start
// (docs/benchmarks.md, "/metrics/cost in one pass").
CostReport compute_cost(const sdk::Store& store, const sdk::FunnelCatalog& funnels,
                        const Prices& prices, const std::string& tenant, const sdk::Window& w) {
  const sdk::StringTable<std::int64_t> tokens = tokens_by_conversation(store, tenant, w);
  sdk::StringTable<FirstConversation> leads = converted_leads(store, funnels, tenant, w);
  std::map<std::string, std::int64_t, std::less<>> assistant_tokens, started, resolved;
  const auto bump = [](auto& sums, std::string_view assistant, std::int64_t n) {
    auto it = sums.find(assistant);
    if (it == sums.end()) it = sums.emplace(std::string(assistant), 0).first;
    it->second += n;
  };
  const auto in_w = [&](std::int64_t ts) { return ts >= w.from_ms && ts < w.to_ms; };
  std::int64_t attributed = 0;
  store.query(
      std::string("SELECT conversation_id, assistant_id, start_ts, start_id, lead_id,"
                  " end_ts, outcome, last_ts FROM ") +
          sdk::kConversations + " WHERE tenant_id = ?",
      {tenant}, [&](const sdk::Row& r) {
        const std::string_view assistant = r.text(1);
        const std::int64_t start_ts = r.int64(2);
        if (start_ts != sdk::kNoInstant) {
          if (FirstConversation* first = leads.find(r.text(4))) {
            const std::string_view start_id = r.text(3);
            if (start_ts < first->start_ts ||
                (start_ts == first->start_ts && start_id < first->start_id))
              *first = FirstConversation{start_ts, std::string(start_id), std::string(assistant)};
          }
        }
        if (r.int64(7) < w.from_ms) return;  // no event in W (or after): nothing in W
        if (in_w(start_ts)) bump(started, assistant, 1);
        if (in_w(r.int64(5)) && r.text(6) == "resolved") bump(resolved, assistant, 1);
        if (const std::int64_t* n = tokens.find(r.text(0))) {
          bump(assistant_tokens, assistant, *n);
          attributed += *n;
        }
      });
  std::int64_t total = 0;
  tokens.for_each([&](std::string_view, std::int64_t n) { total += n; });
  CostAccumulator acc(prices);
  if (total != attributed) acc.add_tokens("", total - attributed);  // conversations without a row
  for (const auto& [assistant, n] : assistant_tokens) acc.add_tokens(assistant, n);
  for (const auto& [assistant, n] : started) acc.add_started(assistant, n);
  for (const auto& [assistant, n] : resolved) acc.add_resolutions(assistant, n);
  leads.for_each([&](std::string_view, const FirstConversation& first) {
    if (first.start_ts != sdk::kNoInstant) acc.add_conversion(first.assistant_id);
  });
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
