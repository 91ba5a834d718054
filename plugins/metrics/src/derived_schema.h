#pragma once
// The plugin's derived tables beyond metrics_conversations (see README "Derived tables"): schema
// and the backfill from events stored before the plugin (or this version of it) was enabled.
//
// Migration 3 (superseded parts dropped by 4 and 5): metrics_rollup, metrics_replies,
//   metrics_stage_events (dropped by 5: stage changes are the host's stage_events relation).
// Migration 4:
//   metrics_units(tenant_id, unit, <rollup.h kUnitColumns>, rt_vals)   PK (tenant_id, unit)
//   metrics_assistant_units(tenant_id, unit, assistant_id, conversations, replies, tokens, ended,
//                           resolved, handoff, rt_vals)  PK (tenant_id, unit, assistant_id);
//                           the assistant of the conversation's earliest start, never ''
//   metrics_lead_created(tenant_id, ts, lead_id, event_id, prev_ts)  PK (tenant_id, lead_id, ts,
//                        event_id), index (tenant_id, ts, prev_ts); prev_ts = the lead's
//                        previous occurrence in (ts, event_id) order, NULL for its first
//   metrics_conversations gains has_replies and loses its time indexes.
// Every table and index leads with tenant_id.

#include <vector>

#include "zaplify/sdk/store.h"

namespace zaplify::metrics {

/// Migrations 3 and 4 (tables, indexes, backfills), applied after
/// conversation_table_migrations() (versions 1 and 2).
std::vector<sdk::Migration> derived_table_migrations();

/// Every migration of the plugin, in version order (6: metrics_reply_triggers, reply_triggers.h).
std::vector<sdk::Migration> all_migrations();

}  // namespace zaplify::metrics
