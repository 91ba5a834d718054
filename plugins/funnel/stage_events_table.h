#pragma once
// The plugin's derived table `funnel_stage_events`: one row per stage_changed event, keyed and
// clustered by (tenant_id, funnel_id, ts, event_id), so a funnel's window is one ordered range
// read with every column the scan needs (no row lookups, no sort). Created and backfilled by a
// migration, kept in step by an ingest hook inside the ingest transaction, purged with events.

#include "zaplify/sdk/events.h"
#include "zaplify/sdk/store.h"

namespace zaplify::funnel {

inline constexpr const char* kStageEventsTable = "funnel_stage_events";

/// Migration 1: creates the table (dialect-specific DDL) and copies every existing stage_changed
/// event into it, so a database that already holds events is answered completely.
sdk::Migration stage_events_migration();

/// The ingest hook: writes the batch's stage_changed events (rows already present are skipped).
/// Thread-safe (no shared state); runs inside the host's write transaction.
void derive_stage_events(const sdk::IngestBatch& batch, sdk::SqlWriter& writer);

}  // namespace zaplify::funnel
