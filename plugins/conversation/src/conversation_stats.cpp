#include "conversation_stats.h"

#include <algorithm>

namespace zaplify::conversation {

std::optional<double> median(std::vector<double> values) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const double rank = 0.5 * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(rank);
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (values[hi] - values[lo]) * (rank - static_cast<double>(lo));
}

namespace {
void bump(std::map<std::string, std::int64_t, std::less<>>& m, std::string_view key) {
  auto it = m.find(key);
  if (it == m.end()) it = m.emplace(std::string(key), 0).first;
  ++it->second;
}
}  // namespace

void OverviewAccumulator::add(std::string_view channel, std::string_view outcome,
                              std::int64_t started_ms, std::optional<std::int64_t> ended_ms,
                              std::int64_t messages, std::int64_t lead_messages,
                              std::optional<std::int64_t> first_lead_ms,
                              std::optional<std::int64_t> first_response_ms) {
  ++total_;
  bump(by_channel_, channel);
  bump(by_outcome_, ended_ms ? outcome : std::string_view("open"));
  messages_ += messages;
  lead_messages_ += lead_messages;
  if (lead_messages > 0) ++replied_;
  if (ended_ms) {
    ++ended_;
    duration_ms_sum_ += static_cast<double>(*ended_ms - started_ms);
  }
  if (first_lead_ms && first_response_ms)
    first_response_s_.push_back(static_cast<double>(*first_response_ms - *first_lead_ms) / 1000.0);
}

nlohmann::json OverviewAccumulator::result() const {
  auto per_total = [&](double x) -> std::optional<double> {
    if (total_ == 0) return std::nullopt;
    return x / static_cast<double>(total_);
  };
  std::optional<double> avg_duration;
  if (ended_ > 0) avg_duration = duration_ms_sum_ / static_cast<double>(ended_) / 60000.0;
  nlohmann::json channels = nlohmann::json::object(), outcomes = nlohmann::json::object();
  for (const auto& [k, v] : by_channel_) channels[k] = v;
  for (const auto& [k, v] : by_outcome_) outcomes[k] = v;
  return {{"total", total_},
          {"by_channel", std::move(channels)},
          {"by_outcome", std::move(outcomes)},
          {"avg_messages", number_or_null(per_total(static_cast<double>(messages_)))},
          {"avg_lead_messages", number_or_null(per_total(static_cast<double>(lead_messages_)))},
          {"lead_reply_rate", number_or_null(per_total(static_cast<double>(replied_)))},
          {"avg_duration_minutes", number_or_null(avg_duration)},
          {"median_first_response_seconds", number_or_null(median(first_response_s_))}};
}

nlohmann::json summarize_conversations(const std::vector<ConversationFacts>& conversations) {
  OverviewAccumulator acc;
  for (const auto& c : conversations)
    acc.add(c.channel, c.outcome, c.started_ms, c.ended_ms, c.messages, c.lead_messages,
            c.first_lead_ms, c.first_response_ms);
  return acc.result();
}

}  // namespace zaplify::conversation
