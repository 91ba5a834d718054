#include "performance.h"

#include <algorithm>
#include <map>

#include "conversation_table.h"
#include "packed_values.h"
#include "rollup.h"
#include "sql.h"

namespace zaplify::metrics {

namespace {

using Rows = std::map<std::string, AssistantPerformance, std::less<>>;
using Times = std::map<std::string, std::vector<double>, std::less<>>;

AssistantPerformance& row_of(Rows& rows, std::string_view id) {
  auto it = rows.find(id);
  if (it == rows.end()) {
    it = rows.emplace(std::string(id), AssistantPerformance{}).first;
    it->second.assistant_id = std::string(id);
  }
  return it->second;
}

// Whole units of W from metrics_assistant_units (response times packed per unit and assistant).
void read_units(const sdk::Store& store, const std::string& tenant, const UnitCover& c, Rows& rows,
                Times& times) {
  if (c.first_unit >= c.end_unit) return;
  AssistantPerformance* last = nullptr;
  std::vector<double>* last_times = nullptr;
  store.query(
      "SELECT assistant_id, conversations, replies, tokens, ended, resolved, handoff, rt_vals "
      "FROM metrics_assistant_units WHERE tenant_id = ? AND unit >= ? AND unit < ?",
      {tenant, c.first_unit, c.end_unit}, [&](const sdk::Row& r) {
        if (last == nullptr || last->assistant_id != r.text(0)) {
          last = &row_of(rows, r.text(0));
          last_times = &times[last->assistant_id];
        }
        last->conversations += r.int64(1);
        last->replies += r.int64(2);
        last->tokens += r.int64(3);
        last->ended += r.int64(4);
        last->resolved += r.int64(5);
        last->handoff += r.int64(6);
        unpack_values(r.text(7), *last_times);
      });
}

// The cut pieces at W's edges, exactly, from the per-conversation and per-reply tables.
void read_raw(const sdk::Store& store, const std::string& tenant, const UnitCover& c, Rows& rows,
              Times& times) {
  for (const auto& [a, b] : c.raw) {
    const Params range{tenant, a, b};
    for_each_first(store, tenant, false, a, b, false,
                   [&](std::int64_t, std::string_view assistant, std::string_view) {
                     if (!assistant.empty()) ++row_of(rows, assistant).conversations;
                   });
    // CROSS JOIN fixes SQLite's join order: the piece's few messages first, then their rows.
    store.query(
        "SELECT c.assistant_id, e.response_time_ms, e.tokens FROM events e CROSS JOIN "
        "metrics_conversations c WHERE e.tenant_id = ? AND e.type = 'message' AND e.ts >= ? AND "
        "e.ts < ? AND e.sender = 'assistant' AND c.tenant_id = e.tenant_id AND "
        "c.conversation_id = e.conversation_id AND c.assistant_id IS NOT NULL AND "
        "c.assistant_id <> ''",
        range, [&](const sdk::Row& r) {
          AssistantPerformance& p = row_of(rows, r.text(0));
          ++p.replies;
          if (!r.is_null(1)) times[p.assistant_id].push_back(r.number(1));
          if (!r.is_null(2)) p.tokens += r.int64(2);
        });
    for_each_first(store, tenant, true, a, b, false,
                   [&](std::int64_t, std::string_view assistant, std::string_view outcome) {
                     if (assistant.empty()) return;
                     AssistantPerformance& p = row_of(rows, assistant);
                     ++p.ended;
                     if (outcome == "resolved") ++p.resolved;
                     if (outcome == "handoff") ++p.handoff;
                   });
  }
}

}  // namespace

std::vector<AssistantPerformance> compute_performance(const sdk::Store& store,
                                                      const std::string& tenant,
                                                      const sdk::Window& w) {
  Rows rows;
  Times times;
  if (w.from_ms < w.to_ms) {
    const UnitCover c = cover_window(w.from_ms, w.to_ms, {});
    read_units(store, tenant, c, rows, times);
    read_raw(store, tenant, c, rows, times);
  }
  std::vector<AssistantPerformance> out;
  for (auto& [id, p] : rows) {
    // A unit row may net to zero (a conversation re-attributed away): no activity, no entry.
    if (p.conversations == 0 && p.replies == 0 && p.ended == 0) continue;
    auto t = times.find(id);
    if (t != times.end()) p.response = describe(t->second);
    out.push_back(std::move(p));
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    if (a.conversations != b.conversations) return a.conversations > b.conversations;
    return a.assistant_id < b.assistant_id;
  });
  return out;
}

nlohmann::json performance_json(const AssistantPerformance& p) {
  return {{"assistant_id", p.assistant_id},
          {"conversations", p.conversations},
          {"replies", p.replies},
          {"avg_response_time_ms", json_or_null(p.response.avg)},
          {"p50_response_time_ms", json_or_null(p.response.p50)},
          {"p95_response_time_ms", json_or_null(p.response.p95)},
          {"resolution_rate", json_or_null(p.resolution_rate())},
          {"handoff_rate", json_or_null(p.handoff_rate())},
          {"tokens", p.tokens}};
}

}  // namespace zaplify::metrics
