#include "storage/migrations.h"

#include <algorithm>
#include <chrono>

#include "conversations/conversation_state.h"
#include "storage/core_writer.h"
#include "storage/database.h"
#include "zaplify/sdk/host_tables.h"

namespace zaplify::core::storage {
namespace {

// Arbitrary constant: the advisory lock id all Zaplify instances agree on.
constexpr std::int64_t kMigrationLockId = 0x5A61706C6966ll;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void lock_if_postgres(sdk::SqlWriter& w) {
  if (w.dialect() == sdk::Dialect::PostgreSQL)
    w.query("SELECT pg_advisory_xact_lock(?)", {sdk::Value(kMigrationLockId)},
            [](const sdk::Row&) {});
}

// The whole script goes to the database at once (sqlite3_exec / PQexec run several statements),
// so PostgreSQL function bodies and literals holding ';' survive.
void run_script(sdk::SqlWriter& w, const std::string& script) {
  if (auto* core = dynamic_cast<CoreWriter*>(&w)) {
    core->execute_script(script);
    return;
  }
  w.execute(script, {});
}

}  // namespace

// Migration 3: every stored event gets `seq`, a number that only grows (never reused, also after
// a purge), so projections can record how far they applied the log. SQLite: the events table is
// rebuilt once with `seq` as its AUTOINCREMENT rowid, old rows keeping their insertion order.
// PostgreSQL: a BIGSERIAL column (its sequence is never reset) with an index for catch-up scans.
// The projection state tables record, per projection, its version, state and applied seq, and
// which tables it owns (so a disabled plugin's tables are still purged with retention).
sdk::Migration event_sequence_migration() {
  const std::string state =
      "CREATE TABLE IF NOT EXISTS projection_state (projection TEXT NOT NULL PRIMARY KEY,"
      " plugin TEXT NOT NULL, version INTEGER NOT NULL, state TEXT NOT NULL,"
      " applied_seq BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS projection_tables (projection TEXT NOT NULL, table_name TEXT NOT "
      "NULL,"
      " age_column TEXT NOT NULL, age_unit_ms BIGINT NOT NULL, PRIMARY KEY (projection, "
      "table_name));";
  const std::string columns =
      "tenant_id, id, type, ts, lead_id, conversation_id, assistant_id, channel, sender, text,"
      " response_time_ms, tokens, outcome, funnel_id, stage, name, stages, source";
  sdk::Migration m;
  m.version = 3;
  m.description = "events.seq (the log order projections follow) and the projection state tables";
  m.sql = state +
          "ALTER TABLE events RENAME TO events_v2;"
          "DROP INDEX IF EXISTS events_tenant_type_ts;"
          "DROP INDEX IF EXISTS events_tenant_funnel_ts_p;"
          "DROP INDEX IF EXISTS events_tenant_conversation_ts_p;"
          "CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
          " tenant_id TEXT NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL, ts BIGINT NOT NULL,"
          " lead_id TEXT, conversation_id TEXT, assistant_id TEXT, channel TEXT,"
          " sender TEXT, text TEXT, response_time_ms DOUBLE PRECISION, tokens BIGINT,"
          " outcome TEXT, funnel_id TEXT, stage TEXT, name TEXT, stages TEXT, source TEXT,"
          " UNIQUE (tenant_id, id));"
          "INSERT INTO events (seq, " +
          columns + ") SELECT rowid, " + columns +
          " FROM events_v2 ORDER BY rowid;"
          "DROP TABLE events_v2;"
          "CREATE INDEX events_tenant_type_ts ON events (tenant_id, type, ts);"
          "CREATE INDEX events_tenant_funnel_ts_p ON events (tenant_id, funnel_id, ts)"
          " WHERE funnel_id IS NOT NULL;"
          "CREATE INDEX events_tenant_conversation_ts_p ON events (tenant_id, conversation_id, ts)"
          " WHERE conversation_id IS NOT NULL";
  m.postgres_sql = state +
                   "ALTER TABLE events ADD COLUMN seq BIGSERIAL;"
                   "CREATE INDEX events_seq ON events (seq)";
  return m;
}

std::vector<sdk::Migration> core_migrations() {
  sdk::Migration events;
  events.version = 1;
  events.description = "events table and its indexes";
  events.sql =
      "CREATE TABLE IF NOT EXISTS events ("
      " tenant_id TEXT NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL, ts BIGINT NOT NULL,"
      " lead_id TEXT, conversation_id TEXT, assistant_id TEXT, channel TEXT,"
      " sender TEXT, text TEXT, response_time_ms DOUBLE PRECISION, tokens BIGINT,"
      " outcome TEXT, funnel_id TEXT, stage TEXT, name TEXT, stages TEXT, source TEXT,"
      " PRIMARY KEY (tenant_id, id));"
      "CREATE INDEX IF NOT EXISTS events_tenant_type_ts ON events (tenant_id, type, ts);"
      "CREATE INDEX IF NOT EXISTS events_tenant_conversation_ts ON events (tenant_id, "
      "conversation_id, ts);"
      "CREATE INDEX IF NOT EXISTS events_tenant_funnel_ts ON events (tenant_id, funnel_id, ts)";

  // Only funnel and conversation events carry these ids; partial indexes skip the other rows, so
  // every insert without them saves a B-tree insert. `col = ?` implies `col IS NOT NULL`, so both
  // SQLite and PostgreSQL still use them for the same queries.
  sdk::Migration partial;
  partial.version = 2;
  partial.description = "funnel and conversation indexes only over rows that have the id";
  partial.sql =
      "DROP INDEX IF EXISTS events_tenant_funnel_ts;"
      "CREATE INDEX IF NOT EXISTS events_tenant_funnel_ts_p ON events (tenant_id, funnel_id, ts)"
      " WHERE funnel_id IS NOT NULL;"
      "DROP INDEX IF EXISTS events_tenant_conversation_ts;"
      "CREATE INDEX IF NOT EXISTS events_tenant_conversation_ts_p ON events (tenant_id, "
      "conversation_id, ts)"
      " WHERE conversation_id IS NOT NULL";
  sdk::Migration seq = event_sequence_migration();
  // Migration 4: a counter every change of a projection's state bumps. Each ingest transaction
  // reads it (after the shared advisory lock on PostgreSQL), so an instance learns at once that
  // another one switched a projection off or finished its replay (several instances may share one
  // PostgreSQL).
  sdk::Migration epoch;
  epoch.version = 4;
  epoch.description = "projection_epoch: the version of the projections' states";
  epoch.sql =
      "CREATE TABLE IF NOT EXISTS projection_epoch (id INTEGER NOT NULL PRIMARY KEY,"
      " epoch BIGINT NOT NULL);"
      "INSERT INTO projection_epoch (id, epoch) VALUES (1, 0) ON CONFLICT DO NOTHING";
  // Migration 5: stage events kept once, by the host (sdk/host_tables.h), for every plugin. The
  // covering partial index replaces the funnel index: the same one B-tree insert per stage event.
  sdk::Migration stages;
  stages.version = 5;
  stages.description = "stage_events: the host's view of stage changes, over a covering index";
  const std::string drop_old = "DROP INDEX IF EXISTS events_tenant_funnel_ts_p;";
  stages.sql = drop_old + sdk::stage_events_index_sql(sdk::Dialect::SQLite) + ";" +
               sdk::stage_events_view_sql(sdk::Dialect::SQLite);
  // Index-only scans need the visibility map: vacuum after 1% new rows, not the default 20%.
  stages.postgres_sql = drop_old + sdk::stage_events_index_sql(sdk::Dialect::PostgreSQL) + ";" +
                        sdk::stage_events_view_sql(sdk::Dialect::PostgreSQL) +
                        ";ALTER TABLE events SET (autovacuum_vacuum_insert_scale_factor = 0.01,"
                        " autovacuum_vacuum_insert_threshold = 10000)";
  // Migration 6: the view's columns plain (a filter on stage uses an index), and a second covering
  // index for one stage's changes (the KPI's conversions read only the final stage).
  sdk::Migration by_stage;
  by_stage.version = 6;
  by_stage.description = "stage_events: plain columns and an index by stage";
  by_stage.sql = "DROP VIEW IF EXISTS stage_events;" +
                 sdk::stage_events_view_sql(sdk::Dialect::SQLite) + ";" +
                 sdk::stage_events_by_stage_index_sql(sdk::Dialect::SQLite);
  by_stage.postgres_sql = "DROP VIEW IF EXISTS stage_events;" +
                          sdk::stage_events_view_sql(sdk::Dialect::PostgreSQL) + ";" +
                          sdk::stage_events_by_stage_index_sql(sdk::Dialect::PostgreSQL);
  // Migration 7: an event's `properties` (sdk/event_types.h), the compact JSON text of an object or
  // NULL. TEXT on both dialects: PostgreSQL reads it with ::jsonb (property_sql), and a TEXT column
  // takes the rows exactly as ingestion wrote them. No index: plugins filter by tenant, type and
  // ts.
  sdk::Migration properties;
  properties.version = 7;
  properties.description = "events.properties: custom event data as JSON text";
  properties.sql = "ALTER TABLE events ADD COLUMN properties TEXT";
  // Migration 8: leads' and conversations' starting facts kept once, by the host, for every plugin
  // (sdk/host_tables.h): two views over covering partial indexes. Only lead_created and
  // conversation_started events enter them, a few per lead, so ingest pays little.
  sdk::Migration starts;
  starts.version = 8;
  starts.description =
      "lead_created_events and conversation_starts: host views over covering indexes";
  for (const auto dialect : {sdk::Dialect::SQLite, sdk::Dialect::PostgreSQL}) {
    std::string& sql = dialect == sdk::Dialect::SQLite ? starts.sql : starts.postgres_sql;
    sql = sdk::lead_created_events_index_sql(dialect) + ";" +
          sdk::lead_created_events_view_sql(dialect) + ";" +
          sdk::conversation_starts_index_sql(dialect) + ";" +
          sdk::conversation_starts_view_sql(dialect);
  }
  // Migration 9: one row per conversation, kept by ingestion for every plugin (sdk/host_tables.h,
  // conversations/conversation_state.h), filled here from the events already stored.
  sdk::Migration conversations;
  conversations.version = 9;
  conversations.description = "conversations: one row per conversation, kept by the host";
  conversations.sql = conversations_schema_sql(sdk::Dialect::SQLite);
  conversations.postgres_sql = conversations_schema_sql(sdk::Dialect::PostgreSQL);
  return {events, partial, seq, epoch, stages, by_stage, properties, starts, conversations};
}

void ensure_migrations_table(sdk::SqlWriter& w) {
  lock_if_postgres(w);
  w.execute(
      "CREATE TABLE IF NOT EXISTS schema_migrations (plugin TEXT NOT NULL, version INTEGER NOT "
      "NULL,"
      " description TEXT, applied_at BIGINT NOT NULL, PRIMARY KEY (plugin, version))",
      {});
}

void apply_migrations(Database& db, const std::string& plugin,
                      std::vector<sdk::Migration> migrations) {
  std::sort(migrations.begin(), migrations.end(),
            [](const auto& a, const auto& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < migrations.size(); ++i)
    if (migrations[i].version == migrations[i - 1].version)
      throw sdk::StoreError("plugin '" + plugin + "' declares migration version " +
                                std::to_string(migrations[i].version) + " twice",
                            false);
  for (const auto& m : migrations) {
    db.write([&](sdk::SqlWriter& w) {
      lock_if_postgres(w);
      bool applied = false;
      w.query("SELECT 1 FROM schema_migrations WHERE plugin = ? AND version = ?",
              {sdk::Value(plugin), sdk::Value(static_cast<std::int64_t>(m.version))},
              [&](const sdk::Row&) { applied = true; });
      if (applied) return;
      const std::string& script =
          (w.dialect() == sdk::Dialect::PostgreSQL && !m.postgres_sql.empty()) ? m.postgres_sql
                                                                               : m.sql;
      try {
        run_script(w, script);
      } catch (const sdk::StoreError& e) {
        throw sdk::StoreError("migration " + plugin + " v" + std::to_string(m.version) + " (" +
                                  m.description + ") failed: " + e.what(),
                              e.unavailable());
      }
      w.execute(
          "INSERT INTO schema_migrations (plugin, version, description, applied_at) VALUES (?, ?, "
          "?, ?)",
          {sdk::Value(plugin), sdk::Value(static_cast<std::int64_t>(m.version)),
           sdk::Value(m.description), sdk::Value(now_ms())});
    });
  }
}

}  // namespace zaplify::core::storage
