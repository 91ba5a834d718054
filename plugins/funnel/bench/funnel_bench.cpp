// Timing of the uncached funnel routes on a generated 100k-lead / 500k-event funnel over a SQLite
// file (the host's embedded backend), read through the host's stage_events relation. Prints
// numbers only (a micro-benchmark, not a test: funnel_bench is never run by ctest). Run:
//   build/bin/funnel_bench

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>

#include "funnel_scan.h"
#include "funnel_service.h"
#include "funnel_store.h"

namespace zaplify::funnel {
namespace {

constexpr std::int64_t kDay = 86'400'000;

TEST(FunnelBench, HundredThousandLeads) {
  // ZAPLIFY_FUNNEL_BENCH_DB keeps the generated database between runs (generation is slow).
  const char* keep = std::getenv("ZAPLIFY_FUNNEL_BENCH_DB");
  const std::string path = keep ? keep : ::testing::TempDir() + "funnel_bench.db";
  bool exists = false;
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    exists = keep != nullptr;
    std::fclose(f);
  }
  if (!exists) std::remove(path.c_str());
  testing::SqliteTestStore store(path);
  const std::vector<std::string> stages = {"new",  "contacted", "qualified",
                                           "demo", "proposal",  "won"};
  const std::int64_t from = 1000 * kDay, to = from + 7 * kDay;
  std::mt19937_64 rng(42);
  std::vector<testing::TestEvent> events{testing::define_event("def", 0, stages, "Bench")};
  events.reserve(500'001);
  for (int lead = 0; lead < (exists ? 0 : 100'000); ++lead) {
    const bool previous = rng() % 4 == 0;  // a quarter of the leads live in W′
    std::int64_t ts =
        (previous ? from - 7 * kDay : from) + static_cast<std::int64_t>(rng() % (5 * kDay));
    int stage = 0;
    for (int i = 0; i < 5; ++i) {
      std::string id = "ev";
      id += std::to_string(events.size());
      std::string lead_id = "lead-";
      lead_id += std::to_string(lead);
      events.push_back(
          testing::stage_event(id, lead_id, ts, stages[static_cast<std::size_t>(stage)]));
      ts += static_cast<std::int64_t>(rng() % (kDay / 2));
      const auto r = rng() % 10;  // mostly forward, sometimes skipping, repeating or regressing
      if (r < 6)
        stage = std::min(stage + 1, 5);
      else if (r < 7)
        stage = std::min(stage + 2, 5);
      else if (r < 8 && stage > 0)
        stage -= 1;
    }
  }
  if (!exists) store.insert(events);
  events.clear();
  testing::UtcCalendar cal;
  testing::TestFunnelCatalog funnels(store);
  FunnelService svc(store, funnels, cal);
  sdk::Request req;
  req.tenant_id = "t1";
  req.path_params["funnel_id"] = "f1";
  req.window = sdk::Window{from, to, "UTC", sdk::Interval::None};
  auto time = [&](const char* name, auto&& fn) {
    // Wall time and this thread's CPU time: the machine is shared, CPU time is the steadier one.
    double best = 1e9, best_cpu = 1e9;
    for (int i = 0; i < 5; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      const auto c0 = std::clock();
      fn();
      const auto c1 = std::clock();
      const auto t1 = std::chrono::steady_clock::now();
      best = std::min(best, std::chrono::duration<double, std::milli>(t1 - t0).count());
      best_cpu = std::min(best_cpu, 1000.0 * static_cast<double>(c1 - c0) / CLOCKS_PER_SEC);
    }
    std::printf("%-14s best of 5: %8.1f ms wall, %8.1f ms CPU\n", name, best, best_cpu);
  };
  time("report", [&] { EXPECT_EQ(svc.report(req).status, 200); });
  time("flow", [&] { EXPECT_EQ(svc.flow(req).status, 200); });
  time("bottlenecks", [&] { EXPECT_EQ(svc.bottlenecks(req).status, 200); });
  auto svg = req;
  svg.query["format"] = "svg";
  time("flow svg", [&] { EXPECT_EQ(svc.flow(svg).status, 200); });
  auto dropped = req;
  dropped.query["stage"] = "demo";
  time("dropped", [&] { EXPECT_EQ(svc.dropped(dropped).status, 200); });
  const std::string scan_sql =
      "SELECT lead_id, ts, stage FROM stage_events WHERE tenant_id = ? AND funnel_id = ? "
      "AND ts >= ? AND ts < ? ORDER BY ts, event_id";
  std::int64_t rows = 0;
  time("raw SQL only", [&] {
    rows = 0;
    store.query(scan_sql, {std::string("t1"), std::string("f1"), from, to},
                [&](const sdk::Row&) { ++rows; });
  });
  EXPECT_GT(rows, 0);
  std::size_t bytes = 0;
  time("SQL + columns", [&] {  // the rows plus reading each row's three cells
    store.query(scan_sql, {std::string("t1"), std::string("f1"), from, to}, [&](const sdk::Row& r) {
      bytes += r.text(0).size() + static_cast<std::size_t>(r.int64(1) & 1) + r.text(2).size();
    });
  });
  EXPECT_GT(bytes, 0u);
  // The fold alone, on rows already in memory: what the plugin adds on top of the database.
  struct Held {
    std::string lead;
    std::int64_t ts;
    std::string stage;
  };
  std::vector<Held> held;
  store.query(scan_sql, {std::string("t1"), std::string("f1"), from, to}, [&](const sdk::Row& r) {
    held.push_back({std::string(r.text(0)), r.int64(1), std::string(r.text(2))});
  });
  StageIndex index(stages);
  time("fold only", [&] {
    FunnelAccumulator acc(index, ScanOptions{from, to, std::nullopt, -1});
    for (const auto& h : held) acc.add(h.lead, h.ts, h.stage);
    EXPECT_GT(acc.finish().reached[0], 0);
  });
  if (!keep) std::remove(path.c_str());
}

}  // namespace
}  // namespace zaplify::funnel
