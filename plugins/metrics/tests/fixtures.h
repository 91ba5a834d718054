#pragma once
// Hand-made events for the metrics tests. Times are epoch ms; T0 is 2026-11-02T00:00:00Z.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "zaplify/sdk/events.h"

namespace zaplify::metrics::testing {

constexpr std::int64_t kMin = 60'000;
constexpr std::int64_t kHour = 60 * kMin;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::int64_t T0 = 1'793'577'600'000;  // 2026-11-02T00:00:00Z

inline sdk::Event base(const std::string& id, const std::string& type, std::int64_t ts,
                       const std::string& tenant = "t1") {
  sdk::Event e;
  e.id = id;
  e.type = type;
  e.tenant_id = tenant;
  e.ts_ms = ts;
  return e;
}
inline sdk::Event lead_created(const std::string& id, std::int64_t ts, const std::string& lead) {
  auto e = base(id, "lead_created", ts);
  e.lead_id = lead;
  return e;
}
inline sdk::Event started(const std::string& id, std::int64_t ts, const std::string& conv,
                          const std::string& lead, const std::string& assistant) {
  auto e = base(id, "conversation_started", ts);
  e.conversation_id = conv;
  e.lead_id = lead;
  e.assistant_id = assistant;
  e.channel = "whatsapp";
  return e;
}
inline sdk::Event message(const std::string& id, std::int64_t ts, const std::string& conv,
                          const std::string& sender, std::optional<double> rt = std::nullopt,
                          std::optional<std::int64_t> tokens = std::nullopt) {
  auto e = base(id, "message", ts);
  e.conversation_id = conv;
  e.sender = sender;
  e.text = "hi";
  e.response_time_ms = rt;
  e.tokens = tokens;
  return e;
}
inline sdk::Event ended(const std::string& id, std::int64_t ts, const std::string& conv,
                        const std::string& outcome) {
  auto e = base(id, "conversation_ended", ts);
  e.conversation_id = conv;
  e.outcome = outcome;
  return e;
}
inline sdk::Event funnel(const std::string& id, std::int64_t ts, const std::string& funnel_id,
                         std::vector<std::string> stages) {
  auto e = base(id, "funnel_defined", ts);
  e.funnel_id = funnel_id;
  e.name = funnel_id + " funnel";
  e.stages = std::move(stages);
  return e;
}
inline sdk::Event stage(const std::string& id, std::int64_t ts, const std::string& lead,
                        const std::string& funnel_id, const std::string& stage_name) {
  auto e = base(id, "stage_changed", ts);
  e.lead_id = lead;
  e.funnel_id = funnel_id;
  e.stage = stage_name;
  return e;
}

}  // namespace zaplify::metrics::testing
