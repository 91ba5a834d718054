#include "stage_events_table.h"

#include <string>
#include <vector>

namespace zaplify::funnel {

namespace {

// stage and lead_id are NOT NULL: ingestion stores an empty string as NULL, and the scan reads
// NULL as "" (an unknown stage), so COALESCE keeps the answers identical.
constexpr const char* kBackfill =
    "INSERT INTO funnel_stage_events (tenant_id, funnel_id, ts, event_id, lead_id, stage) "
    "SELECT tenant_id, funnel_id, ts, id, COALESCE(lead_id, ''), COALESCE(stage, '') FROM events "
    "WHERE type = 'stage_changed' AND funnel_id IS NOT NULL ON CONFLICT DO NOTHING";

}  // namespace

sdk::Migration stage_events_migration() {
  sdk::Migration m;
  m.version = 1;
  m.description = "funnel_stage_events: stage changes clustered by (tenant, funnel, ts, id)";
  // SQLite: WITHOUT ROWID makes the primary key the table itself, so a range of it carries
  // lead_id and stage in (ts, id) order.
  m.sql = std::string(
              "CREATE TABLE IF NOT EXISTS funnel_stage_events (tenant_id TEXT NOT NULL, "
              "funnel_id TEXT NOT NULL, ts BIGINT NOT NULL, event_id TEXT NOT NULL, "
              "lead_id TEXT NOT NULL, stage TEXT NOT NULL, "
              "PRIMARY KEY (tenant_id, funnel_id, ts, event_id)) WITHOUT ROWID;") +
          kBackfill;
  // PostgreSQL: byte-wise id order like SQLite (COLLATE "C"); INCLUDE lets the window be read by
  // an index-only scan of the primary key.
  m.postgres_sql = std::string(
                       "CREATE TABLE IF NOT EXISTS funnel_stage_events ("
                       "tenant_id TEXT COLLATE \"C\" NOT NULL, funnel_id TEXT COLLATE \"C\" NOT NULL, "
                       "ts BIGINT NOT NULL, event_id TEXT COLLATE \"C\" NOT NULL, "
                       "lead_id TEXT NOT NULL, stage TEXT NOT NULL, "
                       "PRIMARY KEY (tenant_id, funnel_id, ts, event_id) INCLUDE (lead_id, stage));") +
                   kBackfill +
                   // Statistics now, not at the first autovacuum: without them the planner may
                   // prefer a bitmap scan plus a sort of the whole window. Vacuum after 1% new
                   // rows (default 20%) so the visibility map lets recent windows stay index-only.
                   ";ANALYZE funnel_stage_events;"
                   "ALTER TABLE funnel_stage_events SET (autovacuum_vacuum_insert_scale_factor = "
                   "0.01, autovacuum_vacuum_insert_threshold = 10000)";
  return m;
}

void derive_stage_events(const sdk::IngestBatch& batch, sdk::SqlWriter& writer) {
  static const std::vector<std::string> columns = {"tenant_id", "event_id", "funnel_id",
                                                   "ts",        "lead_id",  "stage"};
  std::vector<std::vector<sdk::Value>> rows;
  for (const sdk::Event& e : *batch.events) {
    if (e.type != "stage_changed" || e.funnel_id.empty()) continue;
    rows.push_back({batch.tenant_id, e.id, e.funnel_id, e.ts_ms, e.lead_id, e.stage});
  }
  if (!rows.empty()) writer.insert_rows(kStageEventsTable, columns, rows);
}

}  // namespace zaplify::funnel
