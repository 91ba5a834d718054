#pragma once
// The one-pass funnel scan: stage_changed events streamed in (timestamp, id) order from the
// host's stage_events relation (sdk/host_tables.h) are folded into stage counts, time-to-next
// samples, the conversion flow and (optionally) dropped leads. Memory is proportional to the
// funnel's leads in the scanned range (a small state each, time samples, dropped leads), never to
// its events.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "funnel_definition.h"
#include "lead_table.h"
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
  static constexpr std::size_t kLinearStages = 8;
  std::vector<std::string> names_;
  std::unordered_map<std::string_view, int> index_;
};

/// What one scan covers. W = [from_ms, to_ms); W′ = [previous_from_ms, from_ms) when set.
struct ScanOptions {
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
  std::optional<std::int64_t> previous_from_ms;  ///< Set to also count reached stages in W′.
  int dropped_stage = -1;  ///< When ≥ 0: collect leads whose furthest stage in W is this one.
  /// Conversion window D (ms; docs/api.md, Stage report): a lead reached Sk when it has an event
  /// into a stage ≥ k in [t0, t0 + D] (t0: its first W event into a known stage). Unset: any W
  /// event counts.
  std::optional<std::int64_t> conversion_window_ms;
  bool collect_leads = false;  ///< Fill ScanResult::leads (the breakdown needs each lead's reach).
};

/// A lead of the scan and the furthest stage it reached (rule in force).
struct LeadReach {
  std::string lead_id;
  int reached = 0;
};

struct DroppedLead {
  std::string lead_id;
  std::int64_t last_stage_at_ms = 0;  ///< Latest event into the dropped stage in W.
};

/// Everything the funnel routes need, for n stages. Flow node n is `(exit)`.
struct ScanResult {
  std::size_t stage_count = 0;
  std::vector<std::int64_t> reached;           ///< [k]: leads that reached Sk in W (rule in force).
  std::vector<std::int64_t> previous_reached;  ///< [k]: the same in W′ (zeros when not asked).
  /// [k]: per lead with an event into exactly Sk in W, ms from its first such event to its first
  /// later-or-equal-time event into a stage of index > k (leads without one are absent).
  std::vector<std::vector<std::int64_t>> ms_to_next;
  std::int64_t unknown_stage_events = 0;  ///< W events into names that are not stages.
  std::vector<std::int64_t> links;        ///< (n+1)×(n+1), row = source, column = target.
  std::vector<std::int64_t> entries;      ///< [k]: leads whose first stage in W is Sk.
  std::vector<DroppedLead> dropped;       ///< Unordered; see ScanOptions::dropped_stage.
  /// Per lead that reached the final stage (rule in force): ms from t0 to its first event into the
  /// final stage at or after t0. Unordered.
  std::vector<std::int64_t> ms_to_convert;
  std::vector<LeadReach>
      leads;  ///< Every lead with a W event; only with ScanOptions::collect_leads.

  std::int64_t link(std::size_t source, std::size_t target) const {
    return links[source * (stage_count + 1) + target];
  }
};

/// Folds events into a ScanResult. Not thread-safe; one accumulator per scan.
/// REQUIRES: events arrive in (timestamp, id) order across all leads (the order of the
/// host's stage_events index), so each lead's own events are in (timestamp, id) order too.
/// Memory: one small state per lead (ids interned once), plus pending first-visit times.
class FunnelAccumulator {
 public:
  /// REQUIRES: `stages` outlives the accumulator; 1 ≤ stages.size() ≤ kMaxStages.
  FunnelAccumulator(const StageIndex& stages, const ScanOptions& options);
  void add(std::string_view lead_id, std::int64_t ts_ms, std::string_view stage);
  /// Closes every lead and returns the result; the accumulator must not be used afterwards.
  ScanResult finish();

 private:
  struct LeadState {
    std::uint64_t seen = 0;            // stages with an event in W so far
    std::int64_t first_ts = 0;         // t0: the lead's first W event (valid once flow_first ≥ 0)
    std::int64_t final_ts = -1;        // its first W event into the final stage, -1 for none
    std::int64_t group_ts = 0;         // timestamp of the lead's latest W event
    std::int64_t dropped_last_ts = 0;  // latest W event into options.dropped_stage
    std::int32_t pending = -1;         // top of the stack of stages waiting for a later one
    std::int8_t group_max = -1;        // furthest stage among the W events at group_ts
    std::int8_t furthest = -1;         // furthest stage in W
    std::int8_t window_furthest = -1;  // furthest stage in [t0, t0 + conversion window]
    std::int8_t prev_furthest = -1;    // furthest stage in W′
    std::int8_t flow_first = -1;       // first and latest stage of the W flow
    std::int8_t flow_last = -1;
  };
  // A seen stage still waiting for an event into a later stage. A lead's pending stages form a
  // stack with the smallest index on top: an event into k resolves exactly the entries below k.
  struct Pending {
    std::int64_t first_ts = 0;
    std::int32_t next = -1;
    std::int32_t stage = 0;
  };

  // A row waiting in the batch: lookups are done 64 rows at a time with prefetches (see flush).
  struct Queued {
    std::int64_t ts_ms = 0;
    std::uint32_t hash = 0;
    std::uint32_t key_offset = 0;  // the lead id's bytes in queue_keys_
    std::uint32_t key_size = 0;
    std::int32_t stage = 0;
    bool current = false;  // in W (else in W′)
  };
  static constexpr std::size_t kBatch = 64;

  void queue(std::string_view lead_id, std::int64_t ts_ms, int stage, bool current);
  void flush();
  void add_current(LeadState& s, std::int64_t ts_ms, int stage);
  void push_pending(LeadState& s, int stage, std::int64_t ts_ms);
  void end_lead(std::string_view lead_id, const LeadState& s);

  const StageIndex& stages_;
  ScanOptions options_;
  ScanResult result_;
  LeadTable<LeadState> leads_;
  std::vector<Queued> queue_;
  std::string queue_keys_;
  std::vector<Pending> pending_pool_;
  std::int32_t free_pending_ = -1;
  std::vector<std::int64_t> furthest_hist_;       // [k]: leads whose furthest reached stage is k.
  std::vector<std::int64_t> prev_furthest_hist_;  // the same for W′.
};

/// Runs the scan's SQL for one funnel of one tenant and folds the rows. Throws sdk::StoreError.
ScanResult scan_funnel(const sdk::Store& store, const std::string& tenant_id,
                       const FunnelDefinition& funnel, const ScanOptions& options);

}  // namespace zaplify::funnel
