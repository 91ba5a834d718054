#pragma once
// metrics_units: one row per (tenant, 15-minute unit), unit = floor(ts / 900000), holding every
// per-unit count the KPIs need as columns plus the assistants' response times packed in one cell
// (packed_values.h). A window is read as whole units from it plus exact raw reads of the few units
// a window edge or a bucket boundary cuts (each under 15 minutes of events). Local
// hour/day/week boundaries of every current zone fall on 15-minute marks, so usually only the
// window's own edges are cut; any other cut is still exact, just read raw.
//
// Conversation counts follow the conversation's earliest start / ending (the ingest hook moves a
// conversation between units when an earlier start or ending arrives).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zaplify/sdk/store.h"

namespace zaplify::metrics {

/// What a set of units (or raw events) adds up to.
struct UnitSums {
  std::int64_t msg = 0, msg_lead = 0, msg_assistant = 0, msg_agent = 0;
  std::int64_t rt_agent_n = 0, rt_assistant_n = 0;
  double rt_agent_sum = 0, rt_assistant_sum = 0;
  std::int64_t stage = 0;
  std::int64_t started = 0, ended = 0, resolved = 0, handoff = 0;
  std::vector<double> rt_values;  ///< Assistant response times; filled only when asked for.

  /// Adds one message or stage_changed event (shared by the hook and the raw edge reads).
  void add_event(std::string_view type, std::string_view sender,
                 std::optional<double> response_time_ms);
  /// Adds one ending with this outcome (n = -1 removes one).
  void add_ending(std::string_view outcome, std::int64_t n);
  void add_counts(const UnitSums& o);
};

/// The count columns of metrics_units in UnitSums order (no tenant, unit or rt_vals).
extern const char* const kUnitColumns;

std::int64_t unit_floor(std::int64_t ms);
std::int64_t unit_ceil(std::int64_t ms);

/// SQL for floor(col / 900000) that is right for negative instants too.
std::string unit_sql(const std::string& col);

/// How [from, to) cut at `cuts` is read: whole units [first_unit, end_unit) from the rollup except
/// `skipped` (units a cut falls inside), and the millisecond ranges `raw` from the event store.
struct UnitCover {
  std::int64_t first_unit = 0;
  std::int64_t end_unit = 0;
  std::vector<std::int64_t> skipped;
  std::vector<std::pair<std::int64_t, std::int64_t>> raw;
};

/// REQUIRES: from < to. `cuts` are bucket boundaries; those outside (from, to) are ignored.
UnitCover cover_window(std::int64_t from, std::int64_t to, const std::vector<std::int64_t>& cuts);

/// Per-bucket sums: bucket i = [starts[i], starts[i+1]) ∩ [from, to) (the last ends at `to`).
/// `with_values` also collects the assistant response times. Throws sdk::StoreError.
std::vector<UnitSums> rollup_buckets(const sdk::Store& store, const std::string& tenant,
                                     std::int64_t from, std::int64_t to,
                                     const std::vector<std::int64_t>& starts, bool with_values);

}  // namespace zaplify::metrics
