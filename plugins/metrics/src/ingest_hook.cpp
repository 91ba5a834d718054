#include "ingest_hook.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "batch_sql.h"
#include "rollup.h"

namespace zaplify::metrics {
namespace {

sdk::Value text_or_null(const std::string& s) { return s.empty() ? sdk::Value{} : sdk::Value{s}; }

bool earlier(const sdk::Event& a, const sdk::Event& b) {
  return a.ts_ms < b.ts_ms || (a.ts_ms == b.ts_ms && a.id < b.id);
}

// What one batch changes, reduced so that each key is written once.
struct Reduced {
  std::map<std::string, const sdk::Event*> starts, ends;  // earliest per conversation
  std::vector<const sdk::Event*> replies, leads, stages;
  std::map<std::pair<std::string, std::int64_t>, RollupCell> rollup;  // (metric, unit)
};

void keep_earliest(std::map<std::string, const sdk::Event*>& m, const sdk::Event& e) {
  auto [it, fresh] = m.emplace(e.conversation_id, &e);
  if (!fresh && earlier(e, *it->second)) it->second = &e;
}

Reduced reduce(const std::vector<sdk::Event>& events) {
  Reduced r;
  MetricSums one;
  for (const sdk::Event& e : events) {
    if (e.type == "message" || e.type == "stage_changed") {
      one.clear();
      add_event(one, e.type, e.sender, e.response_time_ms);
      const std::int64_t unit = unit_floor(e.ts_ms);
      for (const auto& [metric, cell] : one) {
        RollupCell& dst = r.rollup[{metric, unit}];
        dst.n += cell.n;
        dst.total += cell.total;
      }
    }
    if (e.type == "conversation_started" && !e.conversation_id.empty()) keep_earliest(r.starts, e);
    if (e.type == "conversation_ended" && !e.conversation_id.empty()) keep_earliest(r.ends, e);
    if (e.type == "message" && e.sender == "assistant" && !e.conversation_id.empty())
      r.replies.push_back(&e);
    if (e.type == "lead_created" && !e.lead_id.empty()) r.leads.push_back(&e);
    if (e.type == "stage_changed" && !e.lead_id.empty() && !e.funnel_id.empty())
      r.stages.push_back(&e);
  }
  return r;
}

// PostgreSQL, READ COMMITTED: a reply and its conversation's start may be stored by two concurrent
// transactions, each blind to the other's rows, so the reply would stay unattributed. Locking the
// conversation row first (ON CONFLICT DO UPDATE locks the row even when its WHERE is false)
// serialises them, and the later one's next statements see what the earlier committed. Sorted ids
// give every transaction the same lock order, so they cannot deadlock on these rows.
void lock_conversations(const std::string& tenant, const Reduced& r, sdk::SqlWriter& w) {
  std::set<std::string> ids;
  for (const auto& [id, e] : r.starts) ids.insert(id);
  for (const auto& [id, e] : r.ends) ids.insert(id);
  for (const sdk::Event* e : r.replies) ids.insert(e->conversation_id);
  std::vector<SqlRow> rows;
  for (const auto& id : ids) rows.push_back({tenant, id});
  execute_values(w, "INSERT INTO metrics_conversations (tenant_id, conversation_id)", 2,
                 "ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET "
                 "start_ts = metrics_conversations.start_ts WHERE 1 = 0",
                 rows);
}

// The WHERE of DO UPDATE keeps the earliest (ts, id): a row changes only when the incoming event
// precedes what is stored (or nothing is stored yet), so a late-arriving earlier start wins.
void upsert_conversations(const std::string& tenant, const Reduced& r, sdk::SqlWriter& w) {
  std::vector<SqlRow> rows;
  for (const auto& [id, e] : r.starts)
    rows.push_back({tenant, id, e->ts_ms, e->id, text_or_null(e->lead_id),
                    text_or_null(e->assistant_id),
                    sdk::Value{e->channel.empty() ? std::string("whatsapp") : e->channel}});
  execute_values(w,
                 "INSERT INTO metrics_conversations (tenant_id, conversation_id, start_ts, "
                 "start_id, lead_id, assistant_id, channel)",
                 7,
                 "ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET start_ts = "
                 "excluded.start_ts, start_id = excluded.start_id, lead_id = excluded.lead_id, "
                 "assistant_id = excluded.assistant_id, channel = excluded.channel WHERE "
                 "metrics_conversations.start_ts IS NULL OR excluded.start_ts < "
                 "metrics_conversations.start_ts OR (excluded.start_ts = "
                 "metrics_conversations.start_ts AND excluded.start_id < "
                 "metrics_conversations.start_id)",
                 rows);
  rows.clear();
  for (const auto& [id, e] : r.ends)
    rows.push_back({tenant, id, e->ts_ms, e->id, text_or_null(e->outcome)});
  execute_values(w,
                 "INSERT INTO metrics_conversations (tenant_id, conversation_id, end_ts, end_id, "
                 "outcome)",
                 5,
                 "ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET end_ts = excluded.end_ts, "
                 "end_id = excluded.end_id, outcome = excluded.outcome WHERE "
                 "metrics_conversations.end_ts IS NULL OR excluded.end_ts < "
                 "metrics_conversations.end_ts OR (excluded.end_ts = metrics_conversations.end_ts "
                 "AND excluded.end_id < metrics_conversations.end_id)",
                 rows);
}

// Replies are stored with the assistant their conversation has now; starts of this batch then
// re-attribute the conversation's older replies (a start may arrive after its messages, or an
// earlier start may replace the assistant).
void write_replies(const std::string& tenant, const Reduced& r, sdk::SqlWriter& w) {
  std::unordered_map<std::string, std::string> assistant;
  std::vector<std::string> ids;
  for (const sdk::Event* e : r.replies) ids.push_back(e->conversation_id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for_id_chunks(ids, [&](const std::string& in, const std::vector<sdk::Value>& chunk) {
    std::vector<sdk::Value> params{tenant};
    params.insert(params.end(), chunk.begin(), chunk.end());
    // start_ts is tested here, not in SQL: SQLite (no statistics) would range-scan the start_ts
    // index for "start_ts IS NOT NULL" instead of seeking the ids.
    w.query("SELECT conversation_id, assistant_id, start_ts FROM metrics_conversations WHERE "
            "tenant_id = ? AND conversation_id IN (" + in + ")",
            params, [&](const sdk::Row& row) {
              if (row.is_null(2)) return;
              assistant[std::string(row.text(0))] = std::string(row.text(1));  // NULL → ""
            });
  });
  std::vector<SqlRow> rows;
  rows.reserve(r.replies.size());
  for (const sdk::Event* e : r.replies) {
    auto it = assistant.find(e->conversation_id);
    rows.push_back({tenant, e->ts_ms, e->id, e->conversation_id,
                    it == assistant.end() ? std::string() : it->second,
                    e->response_time_ms ? sdk::Value{*e->response_time_ms} : sdk::Value{},
                    e->tokens ? sdk::Value{*e->tokens} : sdk::Value{}});
  }
  if (!rows.empty())
    w.insert_rows("metrics_replies", {"tenant_id", "ts", "event_id", "conversation_id",
                                      "assistant_id", "response_time_ms", "tokens"},
                  rows);
  std::vector<std::string> started;
  for (const auto& [id, e] : r.starts) started.push_back(id);
  const std::string owner =
      "COALESCE((SELECT c.assistant_id FROM metrics_conversations c WHERE c.tenant_id = "
      "metrics_replies.tenant_id AND c.conversation_id = metrics_replies.conversation_id AND "
      "c.start_ts IS NOT NULL), '')";
  for_id_chunks(started, [&](const std::string& in, const std::vector<sdk::Value>& chunk) {
    std::vector<sdk::Value> params{tenant};
    params.insert(params.end(), chunk.begin(), chunk.end());
    w.execute("UPDATE metrics_replies SET assistant_id = " + owner + " WHERE tenant_id = ? AND "
              "conversation_id IN (" + in + ") AND assistant_id <> " + owner,
              params);
  });
}

void write_rollup(const std::string& tenant, const Reduced& r, sdk::SqlWriter& w) {
  std::vector<SqlRow> rows;
  rows.reserve(r.rollup.size());
  for (const auto& [key, cell] : r.rollup)
    rows.push_back({tenant, key.first, key.second, cell.n, cell.total});
  execute_values(w, "INSERT INTO metrics_rollup (tenant_id, metric, unit, n, total)", 5,
                 "ON CONFLICT (tenant_id, metric, unit) DO UPDATE SET n = metrics_rollup.n + "
                 "excluded.n, total = metrics_rollup.total + excluded.total",
                 rows);
}

void write_leads_and_stages(const std::string& tenant, const Reduced& r, sdk::SqlWriter& w) {
  std::vector<SqlRow> rows;
  for (const sdk::Event* e : r.leads) rows.push_back({tenant, e->ts_ms, e->lead_id, e->id});
  if (!rows.empty())
    w.insert_rows("metrics_lead_created", {"tenant_id", "ts", "lead_id", "event_id"}, rows);
  rows.clear();
  for (const sdk::Event* e : r.stages)
    rows.push_back({tenant, e->funnel_id, e->stage, e->ts_ms, e->lead_id, e->id});
  if (!rows.empty())
    w.insert_rows("metrics_stage_events",
                  {"tenant_id", "funnel_id", "stage", "ts", "lead_id", "event_id"}, rows);
}

}  // namespace

void update_derived_tables(const sdk::IngestBatch& batch, sdk::SqlWriter& writer) {
  if (batch.events == nullptr || batch.events->empty()) return;
  const Reduced r = reduce(*batch.events);
  const std::string& tenant = batch.tenant_id;
  if (writer.dialect() == sdk::Dialect::PostgreSQL) lock_conversations(tenant, r, writer);
  upsert_conversations(tenant, r, writer);
  write_replies(tenant, r, writer);
  write_rollup(tenant, r, writer);
  write_leads_and_stages(tenant, r, writer);
}

}  // namespace zaplify::metrics
