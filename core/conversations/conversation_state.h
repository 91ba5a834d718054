#pragma once
// The host's `conversations` relation (sdk/host_tables.h): one row per (tenant, conversation),
// written by ingestion in the same transaction as the events, so every plugin reads one current
// row per conversation instead of keeping its own copy.
//
// Every column merges commutatively (earliest start and end by (ts, id), sums, minima, maxima), so
// concurrent batches, duplicates and out-of-order arrival all give the same row. Absent instants
// are sentinels rather than NULL so that merges stay plain comparisons (sdk::kNoInstant).
//
// First response (first lead message → first assistant/agent message at or after it) is not kept
// exactly by commutative merges alone: a reply stored before an earlier lead message arrives may
// become the answer. The row keeps first_lead_ts, first_reply_ts (exact for that first lead),
// min_reply_ts and max_reply_ts; a merge that cannot decide from these sets reply_dirty = 1 and
// readers recompute that one conversation from the events (rare).
//
// Part of zaplify_host_rules: the plugin test kit's store keeps the relation with this very code.

#include <string>
#include <vector>

#include "zaplify/sdk/events.h"
#include "zaplify/sdk/store.h"

namespace zaplify::core {

/// The relation's schema on `dialect` plus the statement that fills it from the stored events.
std::string conversations_schema_sql(sdk::Dialect dialect);

/// Merges the newly stored `events` of `tenant` (no duplicates of stored ones) into the relation.
/// Call inside the transaction that stored them. Not thread-safe per writer (SqlWriter is not).
void update_conversations(sdk::SqlWriter& writer, const std::string& tenant,
                          const std::vector<sdk::Event>& events);

}  // namespace zaplify::core
