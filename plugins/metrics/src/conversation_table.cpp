#include "conversation_table.h"

#include <string>

namespace zaplify::metrics {
namespace {

// PostgreSQL's default collation may order text by locale; "smallest event id" means byte order,
// which SQLite's BINARY gives by default and PostgreSQL gives with COLLATE "C".
std::string schema_sql(const std::string& collate) {
  const std::string text_c = "TEXT" + collate;
  return "CREATE TABLE metrics_conversations ("
         "tenant_id TEXT NOT NULL, conversation_id TEXT NOT NULL, "
         "start_ts BIGINT, start_id " +
         text_c +
         ", lead_id TEXT, assistant_id TEXT, channel TEXT, "
         "end_ts BIGINT, end_id " +
         text_c +
         ", outcome TEXT, "
         "PRIMARY KEY (tenant_id, conversation_id));"
         "CREATE INDEX metrics_conversations_start ON metrics_conversations (tenant_id, start_ts);"
         "CREATE INDEX metrics_conversations_end ON metrics_conversations (tenant_id, end_ts);";
}

std::string earlier(const std::string& a, const std::string& b, const std::string& collate) {
  // Event a precedes event b in the (ts, id) order.
  return "(" + a + ".ts < " + b + ".ts OR (" + a + ".ts = " + b + ".ts AND " + a + ".id" + collate +
         " < " + b + ".id" + collate + "))";
}

std::string backfill_sql(const std::string& collate) {
  auto first_of = [&](const std::string& type) {
    return "FROM events e WHERE e.type = '" + type +
           "' AND NOT EXISTS (SELECT 1 FROM events p "
           "WHERE p.tenant_id = e.tenant_id AND p.conversation_id = e.conversation_id AND p.type = "
           "'" +
           type + "' AND " + earlier("p", "e", collate) + ")";
  };
  return "INSERT INTO metrics_conversations (tenant_id, conversation_id, start_ts, start_id, "
         "lead_id,"
         " assistant_id, channel) SELECT e.tenant_id, e.conversation_id, e.ts, e.id, e.lead_id,"
         " CASE WHEN e.assistant_id = '' THEN NULL ELSE e.assistant_id END, e.channel " +
         first_of("conversation_started") + ";" +
         "INSERT INTO metrics_conversations (tenant_id, conversation_id, end_ts, end_id, outcome) "
         "SELECT e.tenant_id, e.conversation_id, e.ts, e.id, e.outcome " +
         first_of("conversation_ended") +
         " ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET end_ts = excluded.end_ts, "
         "end_id = excluded.end_id, outcome = excluded.outcome;";
}

}  // namespace

void for_each_first(
    const sdk::Store& store, const std::string& tenant, bool ending, std::int64_t from,
    std::int64_t to, bool inclusive,
    const std::function<void(std::int64_t, std::string_view, std::string_view)>& on_row) {
  // The ids are compared here: PostgreSQL refuses `=` between the "C" column and events.id.
  // CROSS JOIN fixes SQLite's join order: the range's few events first.
  const std::string sql =
      std::string("SELECT e.ts, e.id, ") + (ending ? "c.end_id" : "c.start_id") +
      ", c.assistant_id, c.outcome FROM events e CROSS JOIN metrics_conversations c WHERE "
      "e.tenant_id = ? AND e.type = ? AND e.ts >= ? AND e.ts " +
      (inclusive ? "<=" : "<") +
      " ? AND c.tenant_id = e.tenant_id AND c.conversation_id = e.conversation_id";
  store.query(
      sql, {tenant, std::string(ending ? "conversation_ended" : "conversation_started"), from, to},
      [&](const sdk::Row& row) {
        if (row.is_null(2) || row.text(1) != row.text(2)) return;
        on_row(row.int64(0), row.text(3), row.text(4));
      });
}

std::vector<sdk::Migration> conversation_table_migrations() {
  sdk::Migration create;
  create.version = 1;
  create.description = "metrics_conversations: earliest start and end per conversation";
  create.sql = schema_sql("");
  create.postgres_sql = schema_sql(" COLLATE \"C\"");
  sdk::Migration backfill;
  backfill.version = 2;
  backfill.description = "metrics_conversations: backfill from stored events";
  backfill.sql = backfill_sql("");
  backfill.postgres_sql = backfill_sql(" COLLATE \"C\"");
  return {create, backfill};
}

}  // namespace zaplify::metrics
