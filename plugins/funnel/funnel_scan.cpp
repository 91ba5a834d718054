#include "funnel_scan.h"

#include <algorithm>
#include <bit>

namespace zaplify::funnel {

StageIndex::StageIndex(const std::vector<std::string>& stages) : names_(stages) {
  index_.reserve(names_.size() * 2);
  for (std::size_t i = 0; i < names_.size(); ++i)
    index_.emplace(std::string_view(names_[i]), static_cast<int>(i));  // keeps the first on dupes
}

int StageIndex::find(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? -1 : it->second;
}

FunnelAccumulator::FunnelAccumulator(const StageIndex& stages, const ScanOptions& options)
    : stages_(stages), options_(options) {
  const std::size_t n = stages.size();
  result_.stage_count = n;
  result_.reached.assign(n, 0);
  result_.previous_reached.assign(n, 0);
  result_.ms_to_next.resize(n);
  result_.links.assign((n + 1) * (n + 1), 0);
  result_.entries.assign(n, 0);
  furthest_hist_.assign(n, 0);
  prev_furthest_hist_.assign(n, 0);
  first_ts_.assign(n, 0);
  last_ts_.assign(n, 0);
}

void FunnelAccumulator::add(std::string_view lead_id, std::int64_t ts_ms, std::string_view stage) {
  if (!has_lead_ || lead_id != lead_) {
    if (has_lead_) end_lead();
    start_lead(lead_id);
  }
  if (ts_ms >= options_.from_ms && ts_ms < options_.to_ms) {
    const int k = stages_.find(stage);
    if (k < 0) {
      ++result_.unknown_stage_events;
      return;
    }
    add_current(ts_ms, k);
  } else if (options_.previous_from_ms && ts_ms >= *options_.previous_from_ms &&
             ts_ms < options_.from_ms) {
    const int k = stages_.find(stage);
    if (k >= 0) add_previous(k);
  }
}

void FunnelAccumulator::start_lead(std::string_view lead_id) {
  has_lead_ = true;
  lead_.assign(lead_id.data(), lead_id.size());  // reuses the buffer: no allocation per lead
  furthest_ = -1;
  prev_furthest_ = -1;
  seen_ = 0;
  pending_ = 0;
  group_max_ = -1;
  flow_first_ = -1;
  flow_last_ = -1;
}

void FunnelAccumulator::add_current(std::int64_t ts_ms, int k) {
  const std::size_t n = result_.stage_count;
  const std::uint64_t bit = std::uint64_t{1} << k;
  // This event is the first later-or-equal-time event past every stage below k still waiting.
  std::uint64_t resolved = pending_ & (bit - 1);
  pending_ &= ~(bit - 1);
  while (resolved) {
    const int j = std::countr_zero(resolved);
    resolved &= resolved - 1;
    result_.ms_to_next[j].push_back(ts_ms - first_ts_[j]);
  }
  if (!(seen_ & bit)) {
    seen_ |= bit;
    first_ts_[k] = ts_ms;
    // An equal-time event into a later stage that sorted before this one (by id) also counts.
    if (group_max_ > k && group_ts_ == ts_ms)
      result_.ms_to_next[k].push_back(0);
    else if (static_cast<std::size_t>(k) + 1 < n)
      pending_ |= bit;
  }
  last_ts_[k] = ts_ms;
  if (group_max_ < 0 || group_ts_ != ts_ms) {
    group_ts_ = ts_ms;
    group_max_ = k;
  } else {
    group_max_ = std::max(group_max_, k);
  }
  furthest_ = std::max(furthest_, k);
  if (flow_first_ < 0)
    flow_first_ = k;
  else if (flow_last_ != k)  // repeats collapse
    ++result_.links[static_cast<std::size_t>(flow_last_) * (n + 1) + k];
  flow_last_ = k;
}

void FunnelAccumulator::add_previous(int k) { prev_furthest_ = std::max(prev_furthest_, k); }

void FunnelAccumulator::end_lead() {
  const std::size_t n = result_.stage_count;
  if (furthest_ >= 0) {
    ++furthest_hist_[furthest_];
    ++result_.entries[flow_first_];
    if (static_cast<std::size_t>(flow_last_) + 1 != n)
      ++result_.links[static_cast<std::size_t>(flow_last_) * (n + 1) + n];
    if (furthest_ == options_.dropped_stage)
      result_.dropped.push_back(DroppedLead{lead_, last_ts_[furthest_]});
  }
  if (prev_furthest_ >= 0) ++prev_furthest_hist_[prev_furthest_];
}

ScanResult FunnelAccumulator::finish() {
  if (has_lead_) end_lead();
  has_lead_ = false;
  // Reaching Sk means a furthest stage ≥ k: suffix sums of the furthest-stage histograms.
  std::int64_t acc = 0, prev_acc = 0;
  for (std::size_t k = result_.stage_count; k-- > 0;) {
    acc += furthest_hist_[k];
    prev_acc += prev_furthest_hist_[k];
    result_.reached[k] = acc;
    result_.previous_reached[k] = prev_acc;
  }
  return std::move(result_);
}

ScanResult scan_funnel(const sdk::Store& store, const std::string& tenant_id,
                       const FunnelDefinition& funnel, const ScanOptions& options) {
  // Byte-wise order on PostgreSQL too, so (timestamp, id) ties resolve as on SQLite (BINARY).
  const bool pg = store.dialect() == sdk::Dialect::PostgreSQL;
  const std::string sql = std::string(
      "SELECT lead_id, ts, stage FROM events WHERE tenant_id = ? AND funnel_id = ? AND ts >= ? "
      "AND ts < ? AND type = 'stage_changed' ORDER BY ") +
      (pg ? "lead_id COLLATE \"C\", ts, id COLLATE \"C\"" : "lead_id, ts, id");
  const std::int64_t lo = options.previous_from_ms.value_or(options.from_ms);
  StageIndex stages(funnel.stages);
  FunnelAccumulator acc(stages, options);
  store.query(sql, {tenant_id, funnel.funnel_id, lo, options.to_ms},
              [&](const sdk::Row& row) { acc.add(row.text(0), row.int64(1), row.text(2)); });
  return acc.finish();
}

}  // namespace zaplify::funnel
