#pragma once
// Per-conversation facts and the overview of GET /analytics/conversations, and the small
// statistics helpers the routes share.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace zaplify::conversation {

/// One conversation as described by its earliest conversation_started (docs/api.md, How events
/// are interpreted).
struct ConversationFacts {
  std::string conversation_id;
  std::string lead_id;
  std::string assistant_id;  ///< Empty: human only.
  std::string channel;
  std::int64_t started_ms = 0;
  std::optional<std::int64_t> ended_ms;  ///< Earliest conversation_ended.
  std::string outcome;                   ///< Of that end; empty when open.
  std::int64_t messages = 0;             ///< All its messages, whenever sent.
  std::int64_t lead_messages = 0;
  std::optional<std::int64_t> first_lead_ms;
  std::optional<std::int64_t> first_response_ms;  ///< First assistant/agent message ≥ first lead.
  std::optional<double> avg_sentiment;            ///< Mean score of all its lead messages.
};

/// Builds the overview body one conversation at a time (rows are streamed, never collected):
/// total, by_channel, by_outcome, avg_messages, avg_lead_messages, lead_reply_rate,
/// avg_duration_minutes, median_first_response_seconds (nulls for empty sets). Not thread-safe.
class OverviewAccumulator {
 public:
  /// `outcome` is ignored when `ended_ms` is empty (the conversation is open).
  void add(std::string_view channel, std::string_view outcome, std::int64_t started_ms,
           std::optional<std::int64_t> ended_ms, std::int64_t messages, std::int64_t lead_messages,
           std::optional<std::int64_t> first_lead_ms,
           std::optional<std::int64_t> first_response_ms);
  nlohmann::json result() const;

 private:
  std::int64_t total_ = 0, messages_ = 0, lead_messages_ = 0, replied_ = 0, ended_ = 0;
  double duration_ms_sum_ = 0;
  std::map<std::string, std::int64_t, std::less<>> by_channel_;
  std::map<std::string, std::int64_t, std::less<>> by_outcome_{
      {"resolved", 0}, {"handoff", 0}, {"abandoned", 0}, {"open", 0}};
  std::vector<double> first_response_s_;
};

/// The overview body of a collected list (tests and small callers).
nlohmann::json summarize_conversations(const std::vector<ConversationFacts>& conversations);

/// Median by linear interpolation between closest ranks; nullopt for an empty input.
std::optional<double> median(std::vector<double> values);

/// JSON number or null.
inline nlohmann::json number_or_null(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace zaplify::conversation
