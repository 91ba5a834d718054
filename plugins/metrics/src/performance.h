#pragma once
// GET /metrics/performance and the assistant_performance data source: one row per assistant.
// Messages and endings belong to the assistant of their conversation's earliest start (whenever it
// happened); those of unknown conversations and of human-only conversations are not attributed.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "metrics_math.h"
#include "zaplify/sdk/calendar.h"
#include "zaplify/sdk/store.h"

namespace zaplify::metrics {

struct AssistantPerformance {
  std::string assistant_id;
  std::int64_t conversations = 0;  ///< Started in W.
  std::int64_t replies = 0;        ///< Assistant messages in W.
  Distribution response;           ///< Over the replies with a response_time_ms.
  std::int64_t ended = 0;          ///< Conversations whose earliest ending is in W.
  std::int64_t resolved = 0;
  std::int64_t handoff = 0;
  std::int64_t tokens = 0;

  std::optional<double> resolution_rate() const {
    return ratio(static_cast<double>(resolved), static_cast<double>(ended));
  }
  std::optional<double> handoff_rate() const {
    return ratio(static_cast<double>(handoff), static_cast<double>(ended));
  }
};

/// Every assistant with a conversation, reply or ending in W, sorted by conversations desc then
/// assistant_id. Throws sdk::StoreError.
std::vector<AssistantPerformance> compute_performance(const sdk::Store& store,
                                                      const std::string& tenant,
                                                      const sdk::Window& w);

nlohmann::json performance_json(const AssistantPerformance& p);

}  // namespace zaplify::metrics
