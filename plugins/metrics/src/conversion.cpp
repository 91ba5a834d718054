#include "conversion.h"

#include "distinct_set.h"
#include "metrics_math.h"
#include "sql.h"

namespace zaplify::metrics {

std::vector<FunnelConversion> compute_conversion(
    const sdk::Store& store, const std::string& tenant, const sdk::Window& w,
    const std::vector<sdk::FunnelDefinition>& funnels) {
  std::vector<FunnelConversion> out;
  const std::int64_t f = w.from_ms;
  for (const auto& def : funnels) {
    // One pass over the funnel's stage changes covering W′ ∪ W (the host's stage_events),
    // deduplicated here. A change without a lead is nobody's.
    DistinctIds entered, converted, previous_entered, previous_converted;
    store.query(
        "SELECT ts, stage, lead_id FROM stage_events WHERE tenant_id = ? AND "
        "funnel_id = ? AND ts >= ? AND ts < ? AND lead_id <> ''",
        {tenant, def.funnel_id, w.previous_from_ms(), w.to_ms}, [&](const sdk::Row& row) {
          const bool cur = row.int64(0) >= f;
          (cur ? entered : previous_entered).insert(row.text(2));
          if (row.text(1) == def.stages.back())
            (cur ? converted : previous_converted).insert(row.text(2));
        });
    FunnelConversion c;
    c.funnel_id = def.funnel_id;
    c.name = def.name;
    c.entered = entered.size();
    c.converted = converted.size();
    c.previous_entered = previous_entered.size();
    c.previous_converted = previous_converted.size();
    out.push_back(std::move(c));
  }
  return out;
}

nlohmann::json conversion_json(const FunnelConversion& c) {
  auto rate = ratio(static_cast<double>(c.converted), static_cast<double>(c.entered));
  auto prev =
      ratio(static_cast<double>(c.previous_converted), static_cast<double>(c.previous_entered));
  std::optional<double> pts;
  if (rate && prev) pts = (*rate - *prev) * 100.0;
  return {{"funnel_id", c.funnel_id},
          {"name", c.name},
          {"entered", c.entered},
          {"converted", c.converted},
          {"conversion_rate", json_or_null(rate)},
          {"previous_conversion_rate", json_or_null(prev)},
          {"change_pts", json_or_null(pts)}};
}

}  // namespace zaplify::metrics
