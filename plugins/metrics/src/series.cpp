// The per-bucket series of /metrics/kpi and kpi_daily. Messages, conversations and response-time
// sums come from the per-unit rollup (rollup.h); new leads from the occurrence chains (prev_ts);
// conversions are deduplicated per bucket from narrow index-ordered rows.

#include <algorithm>
#include <utility>

#include "distinct_set.h"
#include "kpi.h"
#include "rollup.h"
#include "sql.h"

namespace zaplify::metrics {
namespace {

using Counts = std::vector<std::int64_t>;

// New leads per bucket: an occurrence counts when the lead's previous occurrence (prev_ts) lies
// before its bucket (or there is none), which happens once per lead and bucket.
Counts count_new_leads(const sdk::Store& store, const std::string& tenant, const sdk::Window& w,
                       const std::vector<std::int64_t>& starts) {
  Counts out(starts.size());
  store.query(
      "SELECT ts, prev_ts FROM metrics_lead_created WHERE tenant_id = ? AND ts >= ? AND "
      "ts < ?",
      {tenant, w.from_ms, w.to_ms}, [&](const sdk::Row& row) {
        const std::size_t b = bucket_index(starts, row.int64(0));
        const std::int64_t lo = std::max(starts[b], w.from_ms);
        if (row.is_null(1) || row.int64(1) < lo) ++out[b];
      });
  return out;
}

// Distinct lead_id per bucket of rows (ts, lead_id).
Counts count_distinct_leads(const sdk::Store& store, const std::string& sql, const Params& params,
                            const std::vector<std::int64_t>& starts) {
  std::vector<DistinctIds> seen(starts.size());
  store.query(sql, params, [&](const sdk::Row& row) {
    seen[bucket_index(starts, row.int64(0))].insert(row.text(1));
  });
  Counts out;
  for (const auto& s : seen) out.push_back(s.size());
  return out;
}

}  // namespace

std::vector<SeriesBucket> compute_series(const sdk::Store& store, const std::string& tenant,
                                         const sdk::Window& w,
                                         const std::vector<std::int64_t>& starts,
                                         const std::vector<sdk::FunnelDefinition>& funnels,
                                         bool with_response_times) {
  const std::size_t n = starts.size();
  std::vector<SeriesBucket> out(n);
  if (n == 0 || w.from_ms >= w.to_ms) return out;
  const auto sums = rollup_buckets(store, tenant, w.from_ms, w.to_ms, starts, false);
  const Counts leads = count_new_leads(store, tenant, w, starts);
  Params conv_params;
  const std::string finals = final_stage_rows(funnels, tenant, w.from_ms, w.to_ms, conv_params);
  const Counts conversions =
      finals.empty() ? Counts(n) : count_distinct_leads(store, finals, conv_params, starts);
  for (std::size_t i = 0; i < n; ++i) {
    out[i].start = starts[i];
    out[i].conversations = sums[i].started;
    out[i].new_leads = leads[i];
    out[i].conversions = conversions[i];
    out[i].messages = sums[i].msg;
    if (with_response_times) {
      out[i].replies_timed = sums[i].rt_assistant_n;
      out[i].response_time_sum = sums[i].rt_assistant_sum;
    }
  }
  return out;
}

}  // namespace zaplify::metrics
