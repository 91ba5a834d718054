#include "conversation_summary.h"

#include <algorithm>
#include <unordered_map>

namespace zaplify::conversation {
namespace {

const std::string kNeverText = std::to_string(kNever);
const std::string kNeverMinText = std::to_string(kNeverMin);

const std::vector<std::string>& summary_columns() {
  static const std::vector<std::string> cols{
      "tenant_id", "conversation_id", "start_ts", "start_id", "lead_id", "assistant_id",
      "channel", "end_ts", "end_id", "outcome", "messages", "lead_messages", "score_sum",
      "first_lead_ts", "first_reply_ts", "min_reply_ts", "max_reply_ts", "last_ts", "reply_dirty"};
  return cols;
}

// PostgreSQL compares text by the database collation; id tie-breaks must use bytes, as SQLite.
std::string bytes(sdk::Dialect d) { return d == sdk::Dialect::PostgreSQL ? " COLLATE \"C\"" : ""; }

bool is_conversation_event(const sdk::Event& e) {
  return !e.conversation_id.empty() &&
         (e.type == "message" || e.type == "conversation_started" || e.type == "conversation_ended");
}
bool is_reply(const sdk::Event& e) { return e.sender == "assistant" || e.sender == "agent"; }

// The ON CONFLICT merge of the stored row (o) with the incoming delta (x = excluded); the SQL twin
// of merging two SummaryDeltas. Every right-hand side sees the row as it was before the update.
std::string merge_sql(sdk::Dialect dialect) {
  const std::string c = bytes(dialect);
  const std::string o = "conv_summary.", x = "excluded.";
  auto earlier = [&](const std::string& ts, const std::string& id) {
    return "(" + x + ts + " < " + o + ts + " OR (" + x + ts + " = " + o + ts + " AND " + x + id + c +
           " < " + o + id + c + "))";
  };
  auto pick = [](const std::string& cond, const std::string& col) {
    return col + " = CASE WHEN " + cond + " THEN excluded." + col + " ELSE conv_summary." + col + " END";
  };
  auto least = [&](const std::string& a, const std::string& b) {
    return "CASE WHEN " + a + " < " + b + " THEN " + a + " ELSE " + b + " END";
  };
  auto greatest = [&](const std::string& a, const std::string& b) {
    return "CASE WHEN " + a + " > " + b + " THEN " + a + " ELSE " + b + " END";
  };
  const std::string started = earlier("start_ts", "start_id");
  const std::string ended = earlier("end_ts", "end_id");
  const std::string f = "(" + least(x + "first_lead_ts", o + "first_lead_ts") + ")";
  // What side s contributes to the first reply at or after the merged first lead f.
  auto contribution = [&](const std::string& s) {
    return "CASE WHEN " + s + "max_reply_ts < " + f + " THEN " + kNeverText + " WHEN " + s +
           "min_reply_ts >= " + f + " THEN " + s + "min_reply_ts WHEN " + s + "first_lead_ts = " + f +
           " THEN " + s + "first_reply_ts ELSE " + kNeverText + " END";
  };
  auto undecided = [&](const std::string& s) {
    return "(CASE WHEN " + s + "max_reply_ts < " + f + " THEN 0 WHEN " + s + "min_reply_ts >= " + f +
           " THEN 0 WHEN " + s + "first_lead_ts = " + f + " THEN " + s + "reply_dirty ELSE 1 END)";
  };
  std::string sql;
  for (const char* col : {"start_ts", "start_id", "lead_id", "assistant_id", "channel"})
    sql += pick(started, col) + ", ";
  for (const char* col : {"end_ts", "end_id", "outcome"}) sql += pick(ended, col) + ", ";
  for (const char* col : {"messages", "lead_messages", "score_sum"})
    sql += std::string(col) + " = " + o + col + " + " + x + col + ", ";
  sql += "first_lead_ts = " + f + ", ";
  sql += "first_reply_ts = " + least("(" + contribution(o) + ")", "(" + contribution(x) + ")") + ", ";
  sql += "min_reply_ts = " + least(x + "min_reply_ts", o + "min_reply_ts") + ", ";
  sql += "max_reply_ts = " + greatest(x + "max_reply_ts", o + "max_reply_ts") + ", ";
  sql += "last_ts = " + greatest(x + "last_ts", o + "last_ts") + ", ";
  sql += "reply_dirty = CASE WHEN " + undecided(o) + " + " + undecided(x) + " > 0 THEN 1 ELSE 0 END";
  return sql;
}

std::string upsert_sql(sdk::Dialect dialect, std::size_t rows) {
  const auto& cols = summary_columns();
  std::string sql = "INSERT INTO conv_summary (";
  std::string marks = "(";
  for (std::size_t i = 0; i < cols.size(); ++i) {
    sql += (i ? ", " : "") + cols[i];
    marks += i ? ", ?" : "?";
  }
  marks += ")";
  sql += ") VALUES ";
  for (std::size_t r = 0; r < rows; ++r) sql += (r ? ", " : "") + marks;
  return sql + " ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET " + merge_sql(dialect);
}

void append_params(std::vector<sdk::Value>& p, const std::string& tenant, const SummaryDelta& d) {
  p.insert(p.end(), {tenant, d.conversation_id, d.start_ts, d.start_id, d.lead_id, d.assistant_id,
                     d.channel, d.end_ts, d.end_id, d.outcome, d.messages, d.lead_messages,
                     d.score_sum, d.first_lead_ts, d.first_reply_ts, d.min_reply_ts, d.max_reply_ts,
                     d.last_ts, static_cast<std::int64_t>(d.reply_dirty ? 1 : 0)});
}

std::string backfill_sql(sdk::Dialect dialect) {
  const std::string c = bytes(dialect);
  auto first_of = [&](const char* type) {
    return "(SELECT p.id FROM events p WHERE p.tenant_id = k.tenant_id AND p.conversation_id ="
           " k.conversation_id AND p.type = '" + std::string(type) + "' ORDER BY p.ts, p.id" + c + " LIMIT 1)";
  };
  std::string sql = "INSERT INTO conv_summary (";
  for (std::size_t i = 0; i < summary_columns().size(); ++i) sql += (i ? ", " : "") + summary_columns()[i];
  sql += ") SELECT k.tenant_id, k.conversation_id, COALESCE(s.ts, " + kNeverText + "),"
         " COALESCE(s.id, ''), COALESCE(s.lead_id, ''), COALESCE(s.assistant_id, ''),"
         " COALESCE(s.channel, 'whatsapp'), COALESCE(x.ts, " + kNeverText + "), COALESCE(x.id, ''),"
         " COALESCE(x.outcome, ''), k.messages, k.lead_messages,"
         " COALESCE((SELECT SUM(q.score) FROM conv_message_scores q WHERE q.tenant_id = k.tenant_id"
         "  AND q.conversation_id = k.conversation_id), 0),"
         " COALESCE(k.first_lead, " + kNeverText + "),"
         " COALESCE((SELECT MIN(m.ts) FROM events m WHERE m.tenant_id = k.tenant_id AND m.conversation_id ="
         "  k.conversation_id AND m.type = 'message' AND m.sender IN ('assistant', 'agent')"
         "  AND m.ts >= k.first_lead), " + kNeverText + "),"
         " COALESCE(k.min_reply, " + kNeverText + "), COALESCE(k.max_reply, " + kNeverMinText + "),"
         " k.last_ts, 0"
         " FROM (SELECT tenant_id, conversation_id,"
         "  SUM(CASE WHEN type = 'message' THEN 1 ELSE 0 END) AS messages,"
         "  SUM(CASE WHEN type = 'message' AND sender = 'lead' THEN 1 ELSE 0 END) AS lead_messages,"
         "  MIN(CASE WHEN type = 'message' AND sender = 'lead' THEN ts END) AS first_lead,"
         "  MIN(CASE WHEN type = 'message' AND sender IN ('assistant', 'agent') THEN ts END) AS min_reply,"
         "  MAX(CASE WHEN type = 'message' AND sender IN ('assistant', 'agent') THEN ts END) AS max_reply,"
         "  MAX(ts) AS last_ts"
         "  FROM events WHERE conversation_id IS NOT NULL AND conversation_id <> ''"
         "  AND type IN ('conversation_started', 'conversation_ended', 'message')"
         "  GROUP BY tenant_id, conversation_id) k"
         " LEFT JOIN events s ON s.tenant_id = k.tenant_id AND s.id = " + first_of("conversation_started") +
         " LEFT JOIN events x ON x.tenant_id = k.tenant_id AND x.id = " + first_of("conversation_ended");
  return sql;
}

}  // namespace

sdk::Migration summary_migration(int version) {
  const std::string columns =
      " tenant_id TEXT NOT NULL, conversation_id TEXT NOT NULL, start_ts BIGINT NOT NULL,"
      " start_id TEXT NOT NULL, lead_id TEXT NOT NULL, assistant_id TEXT NOT NULL,"
      " channel TEXT NOT NULL, end_ts BIGINT NOT NULL, end_id TEXT NOT NULL, outcome TEXT NOT NULL,"
      " messages BIGINT NOT NULL, lead_messages BIGINT NOT NULL, score_sum DOUBLE PRECISION NOT NULL,"
      " first_lead_ts BIGINT NOT NULL, first_reply_ts BIGINT NOT NULL, min_reply_ts BIGINT NOT NULL,"
      " max_reply_ts BIGINT NOT NULL, last_ts BIGINT NOT NULL, reply_dirty INTEGER NOT NULL,";
  const std::string purge = "CREATE INDEX IF NOT EXISTS conv_summary_last ON conv_summary (last_ts);";
  sdk::Migration m;
  m.version = version;
  m.description = "conversation: per-conversation summary (overview and conversations export)";
  // SQLite: clustered by start, so a window is one sequential range read in export order.
  m.sql = "CREATE TABLE IF NOT EXISTS conv_summary (" + columns +
          " PRIMARY KEY (tenant_id, start_ts, conversation_id)) WITHOUT ROWID;"
          "CREATE UNIQUE INDEX IF NOT EXISTS conv_summary_conv ON conv_summary (tenant_id, conversation_id);" +
          purge + backfill_sql(sdk::Dialect::SQLite);
  // PostgreSQL: a heap keyed by conversation, and the window index in export order (bytes).
  m.postgres_sql = "CREATE TABLE IF NOT EXISTS conv_summary (" + columns +
                   " PRIMARY KEY (tenant_id, conversation_id));"
                   "CREATE INDEX IF NOT EXISTS conv_summary_start ON conv_summary"
                   " (tenant_id, start_ts, conversation_id COLLATE \"C\");" +
                   purge + backfill_sql(sdk::Dialect::PostgreSQL);
  return m;
}

std::vector<SummaryDelta> summarize_batch(const std::vector<sdk::Event>& events,
                                          const std::vector<double>& lead_scores) {
  std::vector<SummaryDelta> out;
  std::unordered_map<std::string_view, std::size_t> index;
  std::vector<std::size_t> slot(events.size(), SIZE_MAX);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const sdk::Event& e = events[i];
    if (!is_conversation_event(e)) continue;
    auto [it, fresh] = index.try_emplace(e.conversation_id, out.size());
    if (fresh) out.emplace_back().conversation_id = e.conversation_id;
    slot[i] = it->second;
    SummaryDelta& d = out[it->second];
    d.last_ts = std::max(d.last_ts, e.ts_ms);
    if (e.type == "conversation_started") {
      if (e.ts_ms < d.start_ts || (e.ts_ms == d.start_ts && e.id < d.start_id)) {
        d.start_ts = e.ts_ms;
        d.start_id = e.id;
        d.lead_id = e.lead_id;
        d.assistant_id = e.assistant_id;
        d.channel = e.channel.empty() ? std::string("whatsapp") : e.channel;
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
        d.score_sum += lead_scores[i];
        d.first_lead_ts = std::min(d.first_lead_ts, e.ts_ms);
      } else if (is_reply(e)) {
        d.min_reply_ts = std::min(d.min_reply_ts, e.ts_ms);
        d.max_reply_ts = std::max(d.max_reply_ts, e.ts_ms);
      }
    }
  }
  // The batch knows all of its own replies, so its first reply is exact.
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (slot[i] == SIZE_MAX || events[i].type != "message" || !is_reply(events[i])) continue;
    SummaryDelta& d = out[slot[i]];
    if (events[i].ts_ms >= d.first_lead_ts) d.first_reply_ts = std::min(d.first_reply_ts, events[i].ts_ms);
  }
  return out;
}

