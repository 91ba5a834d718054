// Streaming read speed of Database::query (the sdk::Store path every plugin reads through):
// rows/s of 1,000,000-row scans, latency of 1-row queries, and on SQLite the effect of mmap_size
// on speed and resident memory. Prints numbers; asserts only that every row arrived.
// In core_bench (never run by ctest). Run:
//   build/bin/core_bench --gtest_filter='*ReadBench*'
// Env: ZAPLIFY_BENCH_ROWS (default 1000000), ZAPLIFY_TEST_PG_URL for the PostgreSQL variants.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>

#include "storage/core_writer.h"
#include "storage/tests/test_db.h"

namespace zaplify::core {
namespace {

using testing::TempDatabase;
using Clock = std::chrono::steady_clock;

std::int64_t bench_rows() {
  const char* env = std::getenv("ZAPLIFY_BENCH_ROWS");
  return env ? std::max<std::int64_t>(1, std::atoll(env)) : 1000000;
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// CPU time of the calling thread: the client's own cost per row, which the shared machine's load
// and the server's work do not blur.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// A field of /proc/self/status in kB (VmRSS, RssFile, RssAnon, VmHWM).
long status_kb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  return -1;
}

// One narrow table (a few typed columns, as funnel/metrics read) and the events table filled with
// wide message rows (as an export reads), both by the database itself.
void fill(Database& db, std::int64_t n) {
  const std::string series =
      "WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < " +
      std::to_string(n) + ") ";
  db.migrate("bench",
             {{1, "rows",
               "CREATE TABLE bench_rows (tenant_id TEXT, k BIGINT, d DOUBLE PRECISION, s TEXT, "
               "PRIMARY KEY (tenant_id, k))",
               ""}});
  db.write([&](sdk::SqlWriter& w) {
    w.execute(series + "INSERT INTO bench_rows SELECT 't', x, x * 0.5, 'stage-' || (x % 7) FROM g",
              {});
    w.execute(
        series +
            "INSERT INTO events (tenant_id, id, type, ts, lead_id, conversation_id, assistant_id, "
            "channel, sender, text, response_time_ms, tokens) SELECT 't', 'e' || x, 'message', "
            "1700000000000 + x, 'lead-' || (x % 1000), 'conv-' || (x % 5000), 'a1', 'whatsapp', "
            "'lead', 'hello, this is message number ' || x, x * 0.25, x % 500 FROM g",
        {});
  });
  if (db.dialect() == sdk::Dialect::PostgreSQL)
    db.write([](sdk::SqlWriter& w) { w.execute("ANALYZE", {}); });
}

struct Scan {
  std::int64_t rows = 0;
  double seconds = 0;
  double cpu = 0;  // client thread CPU seconds
};

// Reads every column through the accessors a plugin would use, so the numbers include parsing.
Scan scan_narrow(const Database& db) {
  Scan s;
  std::int64_t sum = 0;
  auto t0 = Clock::now();
  const double c0 = thread_cpu_seconds();
  db.query("SELECT k, d, s FROM bench_rows WHERE tenant_id = ? ORDER BY k", {sdk::Value("t")},
           [&](const sdk::Row& r) {
             sum += r.int64(0) + static_cast<std::int64_t>(r.number(1)) +
                    static_cast<std::int64_t>(r.text(2).size());
             ++s.rows;
           });
  s.seconds = seconds_since(t0);
  s.cpu = thread_cpu_seconds() - c0;
  EXPECT_GT(sum, 0);
  return s;
}

Scan scan_events(const Database& db) {
  Scan s;
  std::size_t bytes = 0;
  auto t0 = Clock::now();
  const double c0 = thread_cpu_seconds();
  db.query(
      "SELECT id, type, ts, lead_id, conversation_id, assistant_id, channel, sender, text, "
      "response_time_ms, tokens, outcome FROM events WHERE tenant_id = ? AND type = ? AND ts >= ? "
      "ORDER BY ts",
      {sdk::Value("t"), sdk::Value("message"), sdk::Value(std::int64_t{0})},
      [&](const sdk::Row& r) {
        for (std::size_t i = 0; i < r.size(); ++i) bytes += r.text(i).size();
        bytes +=
            static_cast<std::size_t>(r.int64(2) & 1) + static_cast<std::size_t>(r.number(9) > 0);
        ++s.rows;
      });
  s.seconds = seconds_since(t0);
  s.cpu = thread_cpu_seconds() - c0;
  EXPECT_GT(bytes, 0u);
  return s;
}

void report(const std::string& what, const Scan& s) {
  std::printf("[read] %-44s %9lld rows %7.3f s %10.0f rows/s, client CPU %6.0f ns/row\n",
              what.c_str(), static_cast<long long>(s.rows), s.seconds,
              static_cast<double>(s.rows) / s.seconds,
              s.cpu * 1e9 / static_cast<double>(std::max<std::int64_t>(1, s.rows)));
}

// Mean wall time of a 1-row query, in microseconds.
double small_query_us(const Database& db, const std::string& sql,
                      const std::vector<sdk::Value>& params) {
  constexpr int kRuns = 3000;
  std::int64_t seen = 0;
  for (int i = 0; i < 200; ++i) db.query(sql, params, [&](const sdk::Row&) { ++seen; });  // warm
  auto t0 = Clock::now();
  for (int i = 0; i < kRuns; ++i) db.query(sql, params, [&](const sdk::Row&) { ++seen; });
  EXPECT_EQ(seen, kRuns + 200);
  return seconds_since(t0) * 1e6 / kRuns;
}

class ReadBench : public ::testing::TestWithParam<std::string> {};

TEST_P(ReadBench, StreamedScansAndSmallQueries) {
  ZAPLIFY_SKIP_WITHOUT_BACKEND(GetParam());
  const std::int64_t n = bench_rows();
  TempDatabase tmp(GetParam(), 1);
  fill(tmp.db(), n);
  const std::string tag = GetParam();
  for (int round = 0; round < 3; ++round) {  // the first round also warms caches
    Scan narrow = scan_narrow(tmp.db());
    ASSERT_EQ(narrow.rows, n);
    report(tag + " narrow k,d,s round " + std::to_string(round), narrow);
    Scan wide = scan_events(tmp.db());
    ASSERT_EQ(wide.rows, n);
    report(tag + " events 12 cols round " + std::to_string(round), wide);
  }
  std::printf("[read] %-44s %8.1f us\n", (tag + " SELECT ? + 1").c_str(),
              small_query_us(tmp.db(), "SELECT ? + 1", {sdk::Value(std::int64_t{1})}));
  std::printf(
      "[read] %-44s %8.1f us\n", (tag + " 1 row by primary key").c_str(),
      small_query_us(tmp.db(), "SELECT k, d, s FROM bench_rows WHERE tenant_id = ? AND k = ?",
                     {sdk::Value("t"), sdk::Value(std::int64_t{777})}));
}

INSTANTIATE_TEST_SUITE_P(Backends, ReadBench, ::testing::Values("sqlite", "postgresql"),
                         testing::backend_name);

// SQLite only: mmap_size (and the page cache size) on a fresh connection over the same (page-cache
// warm) file, with the speed and the resident memory the scans leave behind: mapped file pages
// count in RSS, as do the connection's cached pages.
TEST(ReadBenchSqlite, MmapSizeSpeedAndResidentMemory) {
  const std::int64_t n = bench_rows();
  TempDatabase tmp("sqlite", 1);
  fill(tmp.db(), n);
  scan_events(tmp.db());  // warms the OS page cache for every variant alike
  const std::pair<long long, int> variants[] = {
      {268435456, 32768}, {0, 32768}, {33554432, 32768}, {0, 8192}};
  for (int round = 0; round < 2; ++round) {
    for (const auto& [mmap, cache_kb] : variants) {
      Database db(DatabaseSettings{tmp.url(), 1});
      db.query("PRAGMA mmap_size=" + std::to_string(mmap), {}, [](const sdk::Row&) {});
      db.query("PRAGMA cache_size=-" + std::to_string(cache_kb), {}, [](const sdk::Row&) {});
      const long rss0 = status_kb("VmRSS"), file0 = status_kb("RssFile");
      Scan s = scan_events(db);
      Scan t = scan_narrow(db);
      ASSERT_EQ(s.rows, n);
      const long rss1 = status_kb("VmRSS"), file1 = status_kb("RssFile");
      const std::string tag = "sqlite mmap " + std::to_string(mmap >> 20) + " MB cache " +
                              std::to_string(cache_kb >> 10) + " MB";
      report(tag + " events", s);
      report(tag + " narrow", t);
      std::printf("[read] %-44s RSS +%ld MB (file-backed +%ld MB)\n", tag.c_str(),
                  (rss1 - rss0) / 1024, (file1 - file0) / 1024);
    }
  }
}

}  // namespace
}  // namespace zaplify::core
