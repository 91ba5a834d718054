#pragma once
// Each reply's trigger (plugins/metrics/README.md, Business hours): for an assistant or agent
// message, the earliest lead message of the same conversation that is
//   * strictly after the previous assistant/agent message of the conversation (messages ordered by
//     (ts, event id): of two replies in one millisecond the second has the first as its previous
//     one, so it has no trigger and is skipped, and a lead message is never counted twice),
//   * at or after the conversation's start (its earliest conversation_started, later starts being
//     ignored; a lead message in the same millisecond as the start counts, one before it never
//     does; a conversation never started has no such bound),
//   * at or before the reply (the same millisecond included).
// A reply with no such lead message has no trigger.
//
// The projection `reply_triggers` keeps metrics_reply_triggers(tenant_id, ts, event_id, sender,
// trigger_ts) — one row per assistant/agent message, trigger_ts NULL without a trigger,
// PK (tenant_id, ts, event_id) — so GET /metrics/performance?hours=business reads only the replies
// of W from one narrow range instead of every message of W from the events table.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "zaplify/sdk/events.h"
#include "zaplify/sdk/projection.h"
#include "zaplify/sdk/store.h"

namespace zaplify::metrics {

enum class Sender { Lead, Assistant, Agent };

/// "lead" / "assistant" / "agent"; anything else is nullopt.
std::optional<Sender> parse_sender(std::string_view s);

/// One message of a conversation.
struct ConversationMessage {
  std::int64_t ts = 0;
  std::string id;
  Sender sender = Sender::Lead;
};

/// The trigger of every reply: a vector parallel to `messages` (any order), nullopt for lead
/// messages and for replies without a trigger. `start_ts` is the conversation's earliest start,
/// nullopt when it has none. Pure; O(n log n).
std::vector<std::optional<std::int64_t>> select_triggers(
    const std::vector<ConversationMessage>& messages, std::optional<std::int64_t> start_ts);

/// The projection's apply: recomputes the triggers of every conversation the batch touches (a
/// message or a conversation_started of it) from its stored events (through the events table's
/// (tenant_id, conversation_id, ts) index, `seq <= batch.seq_horizon`) and writes the rows of the
/// batch's own replies and of stored replies whose trigger changed. Thread-safe (stateless).
/// Relies on the host running one tenant's ingest transactions one at a time (it takes a
/// per-tenant lock on PostgreSQL; SQLite has one writer), so the conversation read is complete.
void update_reply_triggers(const sdk::IngestBatch& batch, sdk::SqlWriter& writer);

/// metrics_reply_triggers, rebuilt from the event log by the host on first load.
sdk::ProjectionSpec reply_triggers_projection();

/// Migration 6: the metrics_reply_triggers table (the host's replay fills it).
sdk::Migration reply_triggers_migration();

}  // namespace zaplify::metrics
