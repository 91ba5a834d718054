#include "rollup.h"

#include <algorithm>

#include "batch_sql.h"
#include "metrics_math.h"

namespace zaplify::metrics {
namespace {

constexpr std::size_t kMaxSqlBuckets = 64;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

void add(MetricSums& sums, std::string_view metric, std::int64_t n, double total) {
  auto it = sums.find(metric);
  if (it == sums.end()) it = sums.emplace(std::string(metric), RollupCell{}).first;
  it->second.n += n;
  it->second.total += total;
}

std::string in_metrics(const std::vector<std::string>& metrics, std::vector<sdk::Value>& params) {
  for (const auto& m : metrics) params.emplace_back(m);
  return "metric IN (" + marks(metrics.size()) + ")";
}

// Whole units of the rollup, each folded into the bucket holding it. With few buckets SQL sums
// them (a CASE maps a unit to its bucket); with many, the units are pulled and folded here.
void read_units(const sdk::Store& store, const std::string& tenant, const UnitCover& c,
                const std::vector<std::int64_t>& starts, const std::vector<std::string>& metrics,
                std::vector<MetricSums>& out) {
  if (c.first_unit >= c.end_unit) return;
  std::vector<sdk::Value> params;
  std::string bucket = "0";
  const bool grouped = starts.size() <= kMaxSqlBuckets;
  if (grouped && starts.size() > 1) {
    bucket = "CASE";
    for (std::size_t i = 1; i < starts.size(); ++i) {
      bucket += " WHEN unit < ? THEN " + std::to_string(i - 1);
      params.emplace_back(unit_ceil(starts[i]));
    }
    bucket += " ELSE " + std::to_string(starts.size() - 1) + " END";
  }
  params.emplace_back(tenant);
  const std::string cond = in_metrics(metrics, params);
  params.emplace_back(c.first_unit);
  params.emplace_back(c.end_unit);
  std::string skip;
  for (std::int64_t u : c.skipped) {
    skip += " AND unit <> ?";
    params.emplace_back(u);
  }
  const std::string where = " FROM metrics_rollup WHERE tenant_id = ? AND " + cond +
                            " AND unit >= ? AND unit < ?" + skip;
  if (grouped) {
    // GROUP BY position: PostgreSQL would not match a repeated CASE whose parameters differ.
    store.query("SELECT " + bucket + ", metric, SUM(n), SUM(total)" + where + " GROUP BY 1, 2",
                params, [&](const sdk::Row& row) {
                  add(out[static_cast<std::size_t>(row.int64(0))], row.text(1), row.int64(2),
                      row.is_null(3) ? 0.0 : row.number(3));
                });
    return;
  }
  store.query("SELECT unit, metric, n, total" + where, params, [&](const sdk::Row& row) {
    add(out[bucket_index(starts, row.int64(0) * kUnitMs)], row.text(1), row.int64(2),
        row.is_null(3) ? 0.0 : row.number(3));
  });
}

// The cut units, straight from the event store, each event into its own bucket.
void read_raw(const sdk::Store& store, const std::string& tenant, const UnitCover& c,
              const std::vector<std::int64_t>& starts, const std::vector<std::string>& metrics,
              std::vector<MetricSums>& out) {
  MetricSums one;
  for (const auto& [a, b] : c.raw) {
    store.query(
        "SELECT ts, type, sender, response_time_ms FROM events WHERE tenant_id = ? AND "
        "type IN ('message', 'stage_changed') AND ts >= ? AND ts < ?",
        {tenant, a, b}, [&](const sdk::Row& row) {
          one.clear();
          add_event(one, row.text(1), row.text(2),
                    row.is_null(3) ? std::nullopt : std::optional<double>(row.number(3)));
          MetricSums& dst = out[bucket_index(starts, row.int64(0))];
          for (const auto& m : metrics) {
            auto it = one.find(m);
            if (it != one.end()) add(dst, m, it->second.n, it->second.total);
          }
        });
  }
}

}  // namespace

void add_event(MetricSums& sums, std::string_view type, std::string_view sender,
               std::optional<double> response_time_ms) {
  if (type == "message") {
    add(sums, "msg", 1, 0);
    std::string key = "msg:";
    key += sender;
    add(sums, key, 1, 0);
    if (response_time_ms) {
      key.replace(0, 3, "rt");
      add(sums, key, 1, *response_time_ms);
    }
  } else if (type == "stage_changed") {
    add(sums, "stage", 1, 0);
  }
}

std::int64_t unit_floor(std::int64_t ms) { return floor_div(ms, kUnitMs); }
std::int64_t unit_ceil(std::int64_t ms) { return -floor_div(-ms, kUnitMs); }

std::string unit_sql(const std::string& col) {
  return "(CASE WHEN " + col + " >= 0 THEN " + col + " / 900000 ELSE (" + col +
         " - 899999) / 900000 END)";
}

UnitCover cover_window(std::int64_t from, std::int64_t to, const std::vector<std::int64_t>& cuts) {
  UnitCover c;
  c.first_unit = unit_ceil(from);
  c.end_unit = unit_floor(to);
  if (c.first_unit >= c.end_unit) {  // under two units long: read it all raw
    c.first_unit = c.end_unit = 0;
    c.raw.emplace_back(from, to);
    return c;
  }
  if (from < c.first_unit * kUnitMs) c.raw.emplace_back(from, c.first_unit * kUnitMs);
  for (std::int64_t cut : cuts) {
    if (cut <= from || cut >= to || cut % kUnitMs == 0) continue;
    const std::int64_t u = unit_floor(cut);
    if (u < c.first_unit || u >= c.end_unit) continue;  // inside an edge piece, already raw
    if (!c.skipped.empty() && c.skipped.back() == u) continue;
    c.skipped.push_back(u);
    c.raw.emplace_back(u * kUnitMs, (u + 1) * kUnitMs);
  }
  if (c.end_unit * kUnitMs < to) c.raw.emplace_back(c.end_unit * kUnitMs, to);
  std::sort(c.skipped.begin(), c.skipped.end());
  c.skipped.erase(std::unique(c.skipped.begin(), c.skipped.end()), c.skipped.end());
  return c;
}

std::vector<MetricSums> rollup_buckets(const sdk::Store& store, const std::string& tenant,
                                       std::int64_t from, std::int64_t to,
                                       const std::vector<std::int64_t>& starts,
                                       const std::vector<std::string>& metrics) {
  std::vector<MetricSums> out(starts.size());
  if (starts.empty() || from >= to) return out;
  const UnitCover c = cover_window(from, to, starts);
  read_units(store, tenant, c, starts, metrics, out);
  read_raw(store, tenant, c, starts, metrics, out);
  return out;
}

}  // namespace zaplify::metrics
