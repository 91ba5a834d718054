#include "conversation_summary.h"

#include <algorithm>
#include <unordered_map>

#include "zaplify/sdk/host_tables.h"

namespace zaplify::conversation {
namespace {

struct ScoreSum {
  std::string_view conversation_id;
  double sum = 0;
  std::int64_t last_ts = 0;
};

std::string upsert_sql(std::size_t rows) {
  std::string sql =
      "INSERT INTO conv_scores (tenant_id, conversation_id, score_sum, last_ts) VALUES ";
  for (std::size_t r = 0; r < rows; ++r) sql += r ? ", (?, ?, ?, ?)" : "(?, ?, ?, ?)";
  return sql +
         " ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET"
         " score_sum = conv_scores.score_sum + excluded.score_sum,"
         " last_ts = CASE WHEN excluded.last_ts > conv_scores.last_ts THEN excluded.last_ts"
         " ELSE conv_scores.last_ts END";
}

}  // namespace

sdk::Migration score_sums_migration(int version) {
  sdk::Migration m;
  m.version = version;
  m.description =
      "conversation: per-conversation score sums; conv_summary's facts are the host's "
      "conversations";
  m.sql =
      "DROP TABLE IF EXISTS conv_summary;"
      "CREATE TABLE IF NOT EXISTS conv_scores (tenant_id TEXT NOT NULL, conversation_id TEXT NOT "
      "NULL,"
      " score_sum DOUBLE PRECISION NOT NULL, last_ts BIGINT NOT NULL,"
      " PRIMARY KEY (tenant_id, conversation_id));"
      "INSERT INTO conv_scores (tenant_id, conversation_id, score_sum, last_ts)"
      " SELECT tenant_id, conversation_id, SUM(score), MAX(ts) FROM conv_message_scores"
      " GROUP BY tenant_id, conversation_id";
  return m;
}

void add_score_sums(sdk::SqlWriter& writer, const std::string& tenant,
                    const std::vector<sdk::Event>& events, const std::vector<double>& lead_scores) {
  std::vector<ScoreSum> sums;
  std::unordered_map<std::string_view, std::size_t> index;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const sdk::Event& e = events[i];
    if (e.type != "message" || e.sender != "lead") continue;
    auto [it, fresh] = index.try_emplace(e.conversation_id, sums.size());
    if (fresh) sums.push_back({e.conversation_id, 0, e.ts_ms});
    ScoreSum& s = sums[it->second];
    s.sum += lead_scores[i];
    s.last_ts = std::max(s.last_ts, e.ts_ms);
  }
  // SQLite: the single-row statement stays prepared in the host's cache. PostgreSQL: chunks keep
  // the round trips few (and below the 65,535-parameter cap).
  const std::size_t per = writer.dialect() == sdk::Dialect::SQLite ? 1 : 500;
  static const std::string one = upsert_sql(1);
  std::vector<sdk::Value> params;
  for (std::size_t start = 0; start < sums.size(); start += per) {
    const std::size_t end = std::min(sums.size(), start + per);
    params.clear();
    for (std::size_t i = start; i < end; ++i)
      params.insert(params.end(),
                    {tenant, std::string(sums[i].conversation_id), sums[i].sum, sums[i].last_ts});
    writer.execute(per == 1 ? one : upsert_sql(end - start), params);
  }
}

void adjust_score_sum(sdk::SqlWriter& writer, const std::string& tenant,
                      const std::string& conversation_id, double delta) {
  writer.execute(
      "UPDATE conv_scores SET score_sum = score_sum + ? WHERE tenant_id = ? AND conversation_id = "
      "?",
      {delta, tenant, conversation_id});
}

void for_each_conversation(const sdk::Store& store, const std::string& tenant, std::int64_t from_ms,
                           std::int64_t to_ms, bool with_response,
                           const std::function<void(const ConversationView&)>& on_row) {
  const std::string c = sdk::byte_order(store.dialect());
  std::string sql =
      "SELECT s.conversation_id, s.lead_id, s.assistant_id, s.channel, s.start_ts, s.end_ts,"
      " s.outcome, s.messages, s.lead_messages, q.score_sum";
  if (with_response)
    sql +=
        ", s.first_lead_ts, CASE WHEN s.reply_dirty = 0 THEN s.first_reply_ts ELSE"
        " (SELECT MIN(m.ts) FROM events m WHERE m.tenant_id = s.tenant_id AND m.conversation_id ="
        " s.conversation_id AND m.type = 'message' AND m.sender IN ('assistant', 'agent')"
        " AND m.ts >= s.first_lead_ts) END";
  // One conv_scores lookup per conversation with lead messages; the host's rows are read in
  // (start, id) order from its clustered table (SQLite) or window index (PostgreSQL).
  sql += std::string(" FROM ") + sdk::kConversations +
         " s LEFT JOIN conv_scores q ON s.lead_messages > 0"
         " AND q.tenant_id = s.tenant_id AND q.conversation_id = s.conversation_id"
         " WHERE s.tenant_id = ? AND s.start_ts >= ? AND s.start_ts < ?"
         " ORDER BY s.start_ts, s.conversation_id" +
         c;
  ConversationView v;
  store.query(sql, {tenant, from_ms, to_ms}, [&](const sdk::Row& r) {
    v.conversation_id = r.text(0);
    v.lead_id = r.text(1);
    v.assistant_id = r.text(2);
    v.channel = r.text(3);
    v.started_ms = r.int64(4);
    const std::int64_t end = r.int64(5);
    v.ended_ms = end == sdk::kNoInstant ? std::nullopt : std::optional<std::int64_t>(end);
    v.outcome = v.ended_ms ? r.text(6) : std::string_view("open");
    v.messages = r.int64(7);
    v.lead_messages = r.int64(8);
    // No sum once every lead message it held aged out (retention): no average then.
    v.avg_sentiment =
        v.lead_messages > 0 && !r.is_null(9)
            ? std::optional<double>(r.number(9) / static_cast<double>(v.lead_messages))
            : std::nullopt;
    if (with_response) {
      const std::int64_t lead = r.int64(10);
      v.first_lead_ms = lead == sdk::kNoInstant ? std::nullopt : std::optional<std::int64_t>(lead);
      const bool replied = v.first_lead_ms && !r.is_null(11) && r.int64(11) != sdk::kNoInstant;
      v.first_response_ms = replied ? std::optional<std::int64_t>(r.int64(11)) : std::nullopt;
    }
    on_row(v);
  });
}

}  // namespace zaplify::conversation
