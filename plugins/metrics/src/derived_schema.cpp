#include "derived_schema.h"

#include <string>

#include "conversation_table.h"
#include "reply_triggers.h"
#include "rollup.h"

namespace zaplify::metrics {
namespace {

// SQLite keeps these narrow tables clustered on their primary key (WITHOUT ROWID), so a range scan
// reads the table itself; PostgreSQL gets the same key as a plain primary-key index.
std::string tables_sql(const std::string& clustered) {
  return "CREATE TABLE metrics_rollup (tenant_id TEXT NOT NULL, metric TEXT NOT NULL, "
         "unit BIGINT NOT NULL, n BIGINT NOT NULL, total DOUBLE PRECISION NOT NULL, "
         "PRIMARY KEY (tenant_id, metric, unit))" +
         clustered +
         ";"
         "CREATE TABLE metrics_replies (tenant_id TEXT NOT NULL, ts BIGINT NOT NULL, "
         "event_id TEXT NOT NULL, conversation_id TEXT NOT NULL, assistant_id TEXT NOT NULL, "
         "response_time_ms DOUBLE PRECISION, tokens BIGINT, "
         "PRIMARY KEY (tenant_id, ts, event_id))" +
         clustered +
         ";"
         "CREATE INDEX metrics_replies_range ON metrics_replies "
         "(tenant_id, ts, assistant_id, response_time_ms, tokens);"
         // assistant_id too: without it SQLite's planner (no statistics) scans the tenant's
         // replies for the hook's re-attribution UPDATE instead of seeking the conversations.
         "CREATE INDEX metrics_replies_conversation ON metrics_replies "
         "(tenant_id, conversation_id, assistant_id);"
         "CREATE TABLE metrics_lead_created (tenant_id TEXT NOT NULL, ts BIGINT NOT NULL, "
         "lead_id TEXT NOT NULL, event_id TEXT NOT NULL, "
         "PRIMARY KEY (tenant_id, ts, lead_id, event_id))" +
         clustered +
         ";"
         "CREATE TABLE metrics_stage_events (tenant_id TEXT NOT NULL, funnel_id TEXT NOT NULL, "
         "stage TEXT NOT NULL, ts BIGINT NOT NULL, lead_id TEXT NOT NULL, event_id TEXT NOT NULL, "
         "PRIMARY KEY (tenant_id, funnel_id, stage, ts, lead_id, event_id))" +
         clustered +
         ";"
         // Outcome and assistant in the indexes make the KPI and performance counts index-only.
         "DROP INDEX metrics_conversations_start;"
         "DROP INDEX metrics_conversations_end;"
         "CREATE INDEX metrics_conversations_start ON metrics_conversations "
         "(tenant_id, start_ts, assistant_id);"
         "CREATE INDEX metrics_conversations_end ON metrics_conversations "
         "(tenant_id, end_ts, outcome, assistant_id);";
}

// Migration 3 as released (its rollup is replaced by migration 4, which drops it).
std::string backfill_sql() {
  const std::string u = unit_sql("ts");
  const std::string upsert =
      " ON CONFLICT (tenant_id, metric, unit) DO UPDATE SET n = metrics_rollup.n + excluded.n, "
      "total = metrics_rollup.total + excluded.total;";
  const std::string ins = "INSERT INTO metrics_rollup (tenant_id, metric, unit, n, total) ";
  // "WHERE ... GROUP BY" before ON CONFLICT: SQLite needs the WHERE to parse an upsert of a SELECT.
  return ins + "SELECT tenant_id, 'msg', " + u +
         ", COUNT(*), CAST(0 AS DOUBLE PRECISION) "
         "FROM events WHERE type = 'message' GROUP BY tenant_id, " +
         u + upsert + ins + "SELECT tenant_id, 'msg:' || sender, " + u +
         ", COUNT(*), "
         "CAST(0 AS DOUBLE PRECISION) FROM events WHERE type = 'message' AND sender IS NOT NULL "
         "GROUP BY tenant_id, sender, " +
         u + upsert + ins + "SELECT tenant_id, 'rt:' || sender, " + u +
         ", COUNT(*), SUM(response_time_ms) "
         "FROM events WHERE type = 'message' AND response_time_ms IS NOT NULL "
         "AND sender IS NOT NULL GROUP BY tenant_id, sender, " +
         u + upsert + ins + "SELECT tenant_id, 'stage', " + u +
         ", COUNT(*), CAST(0 AS DOUBLE PRECISION) "
         "FROM events WHERE type = 'stage_changed' GROUP BY tenant_id, " +
         u + upsert +
         "INSERT INTO metrics_replies (tenant_id, ts, event_id, conversation_id, assistant_id, "
         "response_time_ms, tokens) SELECT e.tenant_id, e.ts, e.id, e.conversation_id, "
         "COALESCE(c.assistant_id, ''), e.response_time_ms, e.tokens FROM events e "
         "LEFT JOIN metrics_conversations c ON c.tenant_id = e.tenant_id AND "
         "c.conversation_id = e.conversation_id AND c.start_ts IS NOT NULL "
         "WHERE e.type = 'message' AND e.sender = 'assistant';"
         "INSERT INTO metrics_lead_created (tenant_id, ts, lead_id, event_id) "
         "SELECT tenant_id, ts, lead_id, id FROM events WHERE type = 'lead_created';"
         "INSERT INTO metrics_stage_events (tenant_id, funnel_id, stage, ts, lead_id, event_id) "
         "SELECT tenant_id, funnel_id, stage, ts, lead_id, id FROM events "
         "WHERE type = 'stage_changed';";
}

// Migration 4: packed per-unit tables replace metrics_rollup; lead occurrences carry the time of
// the lead's previous occurrence. `agg(x)` concatenates x || ',' over a group (dialect-specific).
std::string packed_tables_sql(const std::string& clustered) {
  const std::string n = " BIGINT NOT NULL DEFAULT 0, ";
  const std::string d = " DOUBLE PRECISION NOT NULL DEFAULT 0, ";
  return "DROP TABLE metrics_rollup;"
         "DROP INDEX metrics_replies_range;"
         "CREATE TABLE metrics_units (tenant_id TEXT NOT NULL, unit BIGINT NOT NULL, msg" +
         n + "msg_lead" + n + "msg_assistant" + n + "msg_agent" + n + "rt_agent_n" + n +
         "rt_agent_sum" + d + "rt_assistant_n" + n + "rt_assistant_sum" + d + "stage" + n +
         "started" + n + "ended" + n + "resolved" + n + "handoff" + n +
         "rt_vals TEXT NOT NULL DEFAULT '', PRIMARY KEY (tenant_id, unit))" + clustered +
         ";"
         "CREATE TABLE metrics_assistant_units (tenant_id TEXT NOT NULL, unit BIGINT NOT NULL, "
         "assistant_id TEXT NOT NULL, conversations" +
         n + "replies" + n + "tokens" + n + "ended" + n + "resolved" + n + "handoff" + n +
         "rt_vals TEXT NOT NULL DEFAULT '', "
         "PRIMARY KEY (tenant_id, unit, assistant_id))" +
         clustered +
         ";"
         "ALTER TABLE metrics_conversations ADD COLUMN has_replies BIGINT NOT NULL DEFAULT 0;"
         "DROP INDEX metrics_conversations_start;"
         "DROP INDEX metrics_conversations_end;"
         "DROP TABLE metrics_lead_created;"
         "CREATE TABLE metrics_lead_created (tenant_id TEXT NOT NULL, ts BIGINT NOT NULL, "
         "lead_id TEXT NOT NULL, event_id TEXT NOT NULL, prev_ts BIGINT, "
         "PRIMARY KEY (tenant_id, lead_id, ts, event_id))" +
         clustered +
         ";"
         // Window counts read (ts, prev_ts) index-only. The key leads with lead_id so the hook's
         // lookups by lead use it (SQLite, without statistics, would range-scan a ts key instead).
         "CREATE INDEX metrics_lead_created_ts ON metrics_lead_created (tenant_id, ts, prev_ts);";
}

std::string packed_backfill_sql(bool postgres) {
  // 17 significant digits print every double exactly; PostgreSQL's text form is already exact.
  auto agg = [&](const std::string& cond, const std::string& x) {
    const std::string text = postgres ? "CAST(" + x + " AS TEXT)" : "printf('%.17g', " + x + ")";
    return "COALESCE(" + std::string(postgres ? "string_agg" : "group_concat") + "(CASE WHEN " +
           cond + " THEN " + text + " || ',' END, ''), '')";
  };
  auto count_if = [](const std::string& cond) {
    return "SUM(CASE WHEN " + cond + " THEN 1 ELSE 0 END)";
  };
  auto sum_if = [](const std::string& cond, const std::string& x) {
    return "COALESCE(SUM(CASE WHEN " + cond + " THEN " + x + " END), 0)";
  };
  const std::string u = unit_sql("ts"), su = unit_sql("start_ts"), eu = unit_sql("end_ts");
  const std::string a_rt = "sender = 'assistant' AND response_time_ms IS NOT NULL";
  const std::string g_rt = "sender = 'agent' AND response_time_ms IS NOT NULL";
  const std::string has_a = "assistant_id IS NOT NULL AND assistant_id <> ''";
  // has_replies: the hook moves a conversation's stored replies only when it is set.
  return "INSERT INTO metrics_conversations (tenant_id, conversation_id, has_replies) SELECT "
         "DISTINCT tenant_id, conversation_id, 1 FROM metrics_replies WHERE conversation_id <> '' "
         "ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET has_replies = 1;"
         "INSERT INTO metrics_units (tenant_id, unit, msg, msg_lead, msg_assistant, msg_agent, "
         "rt_agent_n, rt_agent_sum, rt_assistant_n, rt_assistant_sum, rt_vals) SELECT tenant_id, " +
         u + ", COUNT(*), " + count_if("sender = 'lead'") + ", " +
         count_if("sender = 'assistant'") + ", " + count_if("sender = 'agent'") + ", " +
         count_if(g_rt) + ", " + sum_if(g_rt, "response_time_ms") + ", " + count_if(a_rt) + ", " +
         sum_if(a_rt, "response_time_ms") + ", " + agg(a_rt, "response_time_ms") +
         " FROM events WHERE type = 'message' GROUP BY tenant_id, " + u +
         ";"
         "INSERT INTO metrics_units (tenant_id, unit, stage) SELECT tenant_id, " +
         u + ", COUNT(*) FROM events WHERE type = 'stage_changed' GROUP BY tenant_id, " + u +
         " ON CONFLICT (tenant_id, unit) DO UPDATE SET stage = excluded.stage;"
         "INSERT INTO metrics_units (tenant_id, unit, started) SELECT tenant_id, " +
         su +
         ", COUNT(*) FROM metrics_conversations WHERE start_ts IS NOT NULL GROUP BY tenant_id, " +
         su +
         " ON CONFLICT (tenant_id, unit) DO UPDATE SET started = excluded.started;"
         "INSERT INTO metrics_units (tenant_id, unit, ended, resolved, handoff) SELECT "
         "tenant_id, " +
         eu + ", COUNT(*), " + count_if("outcome = 'resolved'") + ", " +
         count_if("outcome = 'handoff'") +
         " FROM metrics_conversations WHERE end_ts IS NOT NULL "
         "GROUP BY tenant_id, " +
         eu +
         " ON CONFLICT (tenant_id, unit) DO UPDATE SET "
         "ended = excluded.ended, resolved = excluded.resolved, handoff = excluded.handoff;"
         "INSERT INTO metrics_assistant_units (tenant_id, unit, assistant_id, replies, tokens, "
         "rt_vals) SELECT tenant_id, " +
         u + ", assistant_id, COUNT(*), COALESCE(SUM(tokens), 0), " +
         agg("response_time_ms IS NOT NULL", "response_time_ms") +
         " FROM metrics_replies "
         "WHERE assistant_id <> '' GROUP BY tenant_id, " +
         u +
         ", assistant_id;"
         "INSERT INTO metrics_assistant_units (tenant_id, unit, assistant_id, conversations) "
         "SELECT tenant_id, " +
         su +
         ", assistant_id, COUNT(*) FROM metrics_conversations WHERE "
         "start_ts IS NOT NULL AND " +
         has_a + " GROUP BY tenant_id, " + su +
         ", assistant_id "
         "ON CONFLICT (tenant_id, unit, assistant_id) DO UPDATE SET "
         "conversations = excluded.conversations;"
         "INSERT INTO metrics_assistant_units (tenant_id, unit, assistant_id, ended, resolved, "
         "handoff) SELECT tenant_id, " +
         eu + ", assistant_id, COUNT(*), " + count_if("outcome = 'resolved'") + ", " +
         count_if("outcome = 'handoff'") +
         " FROM metrics_conversations WHERE end_ts IS NOT NULL AND start_ts IS NOT NULL AND " +
         has_a + " GROUP BY tenant_id, " + eu +
         ", assistant_id ON CONFLICT (tenant_id, unit, "
         "assistant_id) DO UPDATE SET ended = excluded.ended, resolved = excluded.resolved, "
         "handoff = excluded.handoff;"
         "INSERT INTO metrics_lead_created (tenant_id, ts, lead_id, event_id, prev_ts) SELECT "
         "tenant_id, ts, lead_id, id, LAG(ts) OVER (PARTITION BY tenant_id, lead_id ORDER BY ts, "
         "id) "
         "FROM events WHERE type = 'lead_created' AND lead_id IS NOT NULL AND lead_id <> '';"
         // Replies are read from events now (edges, re-attribution); the unit tables hold the rest.
         "DROP TABLE metrics_replies;";
}

}  // namespace

std::vector<sdk::Migration> derived_table_migrations() {
  sdk::Migration m;
  m.version = 3;
  m.description = "metrics rollup, replies, lead and stage tables (+ backfill)";
  m.sql = tables_sql(" WITHOUT ROWID") + backfill_sql();
  m.postgres_sql = tables_sql("") + backfill_sql();
  sdk::Migration packed;
  packed.version = 4;
  packed.description = "metrics per-unit packed tables, lead occurrences with previous time";
  packed.sql = packed_tables_sql(" WITHOUT ROWID") + packed_backfill_sql(false);
  packed.postgres_sql = packed_tables_sql("") + packed_backfill_sql(true);
  // Migration 5: stage changes are read from the host's stage_events (sdk/host_tables.h).
  sdk::Migration stages;
  stages.version = 5;
  stages.description = "metrics_stage_events retired: the host's stage_events replaces it";
  stages.sql = "DROP TABLE IF EXISTS metrics_stage_events";
  return {m, packed, stages};
}

std::vector<sdk::Migration> all_migrations() {
  auto out = conversation_table_migrations();
  for (auto& m : derived_table_migrations()) out.push_back(std::move(m));
  out.push_back(reply_triggers_migration());
  return out;
}

}  // namespace zaplify::metrics
