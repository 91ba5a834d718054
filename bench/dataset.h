#pragma once
// The benchmark's data: demo events pre-serialised into ingest batch bodies (so that the client
// spends no CPU generating while the server is measured), plus what the benchmark needs to know
// about them to pick query windows and the funnel to read.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace zaplify::bench {

/// Pulls up to `max` events into `out` (cleared first); false when exhausted.
using EventSource = std::function<bool(std::vector<nlohmann::json>& out, std::size_t max)>;

struct FunnelInfo {
  std::string name;
  std::size_t stages = 0;
  std::uint64_t stage_events = 0;
};

struct DatasetStats {
  std::uint64_t events = 0;
  std::map<std::string, std::uint64_t> by_type;
  std::int64_t min_ts_ms = 0;
  std::int64_t max_ts_ms = 0;
  std::map<std::int64_t, std::uint64_t> lead_messages_by_day;  ///< UTC epoch day → count.
  std::map<std::int64_t, std::uint64_t> conversations_by_day;  ///< conversation_started per day.
  std::map<std::string, FunnelInfo> funnels;                   ///< funnel_id → info.
  std::string tenant;

  /// Folds one event in (unknown shapes are ignored: the server judges validity).
  void observe(const nlohmann::json& event);
  /// The funnel with the most stage_changed events; "" when none.
  std::string main_funnel() const;
};

struct Dataset {
  std::vector<std::string> bodies;  ///< `{"events":[...]}` bodies, `batch_size` events each.
  DatasetStats stats;
  double generate_seconds = 0;
};

/// Drains `source` into batch bodies of `batch_size` events, observing each event.
Dataset build_dataset(const EventSource& source, std::size_t batch_size);

/// RFC 3339 ("2026-11-20T14:03:00.250-03:00", "...Z") → epoch ms, truncating below a ms.
/// Throws std::invalid_argument on anything else.
std::int64_t parse_rfc3339_ms(const std::string& text);
/// Epoch ms → "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string format_rfc3339_ms(std::int64_t ms);

constexpr std::int64_t kDayMs = 86'400'000;

/// The start (UTC midnight, ms) of the shortest window of whole days ending at `to_ms` (a UTC
/// midnight) whose days hold at least `target` counts of `per_day`; the first day present when
/// the total is smaller. REQUIRES: to_ms is a multiple of kDayMs.
std::int64_t window_start_holding(const std::map<std::int64_t, std::uint64_t>& per_day,
                                  std::int64_t to_ms, std::uint64_t target);

}  // namespace zaplify::bench
