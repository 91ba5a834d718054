// The raw insert limits of the events schema, measured beside IngestService::process on the same
// events in the same run (BENCHMARKS.md: the ingest bar is then >= 80% of the measured limit).
// In core_bench (never run by ctest). Run: build/bin/core_bench --gtest_filter='*InsertLimit*'
// Env: ZAPLIFY_BENCH_EVENTS (default 100000), ZAPLIFY_TEST_PG_URL for the PostgreSQL variant.

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "demo/demo_generator.h"
#include "ingest/batch_parser.h"
#include "storage/migrations.h"
#include "storage/native_conn.h"
#include "storage/tests/test_db.h"

namespace zaplify::core {
namespace {

struct Corpus {
  std::vector<std::string> bodies;
  std::vector<std::vector<sdk::Event>> chunks;  // the same events, parsed, 1000 a chunk
  std::int64_t total = 0;
  std::int64_t now_ms = 20777ll * 86400000;
};

Corpus make_corpus() {
  const char* env = std::getenv("ZAPLIFY_BENCH_EVENTS");
  Corpus c;
  const std::int64_t target = env ? std::atoll(env) : 100000;
  DemoOptions o;
  o.leads = target / 10 + 1;
  o.end_ms = c.now_ms;
  DemoGenerator gen(o);
  std::vector<nlohmann::json> batch;
  while (c.total < target && gen.next_batch(batch, 1000)) {
    c.bodies.push_back(nlohmann::json{{"events", batch}}.dump());
    c.chunks.push_back(
        ingest::parse_batch(c.bodies.back(), {"*", true}, c.now_ms, IngestSettings{}).events);
    c.total += static_cast<std::int64_t>(c.chunks.back().size());
  }
  return c;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void report(const char* what, std::int64_t n, double wall) {
  std::printf("[limit] %-58s %8.0f rows/s wall\n", what, static_cast<double>(n) / wall);
}

void exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
}

// A tight prepared-statement loop: the most SQLite can do for this schema and these rows.
double sqlite_raw(const Corpus& c, const std::string& schema) {
  auto dir =
      std::filesystem::temp_directory_path() / ("zaplify_limit_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  sqlite3* db = nullptr;
  sqlite3_open((dir / "raw.db").c_str(), &db);
  exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-32768");
  exec(db, schema);
  exec(db, "ALTER TABLE events ADD COLUMN properties TEXT");  // migration 7: kEventColumns has it
  sqlite3_stmt* st = nullptr;
  const std::string sql = std::string("INSERT INTO events (") + storage::kEventColumns +
                          ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING";
  sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
  auto text = [&](int i, const std::string& s) {
    if (s.empty())
      sqlite3_bind_null(st, i);
    else
      sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
  };
  auto t0 = std::chrono::steady_clock::now();
  for (const auto& chunk : c.chunks) {
    exec(db, "BEGIN IMMEDIATE");
    for (const auto& e : chunk) {
      text(1, e.tenant_id);
      text(2, e.id);
      text(3, e.type);
      sqlite3_bind_int64(st, 4, e.ts_ms);
      text(5, e.lead_id);
      text(6, e.conversation_id);
      text(7, e.assistant_id);
      text(8, e.channel);
      text(9, e.sender);
      text(10, e.text);
      if (e.response_time_ms)
        sqlite3_bind_double(st, 11, *e.response_time_ms);
      else
        sqlite3_bind_null(st, 11);
      if (e.tokens)
        sqlite3_bind_int64(st, 12, *e.tokens);
      else
        sqlite3_bind_null(st, 12);
      text(13, e.outcome);
      text(14, e.funnel_id);
      text(15, e.stage);
      text(16, e.name);
      sqlite3_bind_null(st, 17);
      text(18, e.source);
      text(19, e.properties);
      sqlite3_step(st);
      sqlite3_reset(st);
    }
    exec(db, "COMMIT");
  }
  const double wall = seconds_since(t0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  std::filesystem::remove_all(dir);
  return wall;
}

double process_all(Database& db, const Corpus& c) {
  IngestService svc(db, IngestSettings{}, nullptr);
  std::int64_t accepted = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (const auto& b : c.bodies)
    accepted += svc.process(b, IngestCaller{"*", true}, c.now_ms).accepted;
  const double wall = seconds_since(t0);
  EXPECT_EQ(accepted, c.total);
  return wall;
}

TEST(InsertLimitBench, Sqlite) {
  const Corpus c = make_corpus();
  const std::string schema = storage::core_migrations().front().sql;
  std::string without_rowid = schema;
  without_rowid.replace(without_rowid.find("PRIMARY KEY (tenant_id, id))"), 28,
                        "PRIMARY KEY (tenant_id, id)) WITHOUT ROWID");
  for (int round = 0; round < 2; ++round) {  // interleaved: the machine's load drifts
    report("sqlite raw prepared loop, our schema (PK + 3 indexes)", c.total, sqlite_raw(c, schema));
    report("sqlite raw prepared loop, WITHOUT ROWID + 3 indexes", c.total,
           sqlite_raw(c, without_rowid));
    report("sqlite raw prepared loop, PK only (no secondary index)", c.total,
           sqlite_raw(c, schema.substr(0, schema.find(";CREATE INDEX"))));
    testing::TempDatabase tmp("sqlite");
    report("sqlite IngestService::process (parse+validate+insert)", c.total,
           process_all(tmp.db(), c));
  }
}

void pg_exec(PGconn* pg, const std::string& sql) {
  PGresult* r = PQexec(pg, sql.c_str());
  EXPECT_TRUE(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK)
      << PQerrorMessage(pg);
  PQclear(r);
}

// COPY (text format) straight into the table, one transaction per chunk: the PostgreSQL limit.
double pg_copy(const Corpus& c, const std::string& url, const std::string& schema) {
  PGconn* pg = PQconnectdb(url.c_str());
  pg_exec(pg, "DROP TABLE IF EXISTS events; DROP TABLE IF EXISTS schema_migrations");
  pg_exec(pg, schema);
  pg_exec(pg,
          "ALTER TABLE events ADD COLUMN properties TEXT");  // migration 7: kEventColumns has it
  std::string buf;
  auto t0 = std::chrono::steady_clock::now();
  for (const auto& chunk : c.chunks) {
    buf.clear();
    for (const auto& e : chunk) storage::append_copy_row(buf, e);
    pg_exec(pg, "BEGIN");
    PQclear(PQexec(
        pg, (std::string("COPY events (") + storage::kEventColumns + ") FROM STDIN").c_str()));
    PQputCopyData(pg, buf.data(), static_cast<int>(buf.size()));
    PQputCopyEnd(pg, nullptr);
    while (PGresult* r = PQgetResult(pg)) {
      EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQerrorMessage(pg);
      PQclear(r);
    }
    pg_exec(pg, "COMMIT");
  }
  const double wall = seconds_since(t0);
  pg_exec(pg, "DROP TABLE events");
  PQfinish(pg);
  return wall;
}

TEST(InsertLimitBench, Postgresql) {
  ZAPLIFY_SKIP_WITHOUT_BACKEND(std::string("postgresql"));
  const Corpus c = make_corpus();
  const std::string schema = storage::core_migrations().front().sql;
  std::string collate_c = schema;
  for (const char* col :
       {"tenant_id TEXT", "id TEXT", "type TEXT", "conversation_id TEXT", "funnel_id TEXT"}) {
    auto at = collate_c.find(std::string(" ") + col);
    collate_c.insert(at + 1 + std::string(col).size(), " COLLATE \"C\"");
  }
  for (int round = 0; round < 2; ++round) {
    testing::TempDatabase tmp("postgresql");
    report("postgresql COPY, our schema (PK + 3 indexes)", c.total, pg_copy(c, tmp.url(), schema));
    report("postgresql COPY, key columns COLLATE \"C\"", c.total, pg_copy(c, tmp.url(), collate_c));
    report("postgresql COPY, PK only", c.total,
           pg_copy(c, tmp.url(), schema.substr(0, schema.find(";CREATE INDEX"))));
    testing::TempDatabase fresh("postgresql");
    report("postgresql IngestService::process (parse+validate+insert)", c.total,
           process_all(fresh.db(), c));
  }
}

}  // namespace
}  // namespace zaplify::core
