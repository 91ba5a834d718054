#include "funnel_report.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "funnel_stats.h"

namespace zaplify::funnel {

namespace {

constexpr double kMsPerHour = 3'600'000.0;

template <typename T>
nlohmann::json opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

std::string percent(double rate) { return fixed(rate * 100.0, 1) + "%"; }

std::string p_text(double p) {
  if (p < 0.001) return "p < 0.001";
  return "p = " + fixed(p, 3);
}

}  // namespace

std::string fixed(double value, int decimals) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, decimals);
  if (ec != std::errc()) return "?";
  return std::string(buf, end);
}

std::vector<StageRow> count_rows(const FunnelDefinition& funnel,
                                 const std::vector<std::int64_t>& reached) {
  const std::size_t n = funnel.stages.size();
  std::vector<StageRow> rows(n);
  for (std::size_t k = 0; k < n; ++k) {
    StageRow& r = rows[k];
    r.stage = funnel.stages[k];
    r.index = static_cast<int>(k);
    r.count = reached[k];
    if (k > 0) r.conversion_from_previous = ratio(reached[k], reached[k - 1]);
    r.conversion_from_start = ratio(reached[k], reached[0]);
    if (k + 1 < n) r.drop_off = reached[k] - reached[k + 1];
  }
  return rows;
}

std::vector<StageRow> stage_rows(const FunnelDefinition& funnel, ScanResult& scan) {
  std::vector<StageRow> rows = count_rows(funnel, scan.reached);
  for (std::size_t k = 0; k + 1 < rows.size(); ++k)
    if (auto m = median_in_place(scan.ms_to_next[k]))
      rows[k].median_hours_to_next = *m / kMsPerHour;
  return rows;
}

namespace {

// The minimum rate, compared exactly as fractions; null rates (no lead reached Sk) are skipped.
void flag_lowest(std::vector<Transition>& ts, const ScanResult& scan) {
  int best = -1;
  for (const auto& t : ts) {
    if (!t.conversion_rate) continue;
    const std::size_t k = static_cast<std::size_t>(t.index);
    if (best < 0) {
      best = t.index;
      continue;
    }
    const std::size_t b = static_cast<std::size_t>(best);
    // x/y < u/v  ⇔  x·v < u·y  (all positive denominators; counts ≪ 2^31 so no overflow).
    if (scan.reached[k + 1] * scan.reached[b] < scan.reached[b + 1] * scan.reached[k])
      best = t.index;
  }
  if (best < 0) return;
  const std::size_t b = static_cast<std::size_t>(best);
  for (auto& t : ts) {
    const std::size_t k = static_cast<std::size_t>(t.index);
    t.lowest_conversion = t.conversion_rate && scan.reached[k + 1] * scan.reached[b] ==
                                                   scan.reached[b + 1] * scan.reached[k];
  }
}

}  // namespace

BottleneckAnalysis analyse_bottlenecks(const std::vector<StageRow>& rows, const ScanResult& scan) {
  BottleneckAnalysis a;
  const std::size_t n = rows.size();
  std::vector<double> medians;
  for (std::size_t k = 0; k + 1 < n; ++k) {
    Transition t;
    t.index = static_cast<int>(k);
    t.from_stage = rows[k].stage;
    t.to_stage = rows[k + 1].stage;
    t.conversion_rate = ratio(scan.reached[k + 1], scan.reached[k]);
    t.drop_off = scan.reached[k] - scan.reached[k + 1];
    t.previous_conversion_rate = ratio(scan.previous_reached[k + 1], scan.previous_reached[k]);
    if (t.conversion_rate && t.previous_conversion_rate)
      t.change_pts = (*t.conversion_rate - *t.previous_conversion_rate) * 100.0;
    t.p_value = two_proportion_p_value(scan.reached[k + 1], scan.reached[k],
                                       scan.previous_reached[k + 1], scan.previous_reached[k]);
    t.median_hours_in_stage = rows[k].median_hours_to_next;
    t.significant_decline = t.p_value && *t.p_value < 0.05 && t.previous_conversion_rate &&
                            *t.conversion_rate < *t.previous_conversion_rate;
    if (t.median_hours_in_stage) medians.push_back(*t.median_hours_in_stage);
    a.transitions.push_back(std::move(t));
  }
  flag_lowest(a.transitions, scan);
  a.median_stage_hours = median_in_place(medians);
  if (a.median_stage_hours) {
    for (auto& t : a.transitions)
      t.slow = t.median_hours_in_stage && *t.median_hours_in_stage > 2.0 * *a.median_stage_hours;
  }
  return a;
}

std::string recommendation(const Transition& t, std::optional<double> median_stage_hours) {
  const std::string from = "'" + t.from_stage + "'";
  std::vector<std::string> evidence;
  if (t.lowest_conversion && t.conversion_rate)
    evidence.push_back("it has the lowest conversion in the funnel: " +
                       percent(*t.conversion_rate) + " of leads move on to '" + t.to_stage +
                       "' and " + std::to_string(t.drop_off) + " stop here");
  if (t.significant_decline)
    evidence.push_back("conversion fell from " + percent(*t.previous_conversion_rate) + " to " +
                       percent(*t.conversion_rate) + " (" + fixed(*t.change_pts, 1) +
                       " pts against the previous period, " + p_text(*t.p_value) + ")");
  if (t.slow && median_stage_hours)
    evidence.push_back("leads wait a median of " + fixed(*t.median_hours_in_stage, 1) +
                       " hours in " + from +
                       " before moving on, more than twice the funnel's typical " +
                       fixed(*median_stage_hours, 1) + " hours");
  std::string s = "Review stage " + from + ": ";
  for (std::size_t i = 0; i < evidence.size(); ++i) {
    if (i > 0) s += i + 1 == evidence.size() ? "; and " : "; ";
    s += evidence[i];
  }
  s += ". ";
  if (t.significant_decline)
    s += "Find what changed at " + from + " since the previous period";
  else if (t.slow)
    s += "Speed up the follow-up of leads in " + from;
  else
    s += "Re-engage the " + std::to_string(t.drop_off) + " leads who stopped at " + from +
         " (see the dropped-leads list)";
  return s + ".";
}

