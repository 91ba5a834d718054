#pragma once
// metrics_rollup: counts and sums per (tenant, metric, 15-minute unit), unit = floor(ts / 900000).
// A window is read as whole units from the rollup plus exact raw reads of the event store for the
// few units that a window edge or a bucket boundary cuts (each under 15 minutes of events). Local
// hour/day/week boundaries of every current zone fall on 15-minute marks, so usually only the
// window's own edges are cut; any other cut is still exact, just read raw.
//
// Metrics: "msg" (all messages), "msg:<sender>", "rt:<sender>" (n = messages with a
// response_time_ms, total = their sum), "stage" (stage_changed events).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zaplify/sdk/store.h"

namespace zaplify::metrics {

struct RollupCell {
  std::int64_t n = 0;
  double total = 0;
};
using MetricSums = std::map<std::string, RollupCell, std::less<>>;

/// Adds what one event contributes to the rollup. The single definition shared by the ingest hook,
/// the raw edge reads, and (mirrored in SQL) the backfill migration.
void add_event(MetricSums& sums, std::string_view type, std::string_view sender,
               std::optional<double> response_time_ms);

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

/// Per-bucket rollup sums: bucket i = [starts[i], starts[i+1]) ∩ [from, to) (the last ends at
/// `to`). `metrics` names which metrics to return. Throws sdk::StoreError.
std::vector<MetricSums> rollup_buckets(const sdk::Store& store, const std::string& tenant,
                                       std::int64_t from, std::int64_t to,
                                       const std::vector<std::int64_t>& starts,
                                       const std::vector<std::string>& metrics);

}  // namespace zaplify::metrics
