#pragma once
// Relations the host keeps for every plugin, read with Store::query. State more than one plugin
// needs is kept once, here, in step with the events table (same transaction), with no plugin
// projection to maintain and nothing to catch up: a plugin that was off reads it complete.
//
// Read-only for plugins. Retention: rows go with their events. stage_events: SDK 1.2;
// lead_created_events and conversation_starts: SDK 2.0; conversations: SDK 2.2.

#include <cstdint>
#include <limits>
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
  const std::string id = std::string("id") + byte_order(dialect);
  // Plain columns, no expressions: a filter on the view's stage stays a filter on the index.
  return "CREATE VIEW stage_events AS SELECT tenant_id, funnel_id, ts, " + id +
         " AS event_id, lead_id, stage FROM events"
         " WHERE type = 'stage_changed' AND funnel_id IS NOT NULL";
}

/// The index behind it (see stage_events_view_sql).
inline std::string stage_events_index_sql(Dialect dialect) {
  if (dialect == Dialect::PostgreSQL)
    return "CREATE INDEX events_stage_changes ON events (tenant_id, funnel_id, ts, id COLLATE "
           "\"C\")"
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
  return "CREATE INDEX events_stage_names ON events (tenant_id, funnel_id, stage, ts, lead_id, "
         "type)"
         " WHERE type = 'stage_changed' AND funnel_id IS NOT NULL";
}

/// `lead_created_events`: one row per stored `lead_created` event (SDK 2.0).
///   tenant_id TEXT, lead_id TEXT, ts BIGINT (epoch ms), event_id TEXT, source TEXT (NULL when the
///   event had none).
/// A covering index keyed (tenant_id, lead_id, ts, event_id) serves a tenant's whole list, one
/// lead's rows, and "the earliest per lead" (a lead's source is that of its earliest lead_created,
/// by (ts, event_id)) as an index-only read on both dialects.
inline constexpr const char* kLeadCreatedEvents = "lead_created_events";

/// `conversation_starts`: one row per stored `conversation_started` event (SDK 2.0).
///   tenant_id TEXT, conversation_id TEXT, lead_id TEXT, ts BIGINT (epoch ms), event_id TEXT,
///   assistant_id TEXT (NULL: human only), channel TEXT (NULL when absent: the default channel
///   is "whatsapp", docs/api.md, Event types).
/// A conversation is described by its earliest start (by (ts, event_id), see events.h); the
/// relation holds every start, later ones included. Its covering index is keyed (tenant_id,
/// lead_id, ts, event_id): a tenant's starts or one lead's, index-only.
inline constexpr const char* kConversationStarts = "conversation_starts";

/// The two views' definitions, as the host creates them (for plugins' unit tests, as above).
inline std::string lead_created_events_view_sql(Dialect dialect) {
  const std::string id = std::string("id") + byte_order(dialect);
  return "CREATE VIEW lead_created_events AS SELECT tenant_id, lead_id, ts, " + id +
         " AS event_id, source FROM events WHERE type = 'lead_created'";
}

inline std::string conversation_starts_view_sql(Dialect dialect) {
  const std::string id = std::string("id") + byte_order(dialect);
  return "CREATE VIEW conversation_starts AS SELECT tenant_id, conversation_id, lead_id, ts, " +
         id + " AS event_id, assistant_id, channel FROM events WHERE type = 'conversation_started'";
}

/// The indexes behind them. Only events of these two types enter them (a few per lead).
inline std::string lead_created_events_index_sql(Dialect dialect) {
  if (dialect == Dialect::PostgreSQL)
    return "CREATE INDEX events_lead_created ON events (tenant_id, lead_id, ts, id COLLATE \"C\")"
           " INCLUDE (source) WHERE type = 'lead_created'";
  return "CREATE INDEX events_lead_created ON events (tenant_id, lead_id, ts, id, source, type)"
         " WHERE type = 'lead_created'";
}

inline std::string conversation_starts_index_sql(Dialect dialect) {
  if (dialect == Dialect::PostgreSQL)
    return "CREATE INDEX events_conversation_starts ON events"
           " (tenant_id, lead_id, ts, id COLLATE \"C\") INCLUDE (conversation_id, assistant_id, "
           "channel)"
           " WHERE type = 'conversation_started'";
  return "CREATE INDEX events_conversation_starts ON events"
         " (tenant_id, lead_id, ts, id, conversation_id, assistant_id, channel, type)"
         " WHERE type = 'conversation_started'";
}

/// `conversations`: one row per (tenant_id, conversation_id) that any stored conversation_started,
/// conversation_ended or message event names (SDK 2.2). A table the host writes in the ingest
/// transaction, current for every plugin, enabled or not.
///   tenant_id, conversation_id TEXT;
///   start_ts BIGINT, start_id, lead_id, assistant_id, channel TEXT — its earliest
///     conversation_started by (ts, event id; ids byte-wise): start_ts = kNoInstant and the texts
///     "" when none is stored; assistant_id "" for a human-only conversation, channel "whatsapp"
///     when the event had none;
///   end_ts BIGINT, end_id, outcome TEXT — its earliest conversation_ended, the same way;
///   messages, lead_messages BIGINT — its message events, all and the lead's;
///   first_lead_ts BIGINT — its earliest lead message (kNoInstant: none);
///   first_reply_ts BIGINT — the earliest assistant or agent message at or after first_lead_ts
///     (kNoInstant: none), exact only when reply_dirty = 0; when reply_dirty = 1 recompute it from
///     `events` (rare: a lead message arrived late, before replies already stored);
///   min_reply_ts, max_reply_ts BIGINT — its earliest and latest assistant or agent message
///     (kNoInstant / kNoInstantMin: none);
///   last_ts BIGINT — its latest event of any kind; reply_dirty INTEGER (0 or 1).
/// Indexes: unique (tenant_id, conversation_id); (tenant_id, start_ts, conversation_id) — on SQLite
/// the table itself is clustered that way, so a window of starts is one range read.
/// Retention: a row goes when its conversation's latest event is older than the cutoff (last_ts),
/// so a conversation is described whole until all of its events have aged out.
inline constexpr const char* kConversations = "conversations";

/// "No such instant" in `conversations`: as a minimum (start_ts, end_ts, first_*_ts, min_reply_ts)
/// and as a maximum (max_reply_ts).
inline constexpr std::int64_t kNoInstant = std::numeric_limits<std::int64_t>::max();
inline constexpr std::int64_t kNoInstantMin = std::numeric_limits<std::int64_t>::min() + 1;

}  // namespace zaplify::sdk