nlohmann::json funnel_json(const FunnelDefinition& funnel, const std::vector<StageRow>& rows,
                           const ScanResult& scan) {
  nlohmann::json stages = nlohmann::json::array();
  for (const auto& r : rows)
    stages.push_back({{"stage", r.stage},
                      {"index", r.index},
                      {"count", r.count},
                      {"conversion_from_previous", opt(r.conversion_from_previous)},
                      {"conversion_from_start", opt(r.conversion_from_start)},
                      {"drop_off", opt(r.drop_off)},
                      {"median_hours_to_next", opt(r.median_hours_to_next)}});
  const std::size_t n = rows.size();
  return {{"funnel_id", funnel.funnel_id},
          {"name", funnel.name},
          {"stages", std::move(stages)},
          {"overall_conversion", opt(ratio(scan.reached[n - 1], scan.reached[0]))},
          {"unknown_stage_events", scan.unknown_stage_events}};
}

nlohmann::json time_to_convert_json(ScanResult& scan) {
  auto& ms = scan.ms_to_convert;
  const auto median = percentile_in_place(ms, 0.5);
  const auto p90 = percentile_in_place(ms, 0.9);
  static constexpr std::int64_t kEdgesHours[] = {1, 6, 24, 72, 168, 336, 720};
  nlohmann::json histogram = nlohmann::json::array();
  std::size_t below = 0;  // ms is sorted: each bucket is the run up to its edge (exact ms compare)
  for (std::int64_t edge : kEdgesHours) {
    const auto end = std::upper_bound(ms.begin(), ms.end(), edge * 3'600'000);
    const auto upto = static_cast<std::size_t>(end - ms.begin());
    histogram.push_back({{"le_hours", edge}, {"leads", upto - below}});
    below = upto;
  }
  histogram.push_back({{"le_hours", nullptr}, {"leads", ms.size() - below}});
  auto hours = [](const std::optional<double>& v) {
    return opt(v ? std::optional<double>(*v / kMsPerHour) : v);
  };
  return {{"leads", ms.size()},
          {"median_hours", hours(median)},
          {"p90_hours", hours(p90)},
          {"histogram", std::move(histogram)}};
}

namespace {

nlohmann::json transition_json(const Transition& t) {
  return {{"index", t.index},
          {"from_stage", t.from_stage},
          {"to_stage", t.to_stage},
          {"conversion_rate", opt(t.conversion_rate)},
          {"drop_off", t.drop_off},
          {"previous_conversion_rate", opt(t.previous_conversion_rate)},
          {"change_pts", opt(t.change_pts)},
          {"p_value", opt(t.p_value)},
          {"median_hours_in_stage", opt(t.median_hours_in_stage)},
          {"lowest_conversion", t.lowest_conversion},
          {"significant_decline", t.significant_decline},
          {"slow", t.slow}};
}

}  // namespace

nlohmann::json bottlenecks_json(const FunnelDefinition& funnel, const BottleneckAnalysis& a) {
  nlohmann::json transitions = nlohmann::json::array();
  std::vector<const Transition*> flagged;
  for (const auto& t : a.transitions) {
    transitions.push_back(transition_json(t));
    if (t.flagged()) flagged.push_back(&t);
  }
  std::stable_sort(flagged.begin(), flagged.end(), [](const Transition* x, const Transition* y) {
    return x->drop_off > y->drop_off;  // stable: equal drop-offs stay in k order
  });
  nlohmann::json bottlenecks = nlohmann::json::array();
  for (const Transition* t : flagged) {
    auto j = transition_json(*t);
    j["recommendation"] = recommendation(*t, a.median_stage_hours);
    bottlenecks.push_back(std::move(j));
  }
  std::optional<double> threshold;
  if (a.median_stage_hours) threshold = 2.0 * *a.median_stage_hours;
  return {{"funnel_id", funnel.funnel_id},
          {"name", funnel.name},
          {"transitions", std::move(transitions)},
          {"bottlenecks", std::move(bottlenecks)},
          {"slow_threshold_hours", opt(threshold)}};
}

nlohmann::json flow_json(const FunnelDefinition& funnel, const ScanResult& scan) {
  const std::size_t n = funnel.stages.size();
  nlohmann::json nodes = nlohmann::json::array();
  for (std::size_t k = 0; k < n; ++k) nodes.push_back({{"id", k}, {"label", funnel.stages[k]}});
  nodes.push_back({{"id", n}, {"label", "(exit)"}});
  nlohmann::json links = nlohmann::json::array();
  for (std::size_t s = 0; s < n; ++s)
    for (std::size_t t = 0; t <= n; ++t)
      if (std::int64_t v = scan.link(s, t); v > 0)
        links.push_back({{"source", s}, {"target", t}, {"value", v}});
  nlohmann::json entries = nlohmann::json::object();
  std::int64_t leads = 0;
  for (std::size_t k = 0; k < n; ++k) {
    entries[funnel.stages[k]] = scan.entries[k];
    leads += scan.entries[k];
  }
  return {{"funnel_id", funnel.funnel_id}, {"name", funnel.name},
          {"nodes", std::move(nodes)},     {"links", std::move(links)},
          {"entries", std::move(entries)}, {"leads", leads}};
}

}  // namespace zaplify::funnel
