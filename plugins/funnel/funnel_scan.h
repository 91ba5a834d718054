#pragma once
// The one-pass funnel scan: stage_changed events streamed in (lead, timestamp, id) order are folded
// into stage counts, time-to-next samples, the conversion flow and (optionally) dropped leads.
// Memory is proportional to the funnel's leads (time samples, dropped leads), never to its events:
// the per-lead state is a handful of fixed-size arrays reused from one lead to the next.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "funnel_definition.h"
#include "zaplify/sdk/store.h"

namespace zaplify::funnel {

/// Maps stage names to indexes without allocating per lookup. Keys view into the owned names, so
/// the object is neither copyable nor movable. Thread-compatible (const use is thread-safe).
class StageIndex {
 public:
  explicit StageIndex(const std::vector<std::string>& stages);
  StageIndex(const StageIndex&) = delete;
  StageIndex& operator=(const StageIndex&) = delete;
  /// The index of `name` among the stages (first occurrence), or -1 when it is not a stage.
  int find(std::string_view name) const;
  std::size_t size() const { return names_.size(); }

 private:
  std::vector<std::string> names_;
  std::unordered_map<std::string_view, int> index_;
};

/// What one scan covers. W = [from_ms, to_ms); W′ = [previous_from_ms, from_ms) when set.
struct ScanOptions {
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
  std::optional<std::int64_t> previous_from_ms;  ///< Set to also count reached stages in W′.
  int dropped_stage = -1;  ///< When ≥ 0: collect leads whose furthest stage in W is this one.
};

struct DroppedLead {
  std::string lead_id;
  std::int64_t last_stage_at_ms = 0;  ///< Latest event into the dropped stage in W.
};

/// Everything the funnel routes need, for n stages. Flow node n is `(exit)`.
struct ScanResult {
  std::size_t stage_count = 0;
  std::vector<std::int64_t> reached;           ///< [k]: leads that reached Sk in W.
  std::vector<std::int64_t> previous_reached;  ///< [k]: the same in W′ (zeros when not asked).
  /// [k]: per lead with an event into exactly Sk in W, ms from its first such event to its first
  /// later-or-equal-time event into a stage of index > k (leads without one are absent).
  std::vector<std::vector<std::int64_t>> ms_to_next;
  std::int64_t unknown_stage_events = 0;       ///< W events into names that are not stages.
  std::vector<std::int64_t> links;             ///< (n+1)×(n+1), row = source, column = target.
  std::vector<std::int64_t> entries;           ///< [k]: leads whose first stage in W is Sk.
  std::vector<DroppedLead> dropped;            ///< Unordered; see ScanOptions::dropped_stage.

  std::int64_t link(std::size_t source, std::size_t target) const {
    return links[source * (stage_count + 1) + target];
  }
};

/// Folds events into a ScanResult. Not thread-safe; one accumulator per scan.
/// REQUIRES: events arrive grouped by lead, and within a lead in (timestamp, id) order.
class FunnelAccumulator {
 public:
  /// REQUIRES: `stages` outlives the accumulator; 1 ≤ stages.size() ≤ kMaxStages.
  FunnelAccumulator(const StageIndex& stages, const ScanOptions& options);
  void add(std::string_view lead_id, std::int64_t ts_ms, std::string_view stage);
  /// Closes the last lead and returns the result; the accumulator must not be used afterwards.
  ScanResult finish();

 private:
  void start_lead(std::string_view lead_id);
  void end_lead();
  void add_current(std::int64_t ts_ms, int stage);
  void add_previous(int stage);

  const StageIndex& stages_;
  ScanOptions options_;
  ScanResult result_;
  std::vector<std::int64_t> furthest_hist_;       // [k]: leads whose furthest stage in W is k.
  std::vector<std::int64_t> prev_furthest_hist_;  // the same for W′.
  // The current lead's state, reused for every lead.
  bool has_lead_ = false;
  std::string lead_;
  int furthest_ = -1;
  int prev_furthest_ = -1;
  std::uint64_t seen_ = 0;     // stages with an event in W so far
  std::uint64_t pending_ = 0;  // seen stages still waiting for an event into a later stage
  std::vector<std::int64_t> first_ts_;
  std::vector<std::int64_t> last_ts_;
  std::int64_t group_ts_ = 0;  // the timestamp of the latest event, and the furthest stage at it
  int group_max_ = -1;
  int flow_first_ = -1;
  int flow_last_ = -1;
};

/// Runs the scan's SQL for one funnel of one tenant and folds the rows. Throws sdk::StoreError.
ScanResult scan_funnel(const sdk::Store& store, const std::string& tenant_id,
                       const FunnelDefinition& funnel, const ScanOptions& options);

}  // namespace zaplify::funnel
