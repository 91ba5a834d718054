#pragma once
// metrics_conversations: one row per (tenant, conversation) holding what describes a conversation
// (docs/api.md, How events are interpreted) — its earliest conversation_started (ties: smallest
// event id) and its earliest conversation_ended. Maintained by an ingest hook inside the write
// transaction, so it is never out of step with the events; upserts keep the earliest, so a
// late-arriving earlier start wins.
//
// Columns: tenant_id, conversation_id, start_ts, start_id, lead_id, assistant_id (NULL: human
// only), channel, end_ts, end_id, outcome. start_ts is NULL for a conversation known only from an
// ending (or one only known from replies, or on PostgreSQL one only locked by the hook);
// has_replies (migration 4) is 1 once an assistant reply of it was stored. Only the primary key
// is indexed (migration 4 drops the time indexes: ingest pays for every index, and range reads
// go through the events table's (tenant_id, type, ts) index instead, see for_each_first()).

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "zaplify/sdk/events.h"
#include "zaplify/sdk/store.h"

namespace zaplify::metrics {

/// Calls `on_row(ts, assistant_id, outcome)` for every conversation whose earliest start
/// (`ending` false) or earliest ending (`ending` true) lies in [from, to), or [from, to] when
/// `inclusive`: the range's events joined to their conversation's row, kept when they are the
/// one the row names. assistant_id is "" when unknown or human only. Throws sdk::StoreError.
void for_each_first(const sdk::Store& store, const std::string& tenant, bool ending,
                    std::int64_t from, std::int64_t to, bool inclusive,
                    const std::function<void(std::int64_t ts, std::string_view assistant_id,
                                             std::string_view outcome)>& on_row);

/// The plugin's schema steps (create + backfill from events already stored).
std::vector<sdk::Migration> conversation_table_migrations();

}  // namespace zaplify::metrics
