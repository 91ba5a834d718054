// Not a test: prints query times on 1,000,000 generated events (run with
// --gtest_also_run_disabled_tests --gtest_filter='*Bench*'). No timing assertions.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>

#include "fixtures.h"
#include "kpi.h"
#include "performance.h"
#include "sqlite_store.h"
#include "test_calendar.h"

namespace zaplify::metrics::testing {
namespace {

std::string name(const char* prefix, int n) {
  std::string s(prefix);
  s += std::to_string(n);
  return s;
}

template <class F>
double millis(F&& f) {
  const auto t = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

TEST(DISABLED_Bench, OneMillionEvents) {
  SqliteStore store;
  store.migrate();
  std::mt19937 rng(1);
  const std::int64_t span = 30 * kDay;
  std::vector<sdk::Event> batch;
  int id = 0;
  const char* senders[] = {"lead", "assistant", "agent"};
  for (int c = 0; id < 1'000'000; ++c) {
    const std::string conv = name("c", c);
    const std::int64_t start = T0 + static_cast<std::int64_t>(rng() % span);
    batch.push_back(started(name("e", id++), start, conv, name("L", c % 20000),
                            "a" + std::to_string(c % 8)));
    if (c % 3 == 0) batch.push_back(lead_created(name("e", id++), start, name("L", c)));
    for (int m = 0; m < 12; ++m)
      batch.push_back(message(name("e", id++), start + m * kMin, conv, senders[m % 3],
                              m % 3 ? std::optional<double>(rng() % 5000) : std::nullopt, 50));
    batch.push_back(ended(name("e", id++), start + kHour, conv, c % 2 ? "resolved" : "handoff"));
    if (batch.size() > 5000) { store.ingest(batch); batch.clear(); }
  }
  store.ingest(batch);
  const sdk::Window w{T0, T0 + span, "UTC", sdk::Interval::Day};
  TestCalendar cal;
  for (int run = 0; run < 3; ++run) {
    double kpi = millis([&] { (void)compute_kpis(store, "t1", w); });
    double series = millis([&] {
      (void)compute_series(store, "t1", w, cal.day_starts(w), load_funnels(store, "t1"), false);
    });
    double perf = millis([&] { (void)compute_performance(store, "t1", w); });
    std::printf("kpi totals %.1f ms, day series %.1f ms, performance %.1f ms\n", kpi, series, perf);
  }
  SUCCEED();
}

}  // namespace
}  // namespace zaplify::metrics::testing
