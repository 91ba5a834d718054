#pragma once
// metrics_conversations: one row per (tenant, conversation) holding what SPEC §2 says describes a
// conversation — its earliest conversation_started (ties: smallest event id) and its earliest
// conversation_ended. Maintained by an ingest hook inside the write transaction, so it is never out
// of step with the events; upserts keep the earliest, so a late-arriving earlier start wins.
//
// Columns: tenant_id, conversation_id, start_ts, start_id, lead_id, assistant_id (NULL: human
// only), channel, end_ts, end_id, outcome. start_ts is NULL for a conversation known only from an
// ending (or, on PostgreSQL, one only locked by the hook). Indexes (migration 3):
// (tenant_id, start_ts, assistant_id), (tenant_id, end_ts, outcome, assistant_id).

#include <vector>

#include "zaplify/sdk/events.h"
#include "zaplify/sdk/store.h"

namespace zaplify::metrics {

/// The plugin's schema steps (create + backfill from events already stored).
std::vector<sdk::Migration> conversation_table_migrations();

}  // namespace zaplify::metrics
