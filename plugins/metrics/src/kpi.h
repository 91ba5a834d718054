#pragma once
// GET /metrics/kpi: the KPI totals of W and W′ computed in one pass per query (CASE on ts), and the
// per-bucket series shared with the kpi_daily data source.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "metrics_math.h"
#include "zaplify/sdk/calendar.h"
#include "zaplify/sdk/funnels.h"
#include "zaplify/sdk/store.h"

namespace zaplify::metrics {

/// The KPI totals of one window.
struct KpiTotals {
  std::int64_t conversations = 0;
  std::int64_t messages = 0;
  std::int64_t lead_messages = 0;
  std::int64_t assistant_messages = 0;
  std::int64_t agent_messages = 0;
  std::int64_t new_leads = 0;
  std::int64_t conversions = 0;
  std::int64_t ended = 0;
  std::int64_t resolved = 0;
  std::int64_t handoff = 0;
  Distribution assistant_response;  ///< avg/p50/p95 of assistant response_time_ms.
  std::optional<double> agent_avg_response;
};

struct KpiReport {
  KpiTotals current;
  KpiTotals previous;
};

/// Totals of W (current) and W′ (previous) for a tenant; conversions count leads into the final
/// stage of each of `funnels` (the tenant's current definitions, Host::funnels()). Throws
/// sdk::StoreError.
KpiReport compute_kpis(const sdk::Store& store, const std::string& tenant, const sdk::Window& w,
                       const std::vector<sdk::FunnelDefinition>& funnels);

/// The `kpis` object and `messages_by_sender` of the response.
nlohmann::json kpis_json(const KpiReport& report);
nlohmann::json messages_by_sender_json(const KpiTotals& t);

/// One bucket of the series.
struct SeriesBucket {
  std::int64_t start = 0;
  std::int64_t conversations = 0;
  std::int64_t messages = 0;
  std::int64_t new_leads = 0;
  std::int64_t conversions = 0;
  std::int64_t replies_timed = 0;  ///< Assistant messages with a response time.
  double response_time_sum = 0;

  std::optional<double> avg_response_time() const {
    return ratio(response_time_sum, static_cast<double>(replies_timed));
  }
};

/// Per-bucket counts over W for the given aligned bucket starts (from Calendar::bucket_starts);
/// every bucket present, empty ones zero. `with_response_times` also fills the response-time sums.
std::vector<SeriesBucket> compute_series(const sdk::Store& store, const std::string& tenant,
                                         const sdk::Window& w,
                                         const std::vector<std::int64_t>& starts,
                                         const std::vector<sdk::FunnelDefinition>& funnels,
                                         bool with_response_times);

/// SQL rows (ts, lead_id) of stage changes into each funnel's final stage in [from, to): one
/// UNION ALL branch per funnel over the host's stage_events, its params appended to `params`; empty
/// when there are no funnels.
std::string final_stage_rows(const std::vector<sdk::FunnelDefinition>& funnels,
                             const std::string& tenant, std::int64_t from, std::int64_t to,
                             std::vector<sdk::Value>& params);

}  // namespace zaplify::metrics
