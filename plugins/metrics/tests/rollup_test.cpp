// The rollup and derived-table paths against the naive Reference on randomized events: shuffled
// (so messages often arrive before their conversation's start and earlier starts arrive late),
// ingested in random batches, with duplicates; windows at odd milliseconds, shorter than a unit,
// and local days across DST changes.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "conversion.h"
#include "fixtures.h"
#include "kpi.h"
#include "metrics_store.h"
#include "performance.h"
#include "reference.h"
#include "rollup.h"
#include "test_funnels.h"
#include "zaplify/testkit/fixed_calendar.h"

namespace zaplify::metrics::testing {
namespace {

// 2026-03-27T00:00:00Z: the span holds Europe/Berlin's spring-forward day (Mar 29).
constexpr std::int64_t kBase = 1'774'569'600'000;
constexpr std::int64_t kSpan = 5 * kDay;

std::vector<sdk::Event> random_events(std::uint32_t seed) {
  std::mt19937 rng(seed);
  auto uni = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  std::vector<sdk::Event> out;
  int n = 0;
  auto id = [&] { return "e" + std::to_string(n++); };
  const char* senders[] = {"lead", "assistant", "agent"};
  const char* outcomes[] = {"resolved", "handoff", "abandoned"};
  out.push_back(funnel(id(), kBase, "f1", {"a", "b", "c"}));
  out.push_back(funnel(id(), kBase + kDay, "f1", {"a", "b"}));  // redefined: final = b
  out.push_back(funnel(id(), kBase, "f2", {"x", "y"}));
  const char* stages[] = {"a", "b", "c", "x", "y"};
  for (int l = 0; l < 150; ++l) {
    const std::string lead = "L" + std::to_string(uni(0, 99));  // leads repeat
    out.push_back(lead_created(id(), kBase + uni(0, kSpan), lead));
    const std::string st = stages[uni(0, 4)];
    out.push_back(
        stage(id(), kBase + uni(0, kSpan), lead, st < std::string("x") ? "f1" : "f2", st));
  }
  for (int c = 0; c < 200; ++c) {
    const std::string conv = "c" + std::to_string(c);
    const std::int64_t start = kBase + uni(0, kSpan);
    const std::string assistant = uni(0, 4) == 0 ? "" : "a" + std::to_string(uni(0, 3));
    out.push_back(started(id(), start, conv, "L" + std::to_string(c), assistant));
    if (uni(0, 3) == 0)  // a second start, sometimes earlier, with another assistant
      out.push_back(started(id(), start + uni(-kHour, kHour), conv, "Lz", "a9"));
    for (int m = static_cast<int>(uni(1, 10)); m > 0; --m) {
      const std::string sender = senders[uni(0, 2)];
      std::optional<double> rt;
      if (sender != "lead" && uni(0, 4) > 0) rt = static_cast<double>(uni(0, 20000)) / 4.0;
      std::optional<std::int64_t> tokens;
      if (sender == "assistant" && uni(0, 3) > 0) tokens = uni(0, 500);
      out.push_back(message(id(), start + uni(-kMin, 3 * kHour), conv, sender, rt, tokens));
    }
    for (int e = static_cast<int>(uni(0, 2)); e > 0; --e)
      out.push_back(ended(id(), start + uni(0, kDay), conv, outcomes[uni(0, 2)]));
  }
  for (int m = 0; m < 20; ++m)  // messages of conversations that never start
    out.push_back(message(id(), kBase + uni(0, kSpan), "ghost", "assistant", 7.0, 1));
  std::shuffle(out.begin(), out.end(), rng);
  for (int d = 0; d < 30; ++d) out.push_back(out[static_cast<std::size_t>(uni(0, 500))]);  // dups
  return out;
}

void ingest_in_random_batches(MetricsStore& store, const std::vector<sdk::Event>& evs,
                              std::uint32_t seed) {
  std::mt19937 rng(seed);
  for (std::size_t i = 0; i < evs.size();) {
    const std::size_t k = std::min(evs.size() - i, static_cast<std::size_t>(1 + rng() % 300));
    store.ingest({evs.begin() + static_cast<std::ptrdiff_t>(i),
                  evs.begin() + static_cast<std::ptrdiff_t>(i + k)});
    i += k;
  }
}

void expect_opt(std::optional<double> got, std::optional<double> want, const std::string& what) {
  ASSERT_EQ(got.has_value(), want.has_value()) << what;
  if (want) {
    EXPECT_NEAR(*got, *want, 1e-9 * std::max(1.0, std::fabs(*want))) << what;
  }
}

void expect_totals(const KpiTotals& got, const RefTotals& want, const std::string& what) {
  EXPECT_EQ(got.messages, want.messages) << what;
  EXPECT_EQ(got.lead_messages, want.lead) << what;
  EXPECT_EQ(got.assistant_messages, want.assistant) << what;
  EXPECT_EQ(got.agent_messages, want.agent) << what;
  EXPECT_EQ(got.conversations, want.conversations) << what;
  EXPECT_EQ(got.ended, want.ended) << what;
  EXPECT_EQ(got.resolved, want.resolved) << what;
  EXPECT_EQ(got.handoff, want.handoff) << what;
  EXPECT_EQ(got.new_leads, want.new_leads) << what;
  EXPECT_EQ(got.conversions, want.conversions) << what;
  double sum = 0;
  for (double x : want.assistant_rt) sum += x;
  expect_opt(got.assistant_response.avg,
             want.assistant_rt.empty()
                 ? std::nullopt
                 : std::optional<double>(sum / static_cast<double>(want.assistant_rt.size())),
             what + " avg");
  expect_opt(got.assistant_response.p50, Reference::percentile(want.assistant_rt, 0.5),
             what + " p50");
  expect_opt(got.assistant_response.p95, Reference::percentile(want.assistant_rt, 0.95),
             what + " p95");
  expect_opt(got.agent_avg_response,
             want.agent_rt_n
                 ? std::optional<double>(want.agent_rt_sum / static_cast<double>(want.agent_rt_n))
                 : std::nullopt,
             what + " agent avg");
}

// Windows: aligned, odd milliseconds, shorter than one unit, two units, the whole span.
std::vector<std::pair<std::int64_t, std::int64_t>> windows() {
  return {{kBase + kDay, kBase + 3 * kDay},
          {kBase + kDay + 7 * kMin + 12'345, kBase + 3 * kDay + 44 * kMin + 1},
          {kBase + 2 * kDay + 3 * kMin, kBase + 2 * kDay + 11 * kMin},
          {kBase + 2 * kDay + 10 * kMin, kBase + 2 * kDay + 40 * kMin},
          {kBase + 2 * kDay + 15 * kMin, kBase + 2 * kDay + 30 * kMin},
          {kBase + kHour + 1, kBase + kSpan + kHour - 1}};
}

void expect_matches_reference(const MetricsStore& store, const Reference& ref) {
  for (const auto& [from, to] : windows()) {
    const sdk::Window w{from, to, "UTC", sdk::Interval::None};
    const std::string at = "window [" + std::to_string(from) + ", " + std::to_string(to) + ")";
    const KpiReport r = compute_kpis(store, "t1", w, current_funnels(store, "t1"));
    expect_totals(r.current, ref.totals(from, to), at);
    expect_totals(r.previous, ref.totals(w.previous_from_ms(), from), at + " W′");

    const auto perf = compute_performance(store, "t1", w);
    const auto want = ref.performance(from, to);
    ASSERT_EQ(perf.size(), want.size()) << at;
    for (const auto& p : perf) {
      const RefAssistant& q = want.at(p.assistant_id);
      EXPECT_EQ(p.conversations, q.conversations) << at << " " << p.assistant_id;
      EXPECT_EQ(p.replies, q.replies) << at << " " << p.assistant_id;
      EXPECT_EQ(p.tokens, q.tokens) << at << " " << p.assistant_id;
      EXPECT_EQ(p.ended, q.ended) << at << " " << p.assistant_id;
      EXPECT_EQ(p.resolved, q.resolved) << at << " " << p.assistant_id;
      EXPECT_EQ(p.handoff, q.handoff) << at << " " << p.assistant_id;
      expect_opt(p.response.p95, Reference::percentile(q.rt, 0.95), at + " perf p95");
    }
    const auto conv = compute_conversion(store, "t1", w, current_funnels(store, "t1"));
    for (const auto& c : conv) {
      EXPECT_EQ(std::make_pair(c.entered, c.converted), ref.conversion(c.funnel_id, from, to))
          << at;
      EXPECT_EQ(std::make_pair(c.previous_entered, c.previous_converted),
                ref.conversion(c.funnel_id, w.previous_from_ms(), from))
          << at;
    }
  }
}

// Series buckets, each checked against the reference over [start_i, start_i+1) ∩ W.
void expect_series(const MetricsStore& store, const Reference& ref, const sdk::Window& w,
                   const std::vector<std::int64_t>& starts) {
  const auto s = compute_series(store, "t1", w, starts, current_funnels(store, "t1"), true);
  ASSERT_EQ(s.size(), starts.size());
  for (std::size_t i = 0; i < starts.size(); ++i) {
    const std::int64_t a = std::max(starts[i], w.from_ms);
    const std::int64_t b = i + 1 < starts.size() ? starts[i + 1] : w.to_ms;
    const RefTotals t = ref.totals(a, b);
    const std::string at = w.tz + " bucket " + std::to_string(i);
    EXPECT_EQ(s[i].messages, t.messages) << at;
    EXPECT_EQ(s[i].conversations, t.conversations) << at;
    EXPECT_EQ(s[i].new_leads, t.new_leads) << at;
    EXPECT_EQ(s[i].conversions, t.conversions) << at;
    EXPECT_EQ(s[i].replies_timed, static_cast<std::int64_t>(t.assistant_rt.size())) << at;
    double sum = 0;
    for (double x : t.assistant_rt) sum += x;
    EXPECT_NEAR(s[i].response_time_sum, sum, 1e-6) << at;
  }
}

void expect_all_series(const MetricsStore& store, const Reference& ref) {
  testkit::FixedCalendar cal;
  for (const char* tz : {"Europe/Berlin", "America/Sao_Paulo", "Asia/Kathmandu", "UTC"}) {
    const sdk::Window w{kBase + 5 * kHour + 123, kBase + kSpan - 7 * kMin, tz, sdk::Interval::Day};
    expect_series(store, ref, w, cal.day_starts(w));
  }
  // Boundaries off the 15-minute grid (no real zone has them) must still be exact.
  const sdk::Window w{kBase + 17, kBase + 2 * kDay, "UTC", sdk::Interval::Hour};
  std::vector<std::int64_t> odd{kBase};
  for (std::int64_t t = kBase + 7 * kMin + 5; t < w.to_ms; t += 5 * kHour + 11 * kMin)
    odd.push_back(t);
  expect_series(store, ref, w, odd);
}

class RollupMatchesReference : public ::testing::TestWithParam<std::uint32_t> {};

TEST_P(RollupMatchesReference, ThroughIngestHook) {
  const auto evs = random_events(GetParam());
  MetricsStore store;
  store.migrate();
  ingest_in_random_batches(store, evs, GetParam());
  const Reference ref(evs);
  expect_matches_reference(store, ref);
  expect_all_series(store, ref);
}

TEST_P(RollupMatchesReference, ThroughHookWithPostgresLocking) {
  const auto evs = random_events(GetParam());
  MetricsStore store(":memory:", sdk::Dialect::PostgreSQL);
  store.migrate();
  ingest_in_random_batches(store, evs, GetParam() + 1);
  EXPECT_GT(store.advisory_locks(), 0);
  expect_matches_reference(store, Reference(evs));
}

TEST_P(RollupMatchesReference, ThroughBackfillThenHook) {
  const auto evs = random_events(GetParam());
  MetricsStore store;
  const std::size_t half = evs.size() / 2;
  store.insert_events_only({evs.begin(), evs.begin() + static_cast<std::ptrdiff_t>(half)});
  store.migrate();  // the plugin is enabled on a database that already holds half the events
  ingest_in_random_batches(store, {evs.begin() + static_cast<std::ptrdiff_t>(half), evs.end()},
                           GetParam());
  const Reference ref(evs);
  expect_matches_reference(store, ref);
  expect_all_series(store, ref);
}

TEST_P(RollupMatchesReference, UpgradeFromVersion2) {
  // Events stored while only metrics_conversations existed, then migration 3 backfills the rest.
  const auto evs = random_events(GetParam());
  MetricsStore store;
  store.migrate(2);
  store.insert_events_only(evs);
  store.migrate();
  // metrics_conversations missed the events above (its hook was not running); the reference over
  // what migration 3 derives must still hold for everything but conversations/endings.
  const Reference ref(evs);
  const sdk::Window w{kBase + kDay + 7 * kMin + 3, kBase + 4 * kDay, "UTC", sdk::Interval::None};
  const KpiReport r = compute_kpis(store, "t1", w, current_funnels(store, "t1"));
  const RefTotals t = ref.totals(w.from_ms, w.to_ms);
  EXPECT_EQ(r.current.messages, t.messages);
  EXPECT_EQ(r.current.agent_messages, t.agent);
  EXPECT_EQ(r.current.new_leads, t.new_leads);
  EXPECT_EQ(r.current.conversions, t.conversions);
  expect_opt(r.current.assistant_response.p50, Reference::percentile(t.assistant_rt, 0.5), "p50");
}

INSTANTIATE_TEST_SUITE_P(Seeds, RollupMatchesReference, ::testing::Values(1u, 2u, 3u));

TEST(UnitCover, EdgesAndCuts) {
  constexpr std::int64_t U = kUnitMs;
  // [1.5U, 5U) cut at 3U (aligned) and 3.5U: whole units 2..4 except 3, raw 1.5U–2U and 3U–4U.
  const UnitCover c = cover_window(3 * U / 2, 5 * U, {0, 3 * U, 7 * U / 2});
  EXPECT_EQ(c.first_unit, 2);
  EXPECT_EQ(c.end_unit, 5);
  EXPECT_EQ(c.skipped, (std::vector<std::int64_t>{3}));
  ASSERT_EQ(c.raw.size(), 2u);
  EXPECT_EQ(c.raw[0], std::make_pair(3 * U / 2, 2 * U));
  EXPECT_EQ(c.raw[1], std::make_pair(3 * U, 4 * U));
  // Shorter than two units: all raw.
  const UnitCover s = cover_window(U + 1, 2 * U + 5, {});
  EXPECT_EQ(s.first_unit, s.end_unit);
  ASSERT_EQ(s.raw.size(), 1u);
  EXPECT_EQ(s.raw[0], std::make_pair(U + 1, 2 * U + 5));
  EXPECT_EQ(unit_floor(-1), -1);
  EXPECT_EQ(unit_ceil(-1), 0);
  EXPECT_EQ(unit_ceil(U + 1), 2);
}

}  // namespace
}  // namespace zaplify::metrics::testing
