#pragma once
// The metrics plugin's ingest hook: keeps every derived table (metrics_conversations and those of
// derived_schema.h) in step with the events of one write transaction. Statements are batched:
// the batch is reduced in C++ first (earliest start/end per conversation, one rollup cell per
// (metric, unit)), then written with multi-row INSERT ... ON CONFLICT statements.
//
// Only newly stored events reach the hook, so nothing is ever counted twice.

#include "zaplify/sdk/events.h"
#include "zaplify/sdk/projection.h"
#include "zaplify/sdk/store.h"

namespace zaplify::metrics {

/// Thread-safe (stateless). On PostgreSQL, concurrent batches of one tenant are made safe by
/// taking an advisory lock per conversation and lead they touch first, in sorted order (see
/// ingest_hook.cpp).
void update_derived_tables(const sdk::IngestBatch& batch, sdk::SqlWriter& writer);

/// The projection the host maintains with update_derived_tables: every derived table, each with
/// the column that ages its rows out with retention.
sdk::ProjectionSpec derived_tables_projection();

}  // namespace zaplify::metrics
