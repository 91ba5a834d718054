#pragma once
// Real-time figures over R = [now − minutes, now] (both ends included): the activity of
// GET /analytics/real-time/activity and the active-conversation count shared with /metrics/kpi.

#include <cstdint>
#include <string>
#include <vector>

#include "zaplify/sdk/store.h"

namespace zaplify::metrics {

struct RealtimeRange {
  std::int64_t from_ms = 0;  ///< now − realtime_window_minutes.
  std::int64_t now_ms = 0;
};

inline RealtimeRange realtime_range(std::int64_t now_ms, int minutes) {
  return {now_ms - static_cast<std::int64_t>(minutes) * 60'000, now_ms};
}

/// Conversations with a start, no ending, and whose latest start or message lies in R.
std::int64_t count_active_conversations(const sdk::Store& store, const std::string& tenant,
                                        const RealtimeRange& r);

struct MinuteActivity {
  std::int64_t minute_ms = 0;  ///< Start of the UTC minute.
  std::int64_t messages = 0;
  std::int64_t events = 0;
};

struct Activity {
  std::int64_t messages = 0;
  std::int64_t conversations_started = 0;  ///< Conversations whose earliest start is in R.
  std::int64_t conversations_ended = 0;    ///< Conversations whose earliest ending is in R.
  std::int64_t stage_changes = 0;
  std::int64_t active_leads = 0;
  std::int64_t active_conversations = 0;
  std::vector<MinuteActivity> per_minute;  ///< Every minute from R's first to the one holding now.
};

Activity compute_activity(const sdk::Store& store, const std::string& tenant,
                          const RealtimeRange& r);

}  // namespace zaplify::metrics
