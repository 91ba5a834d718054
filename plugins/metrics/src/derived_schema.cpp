#include "derived_schema.h"

#include <string>

#include "conversation_table.h"
#include "rollup.h"

namespace zaplify::metrics {
namespace {

// SQLite keeps these narrow tables clustered on their primary key (WITHOUT ROWID), so a range scan
// reads the table itself; PostgreSQL gets the same key as a plain primary-key index.
std::string tables_sql(const std::string& clustered) {
  return "CREATE TABLE metrics_rollup (tenant_id TEXT NOT NULL, metric TEXT NOT NULL, "
         "unit BIGINT NOT NULL, n BIGINT NOT NULL, total DOUBLE PRECISION NOT NULL, "
         "PRIMARY KEY (tenant_id, metric, unit))" + clustered + ";"
         "CREATE TABLE metrics_replies (tenant_id TEXT NOT NULL, ts BIGINT NOT NULL, "
         "event_id TEXT NOT NULL, conversation_id TEXT NOT NULL, assistant_id TEXT NOT NULL, "
         "response_time_ms DOUBLE PRECISION, tokens BIGINT, "
         "PRIMARY KEY (tenant_id, ts, event_id))" + clustered + ";"
         "CREATE INDEX metrics_replies_range ON metrics_replies "
         "(tenant_id, ts, assistant_id, response_time_ms, tokens);"
         // assistant_id too: without it SQLite's planner (no statistics) scans the tenant's
         // replies for the hook's re-attribution UPDATE instead of seeking the conversations.
         "CREATE INDEX metrics_replies_conversation ON metrics_replies "
         "(tenant_id, conversation_id, assistant_id);"
         "CREATE TABLE metrics_lead_created (tenant_id TEXT NOT NULL, ts BIGINT NOT NULL, "
         "lead_id TEXT NOT NULL, event_id TEXT NOT NULL, "
         "PRIMARY KEY (tenant_id, ts, lead_id, event_id))" + clustered + ";"
         "CREATE TABLE metrics_stage_events (tenant_id TEXT NOT NULL, funnel_id TEXT NOT NULL, "
         "stage TEXT NOT NULL, ts BIGINT NOT NULL, lead_id TEXT NOT NULL, event_id TEXT NOT NULL, "
         "PRIMARY KEY (tenant_id, funnel_id, stage, ts, lead_id, event_id))" + clustered + ";"
         // Outcome and assistant in the indexes make the KPI and performance counts index-only.
         "DROP INDEX metrics_conversations_start;"
         "DROP INDEX metrics_conversations_end;"
         "CREATE INDEX metrics_conversations_start ON metrics_conversations "
         "(tenant_id, start_ts, assistant_id);"
         "CREATE INDEX metrics_conversations_end ON metrics_conversations "
         "(tenant_id, end_ts, outcome, assistant_id);";
}

// Mirrors add_event() in rollup.cpp.
std::string backfill_sql() {
  const std::string u = unit_sql("ts");
  const std::string upsert =
      " ON CONFLICT (tenant_id, metric, unit) DO UPDATE SET n = metrics_rollup.n + excluded.n, "
      "total = metrics_rollup.total + excluded.total;";
  const std::string ins = "INSERT INTO metrics_rollup (tenant_id, metric, unit, n, total) ";
  // "WHERE ... GROUP BY" before ON CONFLICT: SQLite needs the WHERE to parse an upsert of a SELECT.
  return ins + "SELECT tenant_id, 'msg', " + u + ", COUNT(*), CAST(0 AS DOUBLE PRECISION) "
         "FROM events WHERE type = 'message' GROUP BY tenant_id, " + u + upsert +
         ins + "SELECT tenant_id, 'msg:' || sender, " + u + ", COUNT(*), "
         "CAST(0 AS DOUBLE PRECISION) FROM events WHERE type = 'message' AND sender IS NOT NULL "
         "GROUP BY tenant_id, sender, " + u + upsert +
         ins + "SELECT tenant_id, 'rt:' || sender, " + u + ", COUNT(*), SUM(response_time_ms) "
         "FROM events WHERE type = 'message' AND response_time_ms IS NOT NULL "
         "AND sender IS NOT NULL GROUP BY tenant_id, sender, " + u + upsert +
         ins + "SELECT tenant_id, 'stage', " + u + ", COUNT(*), CAST(0 AS DOUBLE PRECISION) "
         "FROM events WHERE type = 'stage_changed' GROUP BY tenant_id, " + u + upsert +
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

}  // namespace

std::vector<sdk::Migration> derived_table_migrations() {
  sdk::Migration m;
  m.version = 3;
  m.description = "metrics rollup, replies, lead and stage tables (+ backfill)";
  m.sql = tables_sql(" WITHOUT ROWID") + backfill_sql();
  m.postgres_sql = tables_sql("") + backfill_sql();
  return {m};
}

std::vector<sdk::Migration> all_migrations() {
  auto out = conversation_table_migrations();
  for (auto& m : derived_table_migrations()) out.push_back(std::move(m));
  return out;
}

}  // namespace zaplify::metrics
