// The soak benchmark's pure parts: the open-loop schedule, the mix, query windows, generated
// events, latency windows, RSS/fd drift, /proc parsing and the verdicts.
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "dataset.h"
#include "options.h"
#include "server_launcher.h"
#include "soak_events.h"
#include "soak_plan.h"
#include "soak_stats.h"

namespace zaplify::bench {
namespace {

TEST(SoakPacing, DueTimesFollowTheRateWithoutDrift) {
  PacingSchedule s(200, 600);
  EXPECT_EQ(s.total(), 120000u);
  EXPECT_EQ(s.due_us(0), 0);
  EXPECT_EQ(s.due_us(1), 5000);
  EXPECT_EQ(s.due_us(119999), 599995000);  // computed, not summed: no rounding drift
  PacingSchedule third(3, 1);              // 333,333.33 µs apart
  EXPECT_EQ(third.total(), 3u);
  EXPECT_EQ(third.due_us(2), 666667);
  EXPECT_EQ(PacingSchedule(150, 0.01).total(),
            2u);  // 1.5 requests due: the second is due at 6.7 ms
  EXPECT_THROW(PacingSchedule(0, 10), std::invalid_argument);
}

TEST(SoakMix, WeightedRoundRobinIsExactAndSpread) {
  MixPicker picker({5, 1, 2});
  std::map<std::size_t, int> counts;
  std::vector<std::size_t> order;
  for (int i = 0; i < 80; ++i) order.push_back(picker.next());
  for (auto k : order) ++counts[k];
  EXPECT_EQ(counts[0], 50);
  EXPECT_EQ(counts[1], 10);
  EXPECT_EQ(counts[2], 20);
  // Spread: the weight-1 kind never comes twice within one cycle of 8.
  for (std::size_t i = 0; i + 1 < order.size(); ++i)
    if (order[i] == 1) {
      EXPECT_NE(order[i + 1], 1u);
    }
  EXPECT_THROW(MixPicker({1, 0}), std::invalid_argument);
}

TEST(SoakMix, IngestShareMatchesThePercentage) {
  auto mix = default_soak_mix(10);
  int total = 0, ingest = 0;
  std::set<std::string> names;
  for (const auto& k : mix) {
    total += k.weight;
    if (k.ingest) ingest += k.weight;
    names.insert(k.name);
  }
  EXPECT_EQ(names.size(), mix.size());
  EXPECT_NEAR(100.0 * ingest / total, 10, 0.5);
  EXPECT_THROW(default_soak_mix(0), std::invalid_argument);
  EXPECT_THROW(default_soak_mix(100), std::invalid_argument);
}

TEST(SoakWindows, RollingDayAndSecondWindows) {
  const std::int64_t now = parse_rfc3339_ms("2026-11-26T10:20:30.456Z");
  EXPECT_EQ(
      soak_window(SoakWindow::Rolling, now, 0, 120),
      std::make_pair(std::string("2026-11-26T10:18:30Z"), std::string("2026-11-26T10:20:31Z")));
  EXPECT_EQ(soak_window(SoakWindow::DayRotating, now, 0, 120),
            std::make_pair(std::string("2026-11-26"), std::string("2026-11-27")));
  EXPECT_EQ(soak_window(SoakWindow::DayRotating, now, 13, 120).first, "2026-11-13");
  EXPECT_EQ(soak_window(SoakWindow::DayRotating, now, 14, 120).first,
            "2026-11-26");  // rotation wraps
  EXPECT_EQ(soak_window(SoakWindow::FreshInstant, now, 5, 120),
            std::make_pair(std::string("2026-11-19T10:20:30.456Z"),
                           std::string("2026-11-26T10:20:30.456Z")));
  EXPECT_EQ(soak_window(SoakWindow::None, now, 0, 120).first, "");
}

TEST(SoakEvents, FreshIdsForwardTimestampsAndRealStages) {
  SoakEventGenerator gen("t1", "sales", {"new", "qualified", "won"}, "run");
  const std::int64_t now = parse_rfc3339_ms("2026-11-26T10:00:00Z");
  auto first = gen.next_events(100, now);
  auto second = gen.next_events(100, now + 1000);
  ASSERT_EQ(first.size(), 100u);
  std::set<std::string> ids;
  std::map<std::string, int> types;
  std::int64_t previous = 0;
  for (const auto* batch : {&first, &second}) {
    for (const auto& e : *batch) {
      ids.insert(e["id"].get<std::string>());
      ++types[e["type"].get<std::string>()];
      EXPECT_EQ(e["tenant_id"], "t1");
      std::int64_t ts = parse_rfc3339_ms(e["timestamp"].get<std::string>());
      EXPECT_GE(ts, previous);
      previous = ts;
      if (e["type"] == "stage_changed") {
        EXPECT_EQ(e["funnel_id"], "sales");
        EXPECT_TRUE(e["stage"] == "new" || e["stage"] == "qualified" || e["stage"] == "won");
      }
    }
  }
  EXPECT_EQ(ids.size(), 200u);
  EXPECT_EQ(parse_rfc3339_ms(first.back()["timestamp"].get<std::string>()), now);
  for (const char* t :
       {"lead_created", "conversation_started", "message", "stage_changed", "conversation_ended"})
    EXPECT_GT(types[t], 0) << t;
  EXPECT_EQ(gen.produced(), 200u);
  EXPECT_NE(gen.next_body(3, now).find("{\"events\":["), std::string::npos);
}

TEST(SoakStats, LatencyPerWindowDropsShortTails) {
  std::vector<SoakSample> s{
      {0.5, 1, true}, {59.9, 3, false}, {60, 10, true}, {125, 7, true}, {150, 9, true}};
  auto w = per_window(s, 60, 150);  // 2.5 windows: the half window is kept
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].requests, 2u);
  EXPECT_EQ(w[0].errors, 1u);
  EXPECT_DOUBLE_EQ(w[0].p50_ms, 2);
  EXPECT_EQ(w[1].requests, 1u);
  EXPECT_EQ(w[2].requests, 2u);                  // [120, 180): 125 and 150
  EXPECT_EQ(per_window(s, 60, 140).size(), 2u);  // a third of a window is dropped
}

