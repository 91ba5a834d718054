#include "rollup.h"

#include <algorithm>

#include "conversation_table.h"
#include "metrics_math.h"
#include "packed_values.h"

namespace zaplify::metrics {
namespace {

constexpr std::size_t kMaxSqlBuckets = 64;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

// Reads kUnitColumns (as plain values or as SUMs) starting at column `at`.
void add_columns(UnitSums& s, const sdk::Row& r, std::size_t at) {
  auto n = [&](std::size_t i) { return r.is_null(at + i) ? 0 : r.int64(at + i); };
  auto x = [&](std::size_t i) { return r.is_null(at + i) ? 0.0 : r.number(at + i); };
  s.msg += n(0);
  s.msg_lead += n(1);
  s.msg_assistant += n(2);
  s.msg_agent += n(3);
  s.rt_agent_n += n(4);
  s.rt_agent_sum += x(5);
  s.rt_assistant_n += n(6);
  s.rt_assistant_sum += x(7);
  s.stage += n(8);
  s.started += n(9);
  s.ended += n(10);
  s.resolved += n(11);
  s.handoff += n(12);
}

std::string summed_columns() {
  std::string out;
  std::string cols = kUnitColumns;
  std::size_t p = 0;
  while (p < cols.size()) {
    std::size_t q = cols.find(", ", p);
    if (q == std::string::npos) q = cols.size();
    out.append(out.empty() ? "SUM(" : ", SUM(").append(cols, p, q - p).append(")");
    p = q + 2;
  }
  return out;
}

// Whole units, each folded into the bucket holding it. With few buckets and no values wanted SQL
// sums them (a CASE maps a unit to its bucket); otherwise the unit rows are streamed and folded.
void read_units(const sdk::Store& store, const std::string& tenant, const UnitCover& c,
                const std::vector<std::int64_t>& starts, bool with_values,
                std::vector<UnitSums>& out) {
  if (c.first_unit >= c.end_unit) return;
  std::vector<sdk::Value> params;
  std::string bucket = "0";
  const bool grouped = !with_values && starts.size() <= kMaxSqlBuckets;
  if (grouped && starts.size() > 1) {
    bucket = "CASE";
    for (std::size_t i = 1; i < starts.size(); ++i) {
      bucket += " WHEN unit < ? THEN " + std::to_string(i - 1);
      params.emplace_back(unit_ceil(starts[i]));
    }
    bucket += " ELSE " + std::to_string(starts.size() - 1) + " END";
  }
  params.insert(params.end(), {tenant, c.first_unit, c.end_unit});
  std::string skip;
  for (std::int64_t u : c.skipped) {
    skip += " AND unit <> ?";
    params.emplace_back(u);
  }
  const std::string where =
      " FROM metrics_units WHERE tenant_id = ? AND unit >= ? AND unit < ?" + skip;
  if (grouped) {
    // GROUP BY position: PostgreSQL would not match a repeated CASE whose parameters differ.
    store.query("SELECT " + bucket + ", " + summed_columns() + where + " GROUP BY 1", params,
                [&](const sdk::Row& row) {
                  add_columns(out[static_cast<std::size_t>(row.int64(0))], row, 1);
                });
    return;
  }
  const std::string vals = with_values ? ", rt_vals" : "";
  store.query("SELECT unit, " + std::string(kUnitColumns) + vals + where, params,
              [&](const sdk::Row& row) {
                UnitSums& dst = out[bucket_index(starts, row.int64(0) * kUnitMs)];
                add_columns(dst, row, 1);
                if (with_values) unpack_values(row.text(14), dst.rt_values);
              });
}

// The cut pieces, exactly: messages and stage changes from the event store, starts and endings
// from metrics_conversations, each into its own bucket.
void read_raw(const sdk::Store& store, const std::string& tenant, const UnitCover& c,
              const std::vector<std::int64_t>& starts, bool with_values,
              std::vector<UnitSums>& out) {
  for (const auto& [a, b] : c.raw) {
    const std::vector<sdk::Value> range{tenant, a, b};
    store.query(
        "SELECT ts, type, sender, response_time_ms FROM events WHERE tenant_id = ? AND "
        "type IN ('message', 'stage_changed') AND ts >= ? AND ts < ?",
        range, [&](const sdk::Row& row) {
          UnitSums& dst = out[bucket_index(starts, row.int64(0))];
          const auto rt = row.is_null(3) ? std::nullopt : std::optional<double>(row.number(3));
          dst.add_event(row.text(1), row.text(2), rt);
          if (with_values && rt && row.text(2) == "assistant") dst.rt_values.push_back(*rt);
        });
    for_each_first(store, tenant, false, a, b, false,
                   [&](std::int64_t ts, std::string_view, std::string_view) {
                     ++out[bucket_index(starts, ts)].started;
                   });
    for_each_first(store, tenant, true, a, b, false,
                   [&](std::int64_t ts, std::string_view, std::string_view outcome) {
                     out[bucket_index(starts, ts)].add_ending(outcome, 1);
                   });
  }
}

}  // namespace

const char* const kUnitColumns =
    "msg, msg_lead, msg_assistant, msg_agent, rt_agent_n, rt_agent_sum, rt_assistant_n, "
    "rt_assistant_sum, stage, started, ended, resolved, handoff";

void UnitSums::add_event(std::string_view type, std::string_view sender,
                         std::optional<double> response_time_ms) {
  if (type == "stage_changed") {
    ++stage;
    return;
  }
  if (type != "message") return;
  ++msg;
  if (sender == "lead") ++msg_lead;
  if (sender == "assistant") {
    ++msg_assistant;
    if (response_time_ms) {
      ++rt_assistant_n;
      rt_assistant_sum += *response_time_ms;
    }
  }
  if (sender == "agent") {
    ++msg_agent;
    if (response_time_ms) {
      ++rt_agent_n;
      rt_agent_sum += *response_time_ms;
    }
  }
}

void UnitSums::add_ending(std::string_view outcome, std::int64_t n) {
  ended += n;
  if (outcome == "resolved") resolved += n;
  if (outcome == "handoff") handoff += n;
}

void UnitSums::add_counts(const UnitSums& o) {
  msg += o.msg;
  msg_lead += o.msg_lead;
  msg_assistant += o.msg_assistant;
  msg_agent += o.msg_agent;
  rt_agent_n += o.rt_agent_n;
  rt_assistant_n += o.rt_assistant_n;
  rt_agent_sum += o.rt_agent_sum;
  rt_assistant_sum += o.rt_assistant_sum;
  stage += o.stage;
  started += o.started;
  ended += o.ended;
  resolved += o.resolved;
  handoff += o.handoff;
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

std::vector<UnitSums> rollup_buckets(const sdk::Store& store, const std::string& tenant,
                                     std::int64_t from, std::int64_t to,
                                     const std::vector<std::int64_t>& starts, bool with_values) {
  std::vector<UnitSums> out(starts.size());
  if (starts.empty() || from >= to) return out;
  const UnitCover c = cover_window(from, to, starts);
  read_units(store, tenant, c, starts, with_values, out);
  read_raw(store, tenant, c, starts, with_values, out);
  return out;
}

}  // namespace zaplify::metrics
