#pragma once
// A naive reference for business hours (plugins/metrics/README.md, Business hours), written from
// the definitions and sharing no code with the plugin: each reply's trigger by scanning every
// message of its conversation, business time by walking the UTC minutes of [trigger, reply] and
// asking `open(minute_start)` for each (a schedule's open/closed state is constant within a minute:
// zone offsets and the configured intervals are whole minutes). Quadratic and slow on purpose; used
// by the unit tests and the integration test (tests/integration/business_hours_test.cpp).
// Header-only, no dependencies.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace zaplify::metrics::naive {

struct Msg {
  std::string conv, id;
  std::int64_t ts = 0;
  std::string sender;  ///< "lead" | "assistant" | "agent"
};
struct Start {
  std::string conv;
  std::int64_t ts = 0;
};

/// Trigger of every business message, by event id (nullopt: none).
inline std::map<std::string, std::optional<std::int64_t>> triggers(
    const std::vector<Msg>& msgs, const std::vector<Start>& starts) {
  std::map<std::string, std::optional<std::int64_t>> out;
  for (const Msg& r : msgs) {
    if (r.sender == "lead") continue;
    std::optional<std::int64_t> start, prev;
    for (const Start& s : starts)
      if (s.conv == r.conv && (!start || s.ts < *start)) start = s.ts;
    for (const Msg& b : msgs) {
      if (b.conv != r.conv || b.sender == "lead" || b.id == r.id) continue;
      const bool before = b.ts < r.ts || (b.ts == r.ts && b.id < r.id);
      if (before && (!prev || b.ts > *prev)) prev = b.ts;
    }
    std::optional<std::int64_t> best;
    for (const Msg& l : msgs) {
      if (l.conv != r.conv || l.sender != "lead" || l.ts > r.ts) continue;
      if (start && l.ts < *start) continue;
      if (prev && l.ts <= *prev) continue;
      if (!best || l.ts < *best) best = l.ts;
    }
    out[r.id] = best;
  }
  return out;
}

/// Open time of [a, b], minute by minute. `open(m)` says whether UTC minute [m, m + 60000) is open.
template <class Open>
std::int64_t business_ms(std::int64_t a, std::int64_t b, Open&& open) {
  constexpr std::int64_t kMinute = 60'000;
  auto floor_minute = [](std::int64_t t) {
    return (t >= 0 ? t / kMinute : (t - kMinute + 1) / kMinute) * kMinute;
  };
  std::int64_t total = 0;
  for (std::int64_t m = floor_minute(a); m < b; m += kMinute) {
    const std::int64_t lo = std::max(a, m), hi = std::min(b, m + kMinute);
    if (lo < hi && open(m)) total += hi - lo;
  }
  return total;
}

/// numpy's default percentile (linear interpolation between closest ranks).
inline std::optional<double> percentile(std::vector<double> v, double p) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const double pos = p * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(pos);
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

struct SenderExpectation {
  std::int64_t replies = 0, outside = 0;
  std::optional<double> avg, p50, p90;
};
struct Expectation {
  SenderExpectation assistant, agent;
  std::int64_t lead_outside = 0;
};

/// The whole business_hours object over W = [from, to).
template <class Open>
Expectation expect(const std::vector<Msg>& msgs, const std::vector<Start>& starts,
                   std::int64_t from, std::int64_t to, Open&& open) {
  constexpr std::int64_t kMinute = 60'000;
  auto open_at = [&](std::int64_t t) {
    return open((t >= 0 ? t / kMinute : (t - kMinute + 1) / kMinute) * kMinute);
  };
  const auto trig = triggers(msgs, starts);
  Expectation e;
  std::vector<double> times[2];
  for (const Msg& m : msgs) {
    if (m.ts < from || m.ts >= to) continue;
    if (m.sender == "lead") {
      if (!open_at(m.ts)) ++e.lead_outside;
      continue;
    }
    const auto t = trig.at(m.id);
    if (!t) continue;
    const int k = m.sender == "agent" ? 1 : 0;
    SenderExpectation& s = k ? e.agent : e.assistant;
    ++s.replies;
    if (!open_at(m.ts)) ++s.outside;
    times[k].push_back(static_cast<double>(business_ms(*t, m.ts, open)));
  }
  for (int k = 0; k < 2; ++k) {
    SenderExpectation& s = k ? e.agent : e.assistant;
    if (times[k].empty()) continue;
    double sum = 0;
    for (double x : times[k]) sum += x;
    s.avg = sum / static_cast<double>(times[k].size());
    s.p50 = percentile(times[k], 0.5);
    s.p90 = percentile(times[k], 0.9);
  }
  return e;
}

}  // namespace zaplify::metrics::naive
