#include "reply_triggers.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "batch_sql.h"

namespace zaplify::metrics {
namespace {

// One conversation as the batch finds it: its stored messages and starts, those of the batch
// flagged, so the triggers before and after the batch can both be computed.
struct ConversationState {
  std::vector<ConversationMessage> messages;
  std::vector<char> fresh;  ///< Parallel to messages: stored by this batch.
  std::optional<std::int64_t> start_all, start_before;
};

void keep_min(std::optional<std::int64_t>& slot, std::int64_t ts) {
  if (!slot || ts < *slot) slot = ts;
}

std::unordered_map<std::string, ConversationState> read_conversations(const sdk::IngestBatch& batch,
                                                                      sdk::SqlWriter& w) {
  std::unordered_set<std::string> fresh_ids;
  std::unordered_set<std::string> touched;
  for (const sdk::Event& e : *batch.events) {
    if ((e.type != "message" && e.type != "conversation_started") || e.conversation_id.empty())
      continue;
    touched.insert(e.conversation_id);
    fresh_ids.insert(e.id);
  }
  std::unordered_map<std::string, ConversationState> out;
  std::vector<std::string> ids(touched.begin(), touched.end());
  std::sort(ids.begin(), ids.end());  // stable statement parameters, deterministic order
  for_id_chunks(ids, [&](const std::string& in, const std::vector<sdk::Value>& chunk) {
    std::vector<sdk::Value> params{batch.tenant_id};
    params.insert(params.end(), chunk.begin(), chunk.end());
    params.emplace_back(batch.seq_horizon);
    // The type is tested here, not in SQL: naming it would let SQLite's planner (no statistics)
    // prefer the (tenant_id, type, ts) index and scan every message of the tenant.
    w.query(
        "SELECT conversation_id, type, ts, id, sender FROM events WHERE tenant_id = ? AND "
        "conversation_id IN (" +
            in + ") AND seq <= ?",
        params, [&](const sdk::Row& row) {
          const std::string_view type = row.text(1);
          const bool is_start = type == "conversation_started";
          if (!is_start && type != "message") return;
          ConversationState& c = out[std::string(row.text(0))];
          const bool fresh = fresh_ids.count(std::string(row.text(3))) > 0;
          if (is_start) {
            keep_min(c.start_all, row.int64(2));
            if (!fresh) keep_min(c.start_before, row.int64(2));
            return;
          }
          const auto sender = parse_sender(row.text(4));
          if (!sender) return;
          c.messages.push_back({row.int64(2), std::string(row.text(3)), *sender});
          c.fresh.push_back(fresh ? 1 : 0);
        });
  });
  return out;
}

sdk::Value trigger_value(const std::optional<std::int64_t>& t) {
  return t ? sdk::Value{*t} : sdk::Value{};
}

// The rows this conversation needs written: its new replies, and stored ones whose trigger moved.
void changed_rows(const std::string& tenant, const ConversationState& c,
                  std::vector<SqlRow>& rows) {
  const auto after = select_triggers(c.messages, c.start_all);
  std::vector<ConversationMessage> stored;
  std::vector<std::size_t> stored_at;
  for (std::size_t i = 0; i < c.messages.size(); ++i)
    if (!c.fresh[i]) {
      stored.push_back(c.messages[i]);
      stored_at.push_back(i);
    }
  const auto before_stored = select_triggers(stored, c.start_before);
  std::vector<std::optional<std::int64_t>> before(c.messages.size());
  for (std::size_t k = 0; k < stored.size(); ++k) before[stored_at[k]] = before_stored[k];
  for (std::size_t i = 0; i < c.messages.size(); ++i) {
    const ConversationMessage& m = c.messages[i];
    if (m.sender == Sender::Lead || (!c.fresh[i] && before[i] == after[i])) continue;
    rows.push_back({tenant, m.ts, m.id,
                    std::string(m.sender == Sender::Agent ? "agent" : "assistant"),
                    trigger_value(after[i])});
  }
}

}  // namespace

std::optional<Sender> parse_sender(std::string_view s) {
  if (s == "lead") return Sender::Lead;
  if (s == "assistant") return Sender::Assistant;
  if (s == "agent") return Sender::Agent;
  return std::nullopt;
}

std::vector<std::optional<std::int64_t>> select_triggers(
    const std::vector<ConversationMessage>& messages, std::optional<std::int64_t> start_ts) {
  std::vector<std::int64_t> leads;
  std::vector<std::size_t> replies;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (messages[i].sender == Sender::Lead)
      leads.push_back(messages[i].ts);
    else
      replies.push_back(i);
  }
  std::sort(leads.begin(), leads.end());
  std::sort(replies.begin(), replies.end(), [&](std::size_t a, std::size_t b) {
    const auto& x = messages[a];
    const auto& y = messages[b];
    return x.ts != y.ts ? x.ts < y.ts : x.id < y.id;
  });
  std::vector<std::optional<std::int64_t>> out(messages.size());
  std::optional<std::int64_t> previous;  // the previous reply's instant
  for (std::size_t i : replies) {
    auto it = start_ts ? std::lower_bound(leads.begin(), leads.end(), *start_ts) : leads.begin();
    if (previous) it = std::max(it, std::upper_bound(leads.begin(), leads.end(), *previous));
    if (it != leads.end() && *it <= messages[i].ts) out[i] = *it;
    previous = messages[i].ts;
  }
  return out;
}

void update_reply_triggers(const sdk::IngestBatch& batch, sdk::SqlWriter& writer) {
  if (batch.events == nullptr || batch.events->empty()) return;
  const auto conversations = read_conversations(batch, writer);
  std::vector<SqlRow> rows;
  for (const auto& [id, c] : conversations) changed_rows(batch.tenant_id, c, rows);
  // Each reply appears once (its conversation once), as ON CONFLICT DO UPDATE requires.
  execute_values(writer,
                 "INSERT INTO metrics_reply_triggers (tenant_id, ts, event_id, sender, "
                 "trigger_ts)",
                 5,
                 "ON CONFLICT (tenant_id, ts, event_id) DO UPDATE SET trigger_ts = "
                 "excluded.trigger_ts",
                 rows);
}

sdk::ProjectionSpec reply_triggers_projection() {
  sdk::ProjectionSpec p;
  p.name = "reply_triggers";
  p.tables = {{"metrics_reply_triggers", "ts", 1}};  // a row ages with its reply
  p.apply = &update_reply_triggers;
  return p;
}

sdk::Migration reply_triggers_migration() {
  const std::string table =
      "CREATE TABLE metrics_reply_triggers (tenant_id TEXT NOT NULL, ts BIGINT NOT NULL, "
      "event_id TEXT NOT NULL, sender TEXT NOT NULL, trigger_ts BIGINT, "
      "PRIMARY KEY (tenant_id, ts, event_id))";
  sdk::Migration m;
  m.version = 6;
  m.description = "metrics_reply_triggers: each reply's trigger (business hours)";
  m.sql = table + " WITHOUT ROWID";  // SQLite: the range read scans the table itself
  m.postgres_sql = table;
  return m;
}

}  // namespace zaplify::metrics
