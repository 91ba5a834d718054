#include "funnel_scan.h"

#include <algorithm>

#include "zaplify/sdk/host_tables.h"

namespace zaplify::funnel {

StageIndex::StageIndex(const std::vector<std::string>& stages) : names_(stages) {
  index_.reserve(names_.size() * 2);
  for (std::size_t i = 0; i < names_.size(); ++i)
    index_.emplace(std::string_view(names_[i]), static_cast<int>(i));  // keeps the first on dupes
}

int StageIndex::find(std::string_view name) const {
  // Called once per row: for the usual handful of stages comparing lengths then bytes beats
  // hashing the name. Both keep the first of duplicate names.
  if (names_.size() <= kLinearStages) {
    for (std::size_t i = 0; i < names_.size(); ++i)
      if (names_[i] == name) return static_cast<int>(i);
    return -1;
  }
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
  queue_.reserve(kBatch);
}

void FunnelAccumulator::add(std::string_view lead_id, std::int64_t ts_ms, std::string_view stage) {
  if (ts_ms >= options_.from_ms && ts_ms < options_.to_ms) {
    const int k = stages_.find(stage);
    if (k < 0) {
      ++result_.unknown_stage_events;
      return;
    }
    queue(lead_id, ts_ms, k, true);
  } else if (options_.previous_from_ms && ts_ms >= *options_.previous_from_ms &&
             ts_ms < options_.from_ms) {
    const int k = stages_.find(stage);
    if (k >= 0) queue(lead_id, ts_ms, k, false);
  }
}

void FunnelAccumulator::queue(std::string_view lead_id, std::int64_t ts_ms, int stage,
                              bool current) {
  queue_.push_back(Queued{ts_ms, LeadTable<LeadState>::hash_of(lead_id),
                          static_cast<std::uint32_t>(queue_keys_.size()),
                          static_cast<std::uint32_t>(lead_id.size()), stage, current});
  queue_keys_.append(lead_id);
  if (queue_.size() == kBatch) flush();
}

void FunnelAccumulator::flush() {
  // Each lookup misses the cache twice (slot, then record); announcing a batch's slots, then its
  // records, lets those misses overlap instead of queueing one behind the other. The rows are
  // then applied strictly in arrival order, so the result is the same as row by row.
  for (const Queued& q : queue_) leads_.prefetch_slot(q.hash);
  for (const Queued& q : queue_) leads_.prefetch_record(q.hash);
  for (const Queued& q : queue_) {
    LeadState& s =
        leads_.find_or_add(std::string_view(queue_keys_).substr(q.key_offset, q.key_size), q.hash);
    if (q.current)
      add_current(s, q.ts_ms, q.stage);
    else
      s.prev_furthest = static_cast<std::int8_t>(std::max<int>(s.prev_furthest, q.stage));
  }
  queue_.clear();
  queue_keys_.clear();
}

void FunnelAccumulator::push_pending(LeadState& s, int stage, std::int64_t ts_ms) {
  std::int32_t node = free_pending_;
  if (node >= 0) {
    free_pending_ = pending_pool_[static_cast<std::size_t>(node)].next;
  } else {
    node = static_cast<std::int32_t>(pending_pool_.size());
    pending_pool_.emplace_back();
  }
  pending_pool_[static_cast<std::size_t>(node)] = Pending{ts_ms, s.pending, stage};
  s.pending = node;
}

void FunnelAccumulator::add_current(LeadState& s, std::int64_t ts_ms, int k) {
  const std::size_t n = result_.stage_count;
  // Rows come in time order, so the lead's first W event is its journey's start t0 (docs/api.md,
  // Stage report, `conversion_window_days`).
  if (s.flow_first < 0) s.first_ts = ts_ms;
  if (static_cast<std::size_t>(k) + 1 == n && s.final_ts < 0) s.final_ts = ts_ms;
  if (options_.conversion_window_ms && ts_ms - s.first_ts <= *options_.conversion_window_ms)
    s.window_furthest = static_cast<std::int8_t>(std::max<int>(s.window_furthest, k));
  // This event is the first later-or-equal-time event past every pending stage below k; those are
  // exactly the top of the lead's stack (it is kept smallest-index first).
  while (s.pending >= 0) {
    Pending& p = pending_pool_[static_cast<std::size_t>(s.pending)];
    if (p.stage >= k) break;
    result_.ms_to_next[static_cast<std::size_t>(p.stage)].push_back(ts_ms - p.first_ts);
    const std::int32_t popped = s.pending;
    s.pending = p.next;
    p.next = free_pending_;
    free_pending_ = popped;
  }
  const std::uint64_t bit = std::uint64_t{1} << k;
  if (!(s.seen & bit)) {
    s.seen |= bit;
    // An equal-time event into a later stage that sorted before this one (by id) also counts.
    if (s.group_max > k && s.group_ts == ts_ms)
      result_.ms_to_next[static_cast<std::size_t>(k)].push_back(0);
    else if (static_cast<std::size_t>(k) + 1 < n)
      push_pending(s, k, ts_ms);  // every pending stage left is above k: the stack stays sorted
  }
  if (k == options_.dropped_stage) s.dropped_last_ts = ts_ms;
  if (s.group_max < 0 || s.group_ts != ts_ms) {
    s.group_ts = ts_ms;
    s.group_max = static_cast<std::int8_t>(k);
  } else {
    s.group_max = static_cast<std::int8_t>(std::max<int>(s.group_max, k));
  }
  s.furthest = static_cast<std::int8_t>(std::max<int>(s.furthest, k));
  if (s.flow_first < 0)
    s.flow_first = static_cast<std::int8_t>(k);
  else if (s.flow_last != k)  // repeats collapse
    ++result_.links[static_cast<std::size_t>(s.flow_last) * (n + 1) + static_cast<std::size_t>(k)];
  s.flow_last = static_cast<std::int8_t>(k);
}

void FunnelAccumulator::end_lead(std::string_view lead_id, const LeadState& s) {
  const std::size_t n = result_.stage_count;
  if (s.furthest >= 0) {
    const int reached = options_.conversion_window_ms ? s.window_furthest : s.furthest;
    ++furthest_hist_[static_cast<std::size_t>(reached)];
    if (static_cast<std::size_t>(reached) + 1 == n)
      result_.ms_to_convert.push_back(s.final_ts - s.first_ts);
    if (options_.collect_leads) result_.leads.push_back(LeadReach{std::string(lead_id), reached});
    ++result_.entries[static_cast<std::size_t>(s.flow_first)];
    if (static_cast<std::size_t>(s.flow_last) + 1 != n)
      ++result_.links[static_cast<std::size_t>(s.flow_last) * (n + 1) + n];
    if (s.furthest == options_.dropped_stage)
      result_.dropped.push_back(DroppedLead{std::string(lead_id), s.dropped_last_ts});
  }
  if (s.prev_furthest >= 0) ++prev_furthest_hist_[static_cast<std::size_t>(s.prev_furthest)];
}

ScanResult FunnelAccumulator::finish() {
  flush();
  leads_.for_each([this](std::string_view id, const LeadState& s) { end_lead(id, s); });
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
  // The host's covering index gives this order on both dialects (ties byte-wise): no sort.
  static const std::string sql = std::string("SELECT lead_id, ts, stage FROM ") +
                                 sdk::kStageEvents +
                                 " WHERE tenant_id = ? AND funnel_id = ? AND ts >= ? AND ts < ? "
                                 "ORDER BY ts, event_id";
  const std::int64_t lo = options.previous_from_ms.value_or(options.from_ms);
  StageIndex stages(funnel.stages);
  FunnelAccumulator acc(stages, options);
  store.query(sql, {tenant_id, funnel.funnel_id, lo, options.to_ms},
              [&](const sdk::Row& row) { acc.add(row.text(0), row.int64(1), row.text(2)); });
  return acc.finish();
}

}  // namespace zaplify::funnel