std::vector<ProcessSample> process_samples() {
  return {{0, 40 * 1024, 20},    {60, 90 * 1024, 35},  {120, 100 * 1024, 30},
          {180, 105 * 1024, 32}, {240, 95 * 1024, 29}, {300, 102 * 1024, 30}};
}

TEST(SoakStats, RssDriftFromTheWarmUpReference) {
  auto d = rss_drift(process_samples(), 120);
  ASSERT_TRUE(d.valid);
  EXPECT_DOUBLE_EQ(d.reference_mb, 100);
  EXPECT_DOUBLE_EQ(d.end_mb, 102);
  EXPECT_DOUBLE_EQ(d.max_mb, 105);
  EXPECT_DOUBLE_EQ(d.min_mb, 95);
  EXPECT_DOUBLE_EQ(d.max_deviation_pct, 5);
  EXPECT_DOUBLE_EQ(d.end_deviation_pct, 2);
  EXPECT_FALSE(rss_drift(process_samples(), 400).valid);
}

TEST(SoakStats, LeastSquaresSlope) {
  EXPECT_DOUBLE_EQ(least_squares_slope({0, 1, 2, 3}, {1, 3, 5, 7}), 2);
  EXPECT_DOUBLE_EQ(least_squares_slope({1, 1}, {1, 5}), 0);
  EXPECT_DOUBLE_EQ(least_squares_slope({1}, {1}), 0);
}

TEST(SoakStats, FdDriftAndCounting) {
  auto d = fd_drift(process_samples(), 120);
  ASSERT_TRUE(d.valid);
  EXPECT_EQ(d.reference, 30);
  EXPECT_EQ(d.min, 29);
  EXPECT_EQ(d.max, 32);
  EXPECT_EQ(d.end, 30);
  EXPECT_EQ(count_fd_names({".", "..", "0", "1", "2", "17", "x1"}), 4);
  EXPECT_EQ(count_fd_names({}), 0);
}

