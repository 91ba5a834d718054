// The per-bucket series of /metrics/kpi and kpi_daily. Messages and response-time sums come from
// the rollup (rollup.h); conversations are counted per 15-minute unit in SQL with exact reads of
// cut units; distinct leads are deduplicated per bucket from narrow index-ordered rows.

#include <algorithm>
#include <set>
#include <utility>

#include "kpi.h"
#include "rollup.h"
#include "sql.h"

namespace zaplify::metrics {
namespace {

using Counts = std::vector<std::int64_t>;

// Conversations whose earliest start lies in each bucket.
Counts count_conversations(const sdk::Store& store, const std::string& tenant, const sdk::Window& w,
                           const std::vector<std::int64_t>& starts) {
  Counts out(starts.size());
  const UnitCover c = cover_window(w.from_ms, w.to_ms, starts);
  if (c.first_unit < c.end_unit) {
    store.query("SELECT " + unit_sql("start_ts") + ", COUNT(*) FROM metrics_conversations WHERE "
                "tenant_id = ? AND start_ts >= ? AND start_ts < ? GROUP BY 1",
                {tenant, c.first_unit * kUnitMs, c.end_unit * kUnitMs}, [&](const sdk::Row& row) {
                  const std::int64_t unit = row.int64(0);
                  if (std::binary_search(c.skipped.begin(), c.skipped.end(), unit)) return;
                  out[bucket_index(starts, unit * kUnitMs)] += row.int64(1);
                });
  }
  for (const auto& [a, b] : c.raw) {
    store.query("SELECT start_ts FROM metrics_conversations WHERE tenant_id = ? AND start_ts >= ? "
                "AND start_ts < ?",
                {tenant, a, b},
                [&](const sdk::Row& row) { ++out[bucket_index(starts, row.int64(0))]; });
  }
  return out;
}

// Distinct lead_id per bucket of rows (ts, lead_id).
Counts count_distinct_leads(const sdk::Store& store, const std::string& sql, const Params& params,
                            const std::vector<std::int64_t>& starts) {
  Counts out(starts.size());
  std::set<std::pair<std::size_t, std::string>, std::less<>> seen;
  store.query(sql, params, [&](const sdk::Row& row) {
    const std::size_t b = bucket_index(starts, row.int64(0));
    if (seen.emplace(b, std::string(row.text(1))).second) ++out[b];
  });
  return out;
}

}  // namespace

std::vector<SeriesBucket> compute_series(const sdk::Store& store, const std::string& tenant,
                                         const sdk::Window& w,
                                         const std::vector<std::int64_t>& starts,
                                         const std::vector<FunnelDefinition>& funnels,
                                         bool with_response_times) {
  const std::size_t n = starts.size();
  std::vector<SeriesBucket> out(n);
  if (n == 0 || w.from_ms >= w.to_ms) return out;
  std::vector<std::string> metrics{"msg"};
  if (with_response_times) metrics.emplace_back("rt:assistant");
  const auto sums = rollup_buckets(store, tenant, w.from_ms, w.to_ms, starts, metrics);
  const Counts conversations = count_conversations(store, tenant, w, starts);
  const Counts leads = count_distinct_leads(
      store, "SELECT ts, lead_id FROM metrics_lead_created WHERE tenant_id = ? AND ts >= ? AND ts < ?",
      {tenant, w.from_ms, w.to_ms}, starts);
  Params conv_params;
  const std::string finals = final_stage_rows(funnels, tenant, w.from_ms, w.to_ms, conv_params);
  const Counts conversions =
      finals.empty() ? Counts(n) : count_distinct_leads(store, finals, conv_params, starts);
  for (std::size_t i = 0; i < n; ++i) {
    out[i].start = starts[i];
    out[i].conversations = conversations[i];
    out[i].new_leads = leads[i];
    out[i].conversions = conversions[i];
    if (auto it = sums[i].find("msg"); it != sums[i].end()) out[i].messages = it->second.n;
    if (auto it = sums[i].find("rt:assistant"); it != sums[i].end()) {
      out[i].replies_timed = it->second.n;
      out[i].response_time_sum = it->second.total;
    }
  }
  return out;
}

}  // namespace zaplify::metrics
