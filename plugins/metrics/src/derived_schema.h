#pragma once
// The plugin's derived tables beyond metrics_conversations (see README "Derived tables"): schema
// and the backfill from events stored before the plugin (or this version of it) was enabled.
//
//   metrics_rollup(tenant_id, metric, unit, n, total)        PK (tenant_id, metric, unit)
//   metrics_replies(tenant_id, ts, event_id, conversation_id, assistant_id, response_time_ms,
//                   tokens)  one row per assistant message; assistant_id = the assistant of the
//                   conversation's earliest start, '' when unknown or human only
//   metrics_lead_created(tenant_id, ts, lead_id, event_id)
//   metrics_stage_events(tenant_id, funnel_id, stage, ts, lead_id, event_id)
// Every table and index leads with tenant_id.

#include <vector>

#include "zaplify/sdk/store.h"

namespace zaplify::metrics {

/// Migration 3 (new tables, covering indexes of metrics_conversations, backfill), applied after
/// conversation_table_migrations() (versions 1 and 2).
std::vector<sdk::Migration> derived_table_migrations();

/// Every migration of the plugin, in version order.
std::vector<sdk::Migration> all_migrations();

}  // namespace zaplify::metrics
