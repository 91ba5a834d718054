// Micro benchmark of IngestService::process (parse + validate + insert + commit), in core_bench
// (never run by ctest). Run: build/bin/core_bench --gtest_filter='*IngestBench*'
// Env: ZAPLIFY_BENCH_EVENTS (default 200000), ZAPLIFY_TEST_PG_URL for the PostgreSQL variant.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "demo/demo_generator.h"
#include "ingest/ingest_service.h"
#include "storage/tests/test_db.h"

namespace zaplify::core {
namespace {

class IngestBench : public ::testing::TestWithParam<std::string> {};

TEST_P(IngestBench, BatchesOf1000) {
  ZAPLIFY_SKIP_WITHOUT_BACKEND(GetParam());
  const char* env = std::getenv("ZAPLIFY_BENCH_EVENTS");
  const std::int64_t target = env ? std::atoll(env) : 200000;
  DemoOptions o;
  o.leads = target / 10 + 1;
  o.end_ms = 20777ll * 86400000;
  DemoGenerator gen(o);
  std::vector<std::string> bodies;
  std::vector<nlohmann::json> batch;
  std::int64_t total = 0;
  while (total < target && gen.next_batch(batch, 1000)) {
    total += static_cast<std::int64_t>(batch.size());
    bodies.push_back(nlohmann::json{{"events", batch}}.dump());
  }
  testing::TempDatabase tmp(GetParam());
  IngestService svc(tmp.db(), IngestSettings{}, nullptr);
  std::int64_t accepted = 0;
  // CPU time too: on a shared, loaded machine wall time mostly measures the neighbours.
  std::clock_t c0 = std::clock();
  auto t0 = std::chrono::steady_clock::now();
  for (const auto& b : bodies)
    accepted += svc.process(b, IngestCaller{"*", true}, o.end_ms).accepted;
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  EXPECT_EQ(accepted, total);
  std::printf(
      "[bench] %s: %lld events in %.3f s = %.0f events/s wall, %.0f events/s per CPU second "
      "(parse+validate+insert, batches of 1000)\n",
      GetParam().c_str(), static_cast<long long>(total), secs, static_cast<double>(total) / secs,
      static_cast<double>(total) / cpu);
  // Parse + validate alone, for the split of the cost.
  c0 = std::clock();
  t0 = std::chrono::steady_clock::now();
  std::int64_t dups = 0;
  for (const auto& b : bodies) dups += svc.process(b, IngestCaller{"*", true}, o.end_ms).duplicates;
  secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(dups, total);
  cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  std::printf(
      "[bench] %s: re-sending the same batches (all duplicates): %.0f events/s wall, %.0f per CPU "
      "second\n",
      GetParam().c_str(), static_cast<double>(total) / secs, static_cast<double>(total) / cpu);
}

INSTANTIATE_TEST_SUITE_P(Backends, IngestBench, ::testing::Values("sqlite", "postgresql"),
                         testing::backend_name);

}  // namespace
}  // namespace zaplify::core
