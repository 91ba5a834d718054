#pragma once
// conv_summary: one derived row per conversation, maintained by the ingest hook inside the ingest
// transaction, so the overview route and the `conversations` data source read one range of one
// table instead of probing the events table several times per conversation.
//
// Every column merges commutatively (earliest start/end by (ts, id), sums, minima, maxima), so
// concurrent batches, duplicates rejected by the host and out-of-order arrival all give the same
// row. Absent instants are sentinels rather than NULL so that merges are plain comparisons:
// kNever (INT64_MAX) for "no start / no end / no lead message / no reply", kNeverMin for
// "no reply" as a maximum.
//
// First response (first lead message → first assistant/agent message at or after it) cannot be
// kept exactly by commutative merges alone: a reply stored before an earlier lead message arrives
// may become the answer. The row keeps first_lead_ts, first_reply_ts (exact for that first lead),
// min_reply_ts and max_reply_ts; a merge that cannot decide from these sets reply_dirty = 1 and
// readers then recompute that one conversation from the events index (rare: it needs a reply
// before and another after a late, earlier lead message).

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zaplify/sdk/events.h"
#include "zaplify/sdk/store.h"

namespace zaplify::conversation {

inline constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
inline constexpr std::int64_t kNeverMin = std::numeric_limits<std::int64_t>::min() + 1;

/// The summary table's schema step and the backfill from already stored events.
sdk::Migration summary_migration(int version);

/// One conversation's contribution of one batch (or of a whole history). Merging two deltas with
/// merge() is what the SQL upsert does to a stored row.
struct SummaryDelta {
  std::string conversation_id;
  std::int64_t start_ts = kNever;
  std::string start_id, lead_id, assistant_id, channel;
  std::int64_t end_ts = kNever;
  std::string end_id, outcome;
  std::int64_t messages = 0, lead_messages = 0;
  double score_sum = 0;
  std::int64_t first_lead_ts = kNever;
  std::int64_t first_reply_ts = kNever;  ///< Min reply ≥ first_lead_ts (exact unless dirty).
  std::int64_t min_reply_ts = kNever;
  std::int64_t max_reply_ts = kNeverMin;
  std::int64_t last_ts = kNeverMin;      ///< Latest event of any kind (retention purge).
  bool reply_dirty = false;
};

/// Per-conversation deltas of a batch, in first-seen order; `lead_scores[i]` is the score of
/// events[i] when it is a lead message. Events without a conversation_id are skipped.
std::vector<SummaryDelta> summarize_batch(const std::vector<sdk::Event>& events,
                                          const std::vector<double>& lead_scores);

/// Upserts the deltas of one tenant (one statement per row on SQLite, where the prepared statement
/// is cached; multi-row statements on PostgreSQL, where each statement is a round trip).
void upsert_summaries(sdk::SqlWriter& writer, const std::string& tenant,
                      const std::vector<SummaryDelta>& deltas);

/// Adds `delta` to the stored score sum of a conversation (re-scoring). Thread-safe per writer.
void adjust_score_sum(sdk::SqlWriter& writer, const std::string& tenant,
                      const std::string& conversation_id, double delta);

/// One conversation as read from conv_summary; views valid only during the callback.
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
