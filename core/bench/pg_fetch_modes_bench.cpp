// Why Database::query streams PostgreSQL rows in single-row mode rather than through a batched
// cursor: both measured on raw libpq over the same rows, with the client's and the server
// backend's CPU per row (the backend's from /proc, so run it on the database's host) and the
// latency of a one-row query. Prints numbers, asserts only that every row arrived.
// In core_bench (never run by ctest). Run (ZAPLIFY_TEST_PG_URL set):
//   build/bin/core_bench --gtest_filter='*PgFetchModes*'

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <string>

#include "storage/tests/test_db.h"

namespace zaplify::core {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kRows = 500000;

double thread_cpu() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// utime + stime of the connection's backend process, in seconds.
double backend_cpu(PGconn* c) {
  std::ifstream f("/proc/" + std::to_string(PQbackendPID(c)) + "/stat");
  std::string s;
  std::getline(f, s);
  const auto close = s.rfind(')');
  if (close == std::string::npos) return 0;
  const char* q = s.c_str() + close + 2;  // field 3 (state)
  for (int field = 3; field < 14; ++field) q = std::strchr(q, ' ') + 1;
  const long ut = std::atol(q), st = std::atol(std::strchr(q, ' ') + 1);
  return static_cast<double>(ut + st) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

void exec(PGconn* c, const char* sql) {
  PGresult* r = PQexec(c, sql);
  ASSERT_TRUE(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK)
      << PQerrorMessage(c);
  PQclear(r);
}

std::int64_t consume(const PGresult* r, int row) {
  std::int64_t bytes = 0;
  for (int j = 0; j < PQnfields(r); ++j)
    bytes += PQgetlength(r, row, j) + (PQgetvalue(r, row, j)[0] == 'x');
  return bytes;
}

std::int64_t single_row(PGconn* c, const std::string& sql) {
  PQsendQueryParams(c, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0);
  PQsetSingleRowMode(c);
  std::int64_t n = 0, bytes = 0;
  while (PGresult* r = PQgetResult(c)) {
    if (PQresultStatus(r) == PGRES_SINGLE_TUPLE) bytes += consume(r, 0), ++n;
    PQclear(r);
  }
  return bytes > 0 ? n : -1;
}

// BEGIN; DECLARE; FETCH batch ... ; COMMIT, each FETCH sent before the previous batch is read.
std::int64_t cursor(PGconn* c, const std::string& sql, int batch) {
  const std::string fetch = "FETCH " + std::to_string(batch) + " FROM bench_cur";
  exec(c, ("BEGIN; DECLARE bench_cur NO SCROLL CURSOR FOR " + sql).c_str());
  std::int64_t n = 0, bytes = 0;
  PQsendQuery(c, fetch.c_str());
  for (bool more = true; more;) {
    PGresult* batch_result = nullptr;
    while (PGresult* r = PQgetResult(c)) (batch_result ? PQclear(r) : void(batch_result = r));
    const int rows = PQntuples(batch_result);
    more = rows == batch;
    if (more) PQsendQuery(c, fetch.c_str());  // the server works on the next batch meanwhile
    for (int i = 0; i < rows; ++i) bytes += consume(batch_result, i);
    n += rows;
    PQclear(batch_result);
  }
  exec(c, "COMMIT");
  return bytes > 0 ? n : -1;
}

void measure(PGconn* c, const std::string& name, const std::function<std::int64_t()>& run) {
  const double s0 = backend_cpu(c), c0 = thread_cpu();
  const auto t0 = Clock::now();
  const std::int64_t n = run();
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  EXPECT_EQ(n, kRows) << name;
  const double rows = static_cast<double>(n);
  std::printf("[fetch] %-30s %9.0f rows/s  client %4.0f ns/row  server %4.0f ns/row\n",
              name.c_str(), rows / wall, (thread_cpu() - c0) * 1e9 / rows,
              (backend_cpu(c) - s0) * 1e9 / rows);
}

double small_query_us(const std::function<void()>& run) {
  for (int i = 0; i < 200; ++i) run();
  const auto t0 = Clock::now();
  for (int i = 0; i < 2000; ++i) run();
  return std::chrono::duration<double>(Clock::now() - t0).count() * 1e6 / 2000;
}

TEST(PgFetchModes, SingleRowModeAgainstBatchedCursor) {
  if (!testing::TempDatabase::pg_available()) GTEST_SKIP() << "ZAPLIFY_TEST_PG_URL is not set";
  testing::TempDatabase tmp("postgresql", 1);
  PGconn* c = PQconnectdb(tmp.url().c_str());
  ASSERT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
  exec(c, ("INSERT INTO events (tenant_id, id, type, ts, lead_id, conversation_id, assistant_id, "
           "channel, sender, "
           "text, response_time_ms, tokens) SELECT 't', 'e' || x, 'message', 1700000000000 + x, "
           "'lead-' || (x % 1000), "
           "'conv-' || (x % 5000), 'a1', 'whatsapp', 'lead', 'hello, this is message number ' || "
           "x, x * 0.25, "
           "x % 500 FROM generate_series(1, " +
           std::to_string(kRows) + ") x; ANALYZE events")
              .c_str());
  const std::string where =
      " FROM events WHERE tenant_id = 't' AND type = 'message' AND ts >= 0 ORDER BY ts";
  const std::string wide =
      "SELECT id, type, ts, lead_id, conversation_id, assistant_id, channel, sender, text, "
      "response_time_ms, tokens, outcome" +
      where;
  const std::string narrow = "SELECT ts, tokens, lead_id" + where;
  for (int round = 0; round < 2; ++round) {
    for (const auto& [tag, query] : {std::pair{"wide", wide}, std::pair{"narrow", narrow}}) {
      const std::string& sql = query;  // clang before 16 cannot capture a structured binding
      measure(c, std::string(tag) + " single-row", [&] { return single_row(c, sql); });
      for (int batch : {500, 2000, 20000})
        measure(c, std::string(tag) + " cursor FETCH " + std::to_string(batch),
                [&] { return cursor(c, sql, batch); });
    }
  }
  const char* one = "SELECT id FROM events WHERE tenant_id = 't' AND id = 'e77'";
  std::printf("[fetch] 1-row query direct        %7.1f us\n",
              small_query_us([&] { exec(c, one); }));
  std::printf("[fetch] 1-row query via cursor    %7.1f us\n", small_query_us([&] {
                exec(c,
                     (std::string("BEGIN; DECLARE bench_cur NO SCROLL CURSOR FOR ") + one).c_str());
                exec(c, "FETCH 2000 FROM bench_cur; COMMIT");
              }));
  PQfinish(c);
}

}  // namespace
}  // namespace zaplify::core