void upsert_summaries(sdk::SqlWriter& writer, const std::string& tenant,
                      const std::vector<SummaryDelta>& deltas) {
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
    if (per == 1) writer.execute(sqlite_one, params);
    else writer.execute(upsert_sql(dialect, end - start), params);
  }
}

void adjust_score_sum(sdk::SqlWriter& writer, const std::string& tenant,
                      const std::string& conversation_id, double delta) {
  writer.execute("UPDATE conv_summary SET score_sum = score_sum + ? WHERE tenant_id = ? AND conversation_id = ?",
                 {delta, tenant, conversation_id});
}

void for_each_conversation(const sdk::Store& store, const std::string& tenant, std::int64_t from_ms,
                           std::int64_t to_ms, bool with_response,
                           const std::function<void(const ConversationView&)>& on_row) {
  const std::string c = bytes(store.dialect());
  std::string sql =
      "SELECT s.conversation_id, s.lead_id, s.assistant_id, s.channel, s.start_ts, s.end_ts,"
      " s.outcome, s.messages, s.lead_messages, s.score_sum";
  if (with_response)
    sql += ", s.first_lead_ts, CASE WHEN s.reply_dirty = 0 THEN s.first_reply_ts ELSE"
           " (SELECT MIN(m.ts) FROM events m WHERE m.tenant_id = s.tenant_id AND m.conversation_id ="
           " s.conversation_id AND m.type = 'message' AND m.sender IN ('assistant', 'agent')"
           " AND m.ts >= s.first_lead_ts) END";
  sql += " FROM conv_summary s WHERE s.tenant_id = ? AND s.start_ts >= ? AND s.start_ts < ?"
         " ORDER BY s.start_ts, s.conversation_id" + c;
  ConversationView v;
  store.query(sql, {tenant, from_ms, to_ms}, [&](const sdk::Row& r) {
    v.conversation_id = r.text(0);
    v.lead_id = r.text(1);
    v.assistant_id = r.text(2);
    v.channel = r.text(3);
    v.started_ms = r.int64(4);
    const std::int64_t end = r.int64(5);
    v.ended_ms = end == kNever ? std::nullopt : std::optional<std::int64_t>(end);
    v.outcome = v.ended_ms ? r.text(6) : std::string_view("open");
    v.messages = r.int64(7);
    v.lead_messages = r.int64(8);
    v.avg_sentiment = v.lead_messages > 0
                          ? std::optional<double>(r.number(9) / static_cast<double>(v.lead_messages))
                          : std::nullopt;
    if (with_response) {
      const std::int64_t lead = r.int64(10);
      v.first_lead_ms = lead == kNever ? std::nullopt : std::optional<std::int64_t>(lead);
      const bool replied = v.first_lead_ms && !r.is_null(11) && r.int64(11) != kNever;
      v.first_response_ms = replied ? std::optional<std::int64_t>(r.int64(11)) : std::nullopt;
    }
    on_row(v);
  });
}

}  // namespace zaplify::conversation
