#pragma once
// Relations the host keeps for every plugin, read with Store::query. State more than one plugin
// needs is kept once, here, in step with the events table (same transaction), with no plugin
// projection to maintain and nothing to catch up: a plugin that was off reads it complete.
//
// Read-only for plugins. Retention: rows go with their events. Added in SDK 1.2; same ABI.

#include <string>

#include "zaplify/sdk/store.h"

namespace zaplify::sdk {

/// `stage_events`: one row per stored `stage_changed` event that names a funnel.
///   tenant_id TEXT, funnel_id TEXT, ts BIGINT (epoch ms), event_id TEXT,
///   lead_id TEXT, stage TEXT (NULL when the event had none; Row::text reads NULL as "").
/// Two covering indexes serve it on both dialects:
///   `WHERE tenant_id = ? AND funnel_id = ? AND ts >= ? AND ts < ? ORDER BY ts, event_id` — a range
///   read in that order, without a sort; event_id ties order byte-wise (COLLATE "C" on PostgreSQL);
///   `WHERE tenant_id = ? AND funnel_id = ? AND stage = ? AND ts >= ? AND ts < ?` — one stage's
///   changes (lead_id, ts) without reading the funnel's other stages.
inline constexpr const char* kStageEvents = "stage_events";

/// The view's definition, as the host creates it (exposed for plugins' unit tests that build their
/// own events table, so that they read the same relation).
inline std::string stage_events_view_sql(Dialect dialect) {
  const std::string id = dialect == Dialect::PostgreSQL ? "id COLLATE \"C\"" : "id";
  // Plain columns, no expressions: a filter on the view's stage stays a filter on the index.
  return "CREATE VIEW stage_events AS SELECT tenant_id, funnel_id, ts, " + id +
         " AS event_id, lead_id, stage FROM events"
         " WHERE type = 'stage_changed' AND funnel_id IS NOT NULL";
}

/// The index behind it (see stage_events_view_sql).
inline std::string stage_events_index_sql(Dialect dialect) {
  if (dialect == Dialect::PostgreSQL)
    return "CREATE INDEX events_stage_changes ON events (tenant_id, funnel_id, ts, id COLLATE \"C\")"
           " INCLUDE (lead_id, stage) WHERE type = 'stage_changed' AND funnel_id IS NOT NULL";
  // `type` too, although the WHERE fixes it: SQLite reads an index as covering only when it holds
  // every column the query names, the view's filter included.
  return "CREATE INDEX events_stage_changes ON events"
         " (tenant_id, funnel_id, ts, id, lead_id, stage, type)"
         " WHERE type = 'stage_changed' AND funnel_id IS NOT NULL";
}

/// The second index behind it, for one stage's changes (see stage_events_view_sql).
inline std::string stage_events_by_stage_index_sql(Dialect dialect) {
  if (dialect == Dialect::PostgreSQL)
    return "CREATE INDEX events_stage_names ON events (tenant_id, funnel_id, stage, ts)"
           " INCLUDE (lead_id) WHERE type = 'stage_changed' AND funnel_id IS NOT NULL";
  return "CREATE INDEX events_stage_names ON events (tenant_id, funnel_id, stage, ts, lead_id, type)"
         " WHERE type = 'stage_changed' AND funnel_id IS NOT NULL";
}

}  // namespace zaplify::sdk
