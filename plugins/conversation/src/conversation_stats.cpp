#include "conversation_stats.h"

#include <algorithm>
#include <map>

namespace zaplify::conversation {

std::optional<double> median(std::vector<double> values) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const double rank = 0.5 * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(rank);
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (values[hi] - values[lo]) * (rank - static_cast<double>(lo));
}

nlohmann::json summarize_conversations(const std::vector<ConversationFacts>& conversations) {
  const auto total = static_cast<std::int64_t>(conversations.size());
  std::map<std::string, std::int64_t> by_channel;
  std::map<std::string, std::int64_t> by_outcome{
      {"resolved", 0}, {"handoff", 0}, {"abandoned", 0}, {"open", 0}};
  std::int64_t messages = 0, lead_messages = 0, replied = 0, ended = 0;
  double duration_ms_sum = 0;
  std::vector<double> first_response_s;
  for (const auto& c : conversations) {
    ++by_channel[c.channel];
    ++by_outcome[c.ended_ms ? c.outcome : std::string("open")];
    messages += c.messages;
    lead_messages += c.lead_messages;
    if (c.lead_messages > 0) ++replied;
    if (c.ended_ms) {
      ++ended;
      duration_ms_sum += static_cast<double>(*c.ended_ms - c.started_ms);
    }
    if (c.first_lead_ms && c.first_response_ms)
      first_response_s.push_back(static_cast<double>(*c.first_response_ms - *c.first_lead_ms) / 1000.0);
  }
  auto per_total = [&](double x) -> std::optional<double> {
    if (total == 0) return std::nullopt;
    return x / static_cast<double>(total);
  };
  std::optional<double> avg_duration;
  if (ended > 0) avg_duration = duration_ms_sum / static_cast<double>(ended) / 60000.0;
  return {{"total", total},
          {"by_channel", by_channel},
          {"by_outcome", by_outcome},
          {"avg_messages", number_or_null(per_total(static_cast<double>(messages)))},
          {"avg_lead_messages", number_or_null(per_total(static_cast<double>(lead_messages)))},
          {"lead_reply_rate", number_or_null(per_total(static_cast<double>(replied)))},
          {"avg_duration_minutes", number_or_null(avg_duration)},
          {"median_first_response_seconds", number_or_null(median(std::move(first_response_s)))}};
}

}  // namespace zaplify::conversation
