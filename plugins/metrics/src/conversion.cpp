#include "conversion.h"

#include "metrics_math.h"
#include "sql.h"

namespace zaplify::metrics {

std::vector<FunnelConversion> compute_conversion(const sdk::Store& store, const std::string& tenant,
                                                 const sdk::Window& w,
                                                 const std::vector<FunnelDefinition>& funnels) {
  std::vector<FunnelConversion> out;
  const std::int64_t f = w.from_ms;
  for (const auto& def : funnels) {
    // One pass over the funnel's rows of metrics_stage_events (index-only) covering W′ ∪ W.
    auto n = query_ints(
        store,
        "SELECT COUNT(DISTINCT CASE WHEN ts >= ? THEN lead_id END), "
        "COUNT(DISTINCT CASE WHEN ts >= ? AND stage = ? THEN lead_id END), "
        "COUNT(DISTINCT CASE WHEN ts < ? THEN lead_id END), "
        "COUNT(DISTINCT CASE WHEN ts < ? AND stage = ? THEN lead_id END) "
        "FROM metrics_stage_events WHERE tenant_id = ? AND funnel_id = ? AND ts >= ? AND ts < ?",
        {f, f, def.final_stage(), f, f, def.final_stage(), tenant, def.funnel_id,
         w.previous_from_ms(), w.to_ms});
    FunnelConversion c;
    c.funnel_id = def.funnel_id;
    c.name = def.name;
    if (n.size() == 4) {
      c.entered = n[0];
      c.converted = n[1];
      c.previous_entered = n[2];
      c.previous_converted = n[3];
    }
    out.push_back(std::move(c));
  }
  return out;
}

nlohmann::json conversion_json(const FunnelConversion& c) {
  auto rate = ratio(static_cast<double>(c.converted), static_cast<double>(c.entered));
  auto prev = ratio(static_cast<double>(c.previous_converted),
                    static_cast<double>(c.previous_entered));
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
