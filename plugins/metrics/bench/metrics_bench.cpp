// Not a test: prints timings on 1,000,000 generated events (60 days; W = the last 30) in a
// file-backed WAL SQLite database. Run with
//   build/bin/metrics_bench                  (a micro-benchmark: never run by ctest)
// (METRICS_BENCH_DB=path to choose the file). No timing assertions.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "business_hours.h"
#include "conversion.h"
#include "fixtures.h"
#include "kpi.h"
#include "metrics_store.h"
#include "performance.h"
#include "realtime.h"
#include "test_funnels.h"
#include "zaplify/testkit/fixed_calendar.h"

namespace zaplify::metrics::testing {
namespace {

std::string name(const char* prefix, int n) { return prefix + std::to_string(n); }

template <class F>
double millis(F&& f) {
  const auto t = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

// Conversations of 16 events on average, in time order (as a live feed sends them), 1,000 a batch.
void fill(MetricsStore& store, std::int64_t span) {
  std::mt19937 rng(1);
  const char* senders[] = {"lead", "assistant", "agent"};
  const char* stages[] = {"new", "qualified", "proposal", "won"};
  std::vector<sdk::Event> all;
  all.reserve(1'000'000);
  all.push_back(funnel("fd1", T0, "sales", {"new", "qualified", "proposal", "won"}));
  all.push_back(funnel("fd2", T0, "upsell", {"new", "won"}));
  int id = 0;
  for (int c = 0; all.size() < 1'000'000; ++c) {
    const std::string conv = name("c", c), lead = name("L", c);
    const std::int64_t start = T0 + std::uniform_int_distribution<std::int64_t>(0, span - 1)(rng);
    all.push_back(lead_created(name("e", id++), start - kMin, lead));
    all.push_back(started(name("e", id++), start, conv, lead, "a" + std::to_string(c % 8)));
    for (int m = 0; m < 12; ++m)
      all.push_back(message(name("e", id++), start + m * kMin, conv, senders[m % 3],
                            m % 3 ? std::optional<double>(rng() % 5000) : std::nullopt, 50));
    all.push_back(stage(name("e", id++), start + 13 * kMin, lead, c % 5 ? "sales" : "upsell",
                        stages[rng() % 4]));
    all.push_back(ended(name("e", id++), start + kHour, conv, c % 2 ? "resolved" : "handoff"));
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const sdk::Event& a, const sdk::Event& b) { return a.ts_ms < b.ts_ms; });
  for (std::size_t i = 0; i < all.size(); i += 1000)
    store.ingest({all.begin() + static_cast<std::ptrdiff_t>(i),
                  all.begin() + static_cast<std::ptrdiff_t>(std::min(all.size(), i + 1000))});
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

TEST(MetricsBench, OneMillionEvents) {
  const char* env = std::getenv("METRICS_BENCH_DB");
  const std::string path = env ? env : "/tmp/metrics_bench.db";
  std::remove(path.c_str());
  std::remove((path + "-wal").c_str());
  std::remove((path + "-shm").c_str());
  MetricsStore store(path);
  store.migrate();
  const std::int64_t span = 60 * kDay;
  const double ingest = millis([&] { fill(store, span); });
  std::printf(
      "ingest 1M events: %.0f ms total, hook %.0f ms = %.2f ms per 1,000 events, "
      "reply_triggers %.0f ms = %.2f ms per 1,000 events\n",
      ingest, store.hook_ms(), store.hook_ms() / 1000.0, store.triggers_ms(),
      store.triggers_ms() / 1000.0);
  const sdk::Window w{T0 + 30 * kDay + 7 * kMin + 5, T0 + 60 * kDay - 3 * kMin, "America/Sao_Paulo",
                      sdk::Interval::Day};
  testkit::FixedCalendar cal;
  const RealtimeRange rr = realtime_range(T0 + 45 * kDay, 5);
  std::vector<double> kpi, totals, series, active, perf, conv, rt, business;
  Schedule office;
  office.tz = "America/Sao_Paulo";
  for (std::size_t d = 0; d < 5; ++d) office.days[d] = {{9 * 60, 12 * 60}, {13 * 60, 18 * 60}};
  for (int run = 0; run < 5; ++run) {
    totals.push_back(
        millis([&] { (void)compute_kpis(store, "t1", w, current_funnels(store, "t1")); }));
    series.push_back(millis([&] {
      (void)compute_series(store, "t1", w, cal.day_starts(w), current_funnels(store, "t1"), false);
    }));
    active.push_back(millis([&] { (void)count_active_conversations(store, "t1", rr); }));
    kpi.push_back(totals.back() + series.back() + active.back());
    perf.push_back(millis([&] { (void)compute_performance(store, "t1", w); }));
    conv.push_back(
        millis([&] { (void)compute_conversion(store, "t1", w, current_funnels(store, "t1")); }));
    rt.push_back(millis([&] { (void)compute_activity(store, "t1", rr); }));
    business.push_back(millis([&] { (void)compute_business_hours(store, cal, "t1", w, office); }));
  }
  std::printf(
      "median of 5: kpi+day series+active %.1f ms (totals %.1f, series %.1f, active %.1f), "
      "performance %.1f ms, conversion %.1f ms, real-time activity %.1f ms, "
      "business hours %.1f ms\n",
      median(kpi), median(totals), median(series), median(active), median(perf), median(conv),
      median(rt), median(business));
  SUCCEED();
}

}  // namespace
}  // namespace zaplify::metrics::testing
