#pragma once
// What the overview route and the `conversations` data source read: the host's `conversations`
// relation (sdk/host_tables.h: one row per conversation, kept by ingestion for every plugin) and
// this plugin's own per-conversation sum of lead-message scores, `conv_scores`, the one fact the
// host cannot know. conv_scores is part of the scores projection (plugin.cpp): kept by the ingest
// hook, replayed after the plugin was off, moved by re-scoring, purged with retention by the
// latest lead message it holds.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zaplify/sdk/events.h"
#include "zaplify/sdk/store.h"

namespace zaplify::conversation {

/// conv_scores' schema step: created from the stored message scores, conv_summary dropped (its
/// facts are the host's conversations now).
sdk::Migration score_sums_migration(int version);

/// Adds the lead-message scores of a batch to conv_scores; `lead_scores[i]` is the score of
/// events[i] when it is a lead message. Call in the ingest transaction.
void add_score_sums(sdk::SqlWriter& writer, const std::string& tenant,
                    const std::vector<sdk::Event>& events, const std::vector<double>& lead_scores);

/// Adds `delta` to the stored score sum of a conversation (re-scoring). Thread-safe per writer.
void adjust_score_sum(sdk::SqlWriter& writer, const std::string& tenant,
                      const std::string& conversation_id, double delta);

/// One conversation as read from the host's conversations and conv_scores; views valid only during
/// the callback.
struct ConversationView {
  std::string_view conversation_id, lead_id, assistant_id, channel, outcome;
  std::int64_t started_ms = 0;
  std::optional<std::int64_t> ended_ms;
  std::int64_t messages = 0, lead_messages = 0;
  std::optional<double> avg_sentiment;
  std::optional<std::int64_t> first_lead_ms, first_response_ms;  ///< Only when asked for.
};

/// Streams the conversations whose earliest start lies in [from_ms, to_ms), ordered by
/// (start, conversation_id bytes). With `with_response`, first_lead_ms/first_response_ms are
/// filled (dirty rows recomputed from events). Nothing is accumulated. Throws sdk::StoreError.
void for_each_conversation(const sdk::Store& store, const std::string& tenant, std::int64_t from_ms,
                           std::int64_t to_ms, bool with_response,
                           const std::function<void(const ConversationView&)>& on_row);

}  // namespace zaplify::conversation
