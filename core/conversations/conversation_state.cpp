#include "conversations/conversation_state.h"

#include <algorithm>
#include <cstdint>
#include <unordered_map>

#include "zaplify/sdk/host_tables.h"

namespace zaplify::core {
namespace {

using sdk::kNoInstant;
using sdk::kNoInstantMin;

const std::string kNoInstantText = std::to_string(kNoInstant);
const std::string kNoInstantMinText = std::to_string(kNoInstantMin);

// One conversation's contribution of one batch; merged into the stored row by merge_sql().
struct Delta {
  std::string_view conversation_id;
  std::int64_t start_ts = kNoInstant;
  std::string_view start_id, lead_id, assistant_id, channel;
  std::int64_t end_ts = kNoInstant;
  std::string_view end_id, outcome;
  std::int64_t messages = 0, lead_messages = 0;
  std::int64_t first_lead_ts = kNoInstant;
  std::int64_t first_reply_ts =
      kNoInstant;  // min reply >= first_lead_ts (the batch knows them all)
  std::int64_t min_reply_ts = kNoInstant;
  std::int64_t max_reply_ts = kNoInstantMin;
  std::int64_t last_ts = kNoInstantMin;
};

const std::vector<std::string>& columns() {
  static const std::vector<std::string> cols{
      "tenant_id",    "conversation_id", "start_ts",      "start_id",       "lead_id",
      "assistant_id", "channel",         "end_ts",        "end_id",         "outcome",
      "messages",     "lead_messages",   "first_lead_ts", "first_reply_ts", "min_reply_ts",
      "max_reply_ts", "last_ts",         "reply_dirty"};
  return cols;
}

bool is_conversation_event(const sdk::Event& e) {
  return !e.conversation_id.empty() && (e.type == "message" || e.type == "conversation_started" ||
                                        e.type == "conversation_ended");
}
bool is_reply(const sdk::Event& e) { return e.sender == "assistant" || e.sender == "agent"; }

// The ON CONFLICT merge of the stored row (o) with the incoming delta (x = excluded). Every
// right-hand side sees the row as it was before the update.
std::string merge_sql(sdk::Dialect dialect) {
  const std::string c = sdk::byte_order(dialect);
  const std::string o = "conversations.", x = "excluded.";
  auto earlier = [&](const std::string& ts, const std::string& id) {
    return "(" + x + ts + " < " + o + ts + " OR (" + x + ts + " = " + o + ts + " AND " + x + id +
           c + " < " + o + id + c + "))";
  };
  auto pick = [](const std::string& cond, const std::string& col) {
    return col + " = CASE WHEN " + cond + " THEN excluded." + col + " ELSE conversations." + col +
           " END";
  };
  auto least = [](const std::string& a, const std::string& b) {
    return "CASE WHEN " + a + " < " + b + " THEN " + a + " ELSE " + b + " END";
  };
  auto greatest = [](const std::string& a, const std::string& b) {
    return "CASE WHEN " + a + " > " + b + " THEN " + a + " ELSE " + b + " END";
  };
  const std::string started = earlier("start_ts", "start_id");
  const std::string ended = earlier("end_ts", "end_id");
  const std::string f = "(" + least(x + "first_lead_ts", o + "first_lead_ts") + ")";
  // What side s contributes to the first reply at or after the merged first lead f.
  auto contribution = [&](const std::string& s) {
    return "CASE WHEN " + s + "max_reply_ts < " + f + " THEN " + kNoInstantText + " WHEN " + s +
           "min_reply_ts >= " + f + " THEN " + s + "min_reply_ts WHEN " + s +
           "first_lead_ts = " + f + " THEN " + s + "first_reply_ts ELSE " + kNoInstantText + " END";
  };
  auto undecided = [&](const std::string& s) {
    return "(CASE WHEN " + s + "max_reply_ts < " + f + " THEN 0 WHEN " + s +
           "min_reply_ts >= " + f + " THEN 0 WHEN " + s + "first_lead_ts = " + f + " THEN " + s +
           "reply_dirty ELSE 1 END)";
  };
  std::string sql;
  for (const char* col : {"start_ts", "start_id", "lead_id", "assistant_id", "channel"})
    sql += pick(started, col) + ", ";
  for (const char* col : {"end_ts", "end_id", "outcome"}) sql += pick(ended, col) + ", ";
  for (const char* col : {"messages", "lead_messages"})
    sql += std::string(col) + " = " + o + col + " + " + x + col + ", ";
  sql += "first_lead_ts = " + f + ", ";
  sql +=
      "first_reply_ts = " + least("(" + contribution(o) + ")", "(" + contribution(x) + ")") + ", ";
  sql += "min_reply_ts = " + least(x + "min_reply_ts", o + "min_reply_ts") + ", ";
  sql += "max_reply_ts = " + greatest(x + "max_reply_ts", o + "max_reply_ts") + ", ";
  sql += "last_ts = " + greatest(x + "last_ts", o + "last_ts") + ", ";
  sql +=
      "reply_dirty = CASE WHEN " + undecided(o) + " + " + undecided(x) + " > 0 THEN 1 ELSE 0 END";
  return sql;
}

std::string upsert_sql(sdk::Dialect dialect, std::size_t rows) {
  std::string sql = "INSERT INTO conversations (";
  std::string marks = "(";
  for (std::size_t i = 0; i < columns().size(); ++i) {
    sql += (i ? ", " : "") + columns()[i];
    marks += i ? ", ?" : "?";
  }
  marks += ")";
  sql += ") VALUES ";
  for (std::size_t r = 0; r < rows; ++r) sql += (r ? ", " : "") + marks;
  // The merge clause is a few kB of SQL: built once per dialect, not per statement.
  static const std::string sqlite_merge = merge_sql(sdk::Dialect::SQLite);
  static const std::string postgres_merge = merge_sql(sdk::Dialect::PostgreSQL);
  return sql + " ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET " +
         (dialect == sdk::Dialect::SQLite ? sqlite_merge : postgres_merge);
}

void append_params(std::vector<sdk::Value>& p, const std::string& tenant, const Delta& d) {
  auto text = [](std::string_view v) { return sdk::Value(std::string(v)); };
  p.insert(p.end(), {tenant, text(d.conversation_id), d.start_ts, text(d.start_id), text(d.lead_id),
                     text(d.assistant_id), text(d.channel), d.end_ts, text(d.end_id),
                     text(d.outcome), d.messages, d.lead_messages, d.first_lead_ts,
                     d.first_reply_ts, d.min_reply_ts, d.max_reply_ts, d.last_ts, std::int64_t{0}});
}

// Per-conversation deltas of a batch, in first-seen order (views into `events`).
std::vector<Delta> summarize(const std::vector<sdk::Event>& events) {
  static const std::string kDefaultChannel = "whatsapp";
  std::vector<Delta> out;
  std::unordered_map<std::string_view, std::size_t> index;
  for (const sdk::Event& e : events) {
    if (!is_conversation_event(e)) continue;
    auto [it, fresh] = index.try_emplace(e.conversation_id, out.size());
    if (fresh) out.emplace_back().conversation_id = e.conversation_id;
    Delta& d = out[it->second];
    d.last_ts = std::max(d.last_ts, e.ts_ms);
    if (e.type == "conversation_started") {
      if (e.ts_ms < d.start_ts || (e.ts_ms == d.start_ts && e.id < d.start_id)) {
        d.start_ts = e.ts_ms;
        d.start_id = e.id;
        d.lead_id = e.lead_id;
        d.assistant_id = e.assistant_id;
        d.channel =
            e.channel.empty() ? std::string_view(kDefaultChannel) : std::string_view(e.channel);
      }
    } else if (e.type == "conversation_ended") {
      if (e.ts_ms < d.end_ts || (e.ts_ms == d.end_ts && e.id < d.end_id)) {
        d.end_ts = e.ts_ms;
        d.end_id = e.id;
        d.outcome = e.outcome;
      }
    } else {
      ++d.messages;
      if (e.sender == "lead") {
        ++d.lead_messages;
        d.first_lead_ts = std::min(d.first_lead_ts, e.ts_ms);
      } else if (is_reply(e)) {
        d.min_reply_ts = std::min(d.min_reply_ts, e.ts_ms);
        d.max_reply_ts = std::max(d.max_reply_ts, e.ts_ms);
      }
    }
  }
  // The batch knows all of its own replies, so its first reply after its first lead is exact.
  for (const sdk::Event& e : events) {
    if (!is_conversation_event(e) || e.type != "message" || !is_reply(e)) continue;
    Delta& d = out[index.find(e.conversation_id)->second];
    if (e.ts_ms >= d.first_lead_ts) d.first_reply_ts = std::min(d.first_reply_ts, e.ts_ms);
  }
  return out;
}

std::string backfill_sql(sdk::Dialect dialect) {
  const std::string c = sdk::byte_order(dialect);
  auto first_of = [&](const char* type) {
    return "(SELECT p.id FROM events p WHERE p.tenant_id = k.tenant_id AND p.conversation_id ="
           " k.conversation_id AND p.type = '" +
           std::string(type) + "' ORDER BY p.ts, p.id" + c + " LIMIT 1)";
  };
  std::string sql = "INSERT INTO conversations (";
  for (std::size_t i = 0; i < columns().size(); ++i) sql += (i ? ", " : "") + columns()[i];
  sql += ") SELECT k.tenant_id, k.conversation_id, COALESCE(s.ts, " + kNoInstantText +
         "),"
         " COALESCE(s.id, ''), COALESCE(s.lead_id, ''), COALESCE(s.assistant_id, ''),"
         " CASE WHEN s.id IS NULL THEN '' ELSE COALESCE(NULLIF(s.channel, ''), 'whatsapp') END,"
         " COALESCE(x.ts, " +
         kNoInstantText +
         "), COALESCE(x.id, ''),"
         " COALESCE(x.outcome, ''), k.messages, k.lead_messages,"
         " COALESCE(k.first_lead, " +
         kNoInstantText +
         "),"
         " COALESCE((SELECT MIN(m.ts) FROM events m WHERE m.tenant_id = k.tenant_id AND "
         "m.conversation_id ="
         "  k.conversation_id AND m.type = 'message' AND m.sender IN ('assistant', 'agent')"
         "  AND m.ts >= k.first_lead), " +
         kNoInstantText +
         "),"
         " COALESCE(k.min_reply, " +
         kNoInstantText + "), COALESCE(k.max_reply, " + kNoInstantMinText +
         "),"
         " k.last_ts, 0"
         " FROM (SELECT tenant_id, conversation_id,"
         "  SUM(CASE WHEN type = 'message' THEN 1 ELSE 0 END) AS messages,"
         "  SUM(CASE WHEN type = 'message' AND sender = 'lead' THEN 1 ELSE 0 END) AS lead_messages,"
         "  MIN(CASE WHEN type = 'message' AND sender = 'lead' THEN ts END) AS first_lead,"
         "  MIN(CASE WHEN type = 'message' AND sender IN ('assistant', 'agent') THEN ts END) AS "
         "min_reply,"
         "  MAX(CASE WHEN type = 'message' AND sender IN ('assistant', 'agent') THEN ts END) AS "
         "max_reply,"
         "  MAX(ts) AS last_ts"
         "  FROM events WHERE conversation_id IS NOT NULL AND conversation_id <> ''"
         "  AND type IN ('conversation_started', 'conversation_ended', 'message')"
         "  GROUP BY tenant_id, conversation_id) k"
         " LEFT JOIN events s ON s.tenant_id = k.tenant_id AND s.id = " +
         first_of("conversation_started") +
         " LEFT JOIN events x ON x.tenant_id = k.tenant_id AND x.id = " +
         first_of("conversation_ended");
  return sql;
}

}  // namespace

std::string conversations_schema_sql(sdk::Dialect dialect) {
  const std::string cols =
      " tenant_id TEXT NOT NULL, conversation_id TEXT NOT NULL, start_ts BIGINT NOT NULL,"
      " start_id TEXT NOT NULL, lead_id TEXT NOT NULL, assistant_id TEXT NOT NULL,"
      " channel TEXT NOT NULL, end_ts BIGINT NOT NULL, end_id TEXT NOT NULL, outcome TEXT NOT NULL,"
      " messages BIGINT NOT NULL, lead_messages BIGINT NOT NULL,"
      " first_lead_ts BIGINT NOT NULL, first_reply_ts BIGINT NOT NULL, min_reply_ts BIGINT NOT "
      "NULL,"
      " max_reply_ts BIGINT NOT NULL, last_ts BIGINT NOT NULL, reply_dirty INTEGER NOT NULL,";
  // SQLite: clustered by start, so a window of starts is one sequential range read. PostgreSQL: a
  // heap keyed by conversation and the window index in (start, id bytes) order. No index serves
  // the retention purge: it scans the table once per purge instead of every batch moving an index.
  if (dialect == sdk::Dialect::SQLite)
    return "CREATE TABLE conversations (" + cols +
           " PRIMARY KEY (tenant_id, start_ts, conversation_id)) WITHOUT ROWID;"
           "CREATE UNIQUE INDEX conversations_by_id ON conversations (tenant_id, "
           "conversation_id);" +
           backfill_sql(dialect);
  return "CREATE TABLE conversations (" + cols +
         " PRIMARY KEY (tenant_id, conversation_id));"
         "CREATE INDEX conversations_by_start ON conversations"
         " (tenant_id, start_ts, conversation_id COLLATE \"C\");" +
         backfill_sql(dialect);
}

void update_conversations(sdk::SqlWriter& writer, const std::string& tenant,
                          const std::vector<sdk::Event>& events) {
  const std::vector<Delta> deltas = summarize(events);
  if (deltas.empty()) return;
  const sdk::Dialect dialect = writer.dialect();
  // SQLite: the single-row statement stays prepared in the host's cache. PostgreSQL: chunks keep
  // the round trips few (and below the 65,535-parameter cap).
  const std::size_t per = dialect == sdk::Dialect::SQLite ? 1 : 500;
  static const std::string sqlite_one = upsert_sql(sdk::Dialect::SQLite, 1);
  std::vector<sdk::Value> params;
  for (std::size_t start = 0; start < deltas.size(); start += per) {
    const std::size_t end = std::min(deltas.size(), start + per);
    params.clear();
    for (std::size_t i = start; i < end; ++i) append_params(params, tenant, deltas[i]);
    if (per == 1)
      writer.execute(sqlite_one, params);
    else
      writer.execute(upsert_sql(dialect, end - start), params);
  }
}

}  // namespace zaplify::core
