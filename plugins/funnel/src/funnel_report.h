#pragma once
// Turns a ScanResult into the funnel routes' answers (docs/api.md, funnel plugin). Pure functions:
// no store, no clock, so every number is testable from hand-made scans.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "funnel_definition.h"
#include "funnel_scan.h"

namespace zaplify::funnel {

/// One stage of GET /analytics/funnel/{funnel_id}.
struct StageRow {
  std::string stage;
  int index = 0;
  std::int64_t count = 0;
  std::optional<double> conversion_from_previous;  ///< null for S0 or when count[k−1] is 0
  std::optional<double> conversion_from_start;     ///< null when count[0] is 0
  std::optional<std::int64_t> drop_off;            ///< null for the last stage
  std::optional<double> median_hours_to_next;      ///< null for the last stage or no samples
};

/// One transition Sk → Sk+1 of the bottleneck analysis.
struct Transition {
  int index = 0;
  std::string from_stage;
  std::string to_stage;
  std::optional<double> conversion_rate;
  std::int64_t drop_off = 0;
  std::optional<double> previous_conversion_rate;
  std::optional<double> change_pts;
  std::optional<double> p_value;
  std::optional<double> median_hours_in_stage;
  bool lowest_conversion = false;
  bool significant_decline = false;
  bool slow = false;
  bool flagged() const { return lowest_conversion || significant_decline || slow; }
};

/// The bottleneck analysis: every transition, plus the reference the `slow` flag compares with.
struct BottleneckAnalysis {
  std::vector<Transition> transitions;
  std::optional<double> median_stage_hours;  ///< Median of the non-null stage medians.
};

/// Stage rows from reach counts alone (reached[k]: leads that reached Sk); no medians.
std::vector<StageRow> count_rows(const FunnelDefinition& funnel,
                                 const std::vector<std::int64_t>& reached);

/// Stage rows from a scan. Reorders scan.ms_to_next (medians are taken in place).
std::vector<StageRow> stage_rows(const FunnelDefinition& funnel, ScanResult& scan);

/// Transitions with their flags. REQUIRES: `rows` from stage_rows of the same scan, and the scan
/// ran with a previous window (previous_reached filled).
BottleneckAnalysis analyse_bottlenecks(const std::vector<StageRow>& rows, const ScanResult& scan);

/// The human sentence for a flagged transition: names the stage and the evidence.
std::string recommendation(const Transition& t, std::optional<double> median_stage_hours);

nlohmann::json funnel_json(const FunnelDefinition& funnel, const std::vector<StageRow>& rows,
                           const ScanResult& scan);
/// `time_to_convert` (docs/api.md, Stage report): leads, median_hours, p90_hours and the histogram
/// (edges 1, 6, 24, 72, 168, 336, 720 hours, then null = above 720) over scan.ms_to_convert. Sorts
/// it.
nlohmann::json time_to_convert_json(ScanResult& scan);

nlohmann::json bottlenecks_json(const FunnelDefinition& funnel, const BottleneckAnalysis& a);
nlohmann::json flow_json(const FunnelDefinition& funnel, const ScanResult& scan);

/// `value` with `decimals` digits after the point, independent of the C locale.
std::string fixed(double value, int decimals);

}  // namespace zaplify::funnel
