#pragma once
// GET /metrics/performance?hours=business (plugins/metrics/README.md, Business hours): response
// times that count only the time the tenant's business is open, and what happens outside its hours.
//
// For each reply (assistant or agent message) of W with a trigger (reply_triggers.h): its business
// time is the length of [trigger, reply] ∩ open intervals (open_hours.h); replies_outside_hours
// counts those whose own instant is not in an open interval. lead_messages_outside_hours counts
// every lead message of W (of any conversation) outside open intervals.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "business_schedule.h"
#include "open_hours.h"
#include "zaplify/sdk/calendar.h"
#include "zaplify/sdk/store.h"

namespace zaplify::metrics {

/// One sender's replies of W (with a trigger).
struct BusinessReplies {
  std::int64_t replies = 0;
  std::optional<double> avg_ms, p50_ms, p90_ms;  ///< Of business time; nullopt without replies.
  std::int64_t outside_hours = 0;
};

struct BusinessHoursReport {
  BusinessReplies assistant, agent;
  std::int64_t lead_messages_outside_hours = 0;
};

/// A reply as the report needs it.
struct TriggeredReply {
  std::int64_t ts = 0;
  std::int64_t trigger_ts = 0;  ///< REQUIRES: <= ts.
  bool agent = false;
};

/// The replies' part of the report, from replies and open hours covering [min trigger, max ts].
/// Pure. Percentiles by linear interpolation between closest ranks (docs/api.md, Query parameters).
void summarize_replies(const std::vector<TriggeredReply>& replies, const OpenHours& hours,
                       BusinessHoursReport& report);

/// Reads W's replies from metrics_reply_triggers and W's lead-message counts from metrics_units
/// (exact raw reads where an open/close instant cuts a 15-minute unit, rollup.h), and builds the
/// report. Throws sdk::StoreError.
BusinessHoursReport compute_business_hours(const sdk::Store& store, const sdk::Calendar& calendar,
                                           const std::string& tenant, const sdk::Window& w,
                                           const Schedule& schedule);

/// {"assistant": {...}, "agent": {...}, "lead_messages_outside_hours": n}.
nlohmann::json business_hours_json(const BusinessHoursReport& report);

}  // namespace zaplify::metrics