TEST(SoakStats, CpuTicksFromProcStat) {
  long long ticks = 0;
  // The command name may hold spaces and ')': fields are counted after the last ')'.
  std::string line =
      "1234 (zaplify (x) y) S 1 1234 1234 0 -1 4194560 500 0 0 0 250 75 0 0 20 0 5 0";
  ASSERT_TRUE(parse_stat_cpu_ticks(line, ticks));
  EXPECT_EQ(ticks, 325);
  EXPECT_FALSE(parse_stat_cpu_ticks("1234 (short) S 1 2", ticks));
  EXPECT_FALSE(parse_stat_cpu_ticks("no parenthesis", ticks));
}

TEST(SoakVerdicts, EachCriterionJudgedOnItsFigures) {
  std::vector<WindowStats> w{
      {0, 10, 0, 1, 5, 6}, {1, 10, 0, 1, 4, 5}, {2, 10, 0, 1, 4, 5}, {3, 10, 0, 1, 8, 9}};
  auto rss = rss_drift(process_samples(), 120);
  auto fds = fd_drift(process_samples(), 120);
  SoakTotals totals{1000, 0, 100, 99};
  auto c = judge_soak(w, rss, fds, totals, 120, 60, SoakThresholds{});
  ASSERT_EQ(c.size(), 5u);
  for (const auto& x : c) EXPECT_TRUE(x.passed) << x.name << ": " << x.measured;
  auto fewer = fds;
  fewer.min = fewer.reference - 5;  // sockets closed after warm-up: not growth
  EXPECT_TRUE(judge_soak(w, rss, fewer, totals, 120, 60, SoakThresholds{})[1].passed);
  w.back().p99_ms = 8.1;  // > 2 × window 3's 4 ms
  fds.max = 33;           // +3 over the warm-up count
  totals = {1000, 1, 100, 94};
  rss.max_deviation_pct = 10.5;
  c = judge_soak(w, rss, fds, totals, 120, 60, SoakThresholds{});
  for (const auto& x : c) EXPECT_FALSE(x.passed) << x.name << ": " << x.measured;
  // Nothing after warm-up to compare: the p99 criterion cannot pass.
  c = judge_soak({w[0], w[1], w[2]}, rss, fds, totals, 120, 60, SoakThresholds{});
  EXPECT_FALSE(c[2].passed);
}

TEST(SoakOptions, ParsedAndRendered) {
  std::vector<std::string> args{
      "zaplify-bench", "--scenarios",     "soak", "--soak-rate",           "50", "--soak-seconds",
      "60.5",          "--soak-cache-mb", "2",    "--soak-ingest-percent", "5"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  bool help = false;
  auto o = parse_options(static_cast<int>(argv.size()), argv.data(), "/x/bin", help);
  EXPECT_DOUBLE_EQ(o.soak.rate, 50);
  EXPECT_DOUBLE_EQ(o.soak.seconds, 60.5);
  EXPECT_EQ(o.soak.cache_bytes, 2 << 20);
  EXPECT_EQ(o.soak.ingest_percent, 5);
  args = {"zaplify-bench", "--soak-rate", "0"};
  argv.clear();
  for (auto& a : args) argv.push_back(a.data());
  EXPECT_THROW(parse_options(static_cast<int>(argv.size()), argv.data(), "/x/bin", help),
               std::invalid_argument);
  LaunchOptions launch;
  EXPECT_EQ(render_server_yaml(launch).find("max_bytes"), std::string::npos);
  launch.cache_max_bytes = 4 << 20;
  EXPECT_NE(render_server_yaml(launch).find("cache:\n  backend: memory\n  max_bytes: 4194304\n"),
            std::string::npos);
}

}  // namespace
}  // namespace zaplify::bench
