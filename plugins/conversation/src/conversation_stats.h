#pragma once
// Per-conversation facts and the overview of GET /analytics/conversations, and the small
// statistics helpers the routes share.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace zaplify::conversation {

/// One conversation as described by its earliest conversation_started (SPEC §2).
struct ConversationFacts {
  std::string conversation_id;
  std::string lead_id;
  std::string assistant_id;  ///< Empty: human only.
  std::string channel;
  std::int64_t started_ms = 0;
  std::optional<std::int64_t> ended_ms;     ///< Earliest conversation_ended.
  std::string outcome;                      ///< Of that end; empty when open.
  std::int64_t messages = 0;                ///< All its messages, whenever sent.
  std::int64_t lead_messages = 0;
  std::optional<std::int64_t> first_lead_ms;
  std::optional<std::int64_t> first_response_ms;  ///< First assistant/agent message ≥ first lead.
  std::optional<double> avg_sentiment;            ///< Mean score of all its lead messages.
};

/// The overview body: total, by_channel, by_outcome, avg_messages, avg_lead_messages,
/// lead_reply_rate, avg_duration_minutes, median_first_response_seconds (nulls for empty sets).
nlohmann::json summarize_conversations(const std::vector<ConversationFacts>& conversations);

/// Median by linear interpolation between closest ranks; nullopt for an empty input.
std::optional<double> median(std::vector<double> values);

/// JSON number or null.
inline nlohmann::json number_or_null(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace zaplify::conversation
