// The per-bucket series of /metrics/kpi and kpi_daily. SQL groups counts by 15-minute unit
// (ts / 900000) and C++ folds the units into local-time buckets (see fold_units); distinct-lead
// counts are pulled as distinct (unit, lead) pairs and deduplicated per bucket.

#include <set>
#include <utility>

#include "kpi.h"
#include "sql.h"

namespace zaplify::metrics {
namespace {

using Counts = std::vector<std::int64_t>;

void fold_grouped(const sdk::Store& store, const std::string& sql, const Params& params,
                  const std::vector<std::int64_t>& starts, Counts& out) {
  store.query(sql, params, [&](const sdk::Row& row) {
    fold_units(starts, row.int64(0), row.int64(1), out);
  });
}

void fold_distinct(const sdk::Store& store, const std::string& sql, const Params& params,
                   const std::vector<std::int64_t>& starts, Counts& out) {
  std::set<std::pair<std::size_t, std::string>> seen;
  store.query(sql, params, [&](const sdk::Row& row) {
    const std::size_t b = bucket_index(starts, row.int64(0) * kUnitMs);
    if (seen.emplace(b, std::string(row.text(1))).second) ++out[b];
  });
}

}  // namespace

std::vector<SeriesBucket> compute_series(const sdk::Store& store, const std::string& tenant,
                                         const sdk::Window& w,
                                         const std::vector<std::int64_t>& starts,
                                         const std::vector<FunnelDefinition>& funnels,
                                         bool with_response_times) {
  const std::size_t n = starts.size();
  std::vector<SeriesBucket> out(n);
  if (n == 0) return out;
  const Params range{tenant, w.from_ms, w.to_ms};
  Counts messages(n), conversations(n), leads(n), conversions(n);
  fold_grouped(store,
               "SELECT ts / 900000, COUNT(*) FROM events WHERE tenant_id = ? AND type = 'message' "
               "AND ts >= ? AND ts < ? GROUP BY ts / 900000",
               range, starts, messages);
  fold_grouped(store,
               "SELECT start_ts / 900000, COUNT(*) FROM metrics_conversations WHERE tenant_id = ? "
               "AND start_ts >= ? AND start_ts < ? GROUP BY start_ts / 900000",
               range, starts, conversations);
  fold_distinct(store,
                "SELECT DISTINCT ts / 900000, lead_id FROM events WHERE tenant_id = ? AND "
                "type = 'lead_created' AND ts >= ? AND ts < ?",
                range, starts, leads);
  Params conv_params = range;
  const std::string cond = final_stage_condition(funnels, conv_params);
  if (!cond.empty()) {
    fold_distinct(store,
                  "SELECT DISTINCT ts / 900000, lead_id FROM events WHERE tenant_id = ? AND "
                  "type = 'stage_changed' AND ts >= ? AND ts < ? AND (" + cond + ")",
                  conv_params, starts, conversions);
  }
  for (std::size_t i = 0; i < n; ++i) {
    out[i].start = starts[i];
    out[i].messages = messages[i];
    out[i].conversations = conversations[i];
    out[i].new_leads = leads[i];
    out[i].conversions = conversions[i];
  }
  if (with_response_times) {
    store.query(
        "SELECT ts / 900000, COUNT(*), SUM(response_time_ms) FROM events WHERE tenant_id = ? AND "
        "type = 'message' AND sender = 'assistant' AND response_time_ms IS NOT NULL AND ts >= ? "
        "AND ts < ? GROUP BY ts / 900000",
        range, [&](const sdk::Row& row) {
          SeriesBucket& b = out[bucket_index(starts, row.int64(0) * kUnitMs)];
          b.replies_timed += row.int64(1);
          b.response_time_sum += row.number(2);
        });
  }
  return out;
}

}  // namespace zaplify::metrics
