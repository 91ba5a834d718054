#include "raw_insert.h"

#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "server_launcher.h"

namespace zaplify::bench {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

std::string rate(double rows, double ms) {
  return ms > 0 ? std::to_string(static_cast<long>(rows / (ms / 1000.0))) : "n/a";
}

void remove_sqlite_files(const std::string& file) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file + suffix, ec);
}

}  // namespace

SqliteRawTable::SqliteRawTable(const std::string& file, int cache_mb) {
  if (sqlite3_open(file.c_str(), &db_) != SQLITE_OK) fail("open " + file);
  exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL");
  if (cache_mb > 0) exec("PRAGMA cache_size=-" + std::to_string(cache_mb * 1024));
  exec(raw_schema_sql());
  std::string sql = raw_insert_sql();
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &insert_, nullptr) != SQLITE_OK) fail("prepare");
}

SqliteRawTable::~SqliteRawTable() {
  sqlite3_finalize(insert_);
  sqlite3_close(db_);
}

std::size_t SqliteRawTable::insert(const std::vector<EventRow>& rows) {
  exec("BEGIN");
  std::size_t inserted = 0;
  for (const auto& r : rows) {
    bind(r);
    if (sqlite3_step(insert_) != SQLITE_DONE) fail("insert");
    inserted += static_cast<std::size_t>(sqlite3_changes(db_));
    sqlite3_reset(insert_);
  }
  exec("COMMIT");
  return inserted;
}

void SqliteRawTable::fail(const std::string& what) {
  std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
  if (db_ && !sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  throw std::runtime_error("raw-insert sqlite: " + what + ": " + message);
}

void SqliteRawTable::exec(const std::string& sql) {
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
    fail(sql.substr(0, 40));
}

void SqliteRawTable::bind_text(int column, const std::optional<std::string>& v) {
  if (v)
    sqlite3_bind_text(insert_, column, v->data(), static_cast<int>(v->size()), SQLITE_STATIC);
  else
    sqlite3_bind_null(insert_, column);
}

void SqliteRawTable::bind(const EventRow& r) {
  // Not through bind_text: a std::string → std::optional conversion would bind a temporary.
  sqlite3_bind_text(insert_, 1, r.tenant_id.data(), static_cast<int>(r.tenant_id.size()),
                    SQLITE_STATIC);
  sqlite3_bind_text(insert_, 2, r.id.data(), static_cast<int>(r.id.size()), SQLITE_STATIC);
  sqlite3_bind_text(insert_, 3, r.type.data(), static_cast<int>(r.type.size()), SQLITE_STATIC);
  sqlite3_bind_int64(insert_, 4, r.ts_ms);
  int column = 5;
  for (const auto* v :
       {&r.lead_id, &r.conversation_id, &r.assistant_id, &r.channel, &r.sender, &r.text})
    bind_text(column++, *v);
  if (r.response_time_ms)
    sqlite3_bind_double(insert_, 11, *r.response_time_ms);
  else
    sqlite3_bind_null(insert_, 11);
  if (r.tokens)
    sqlite3_bind_int64(insert_, 12, *r.tokens);
  else
    sqlite3_bind_null(insert_, 12);
  column = 13;
  for (const auto* v : {&r.outcome, &r.funnel_id, &r.stage, &r.name, &r.stages, &r.source})
    bind_text(column++, *v);
}

PgRawTable::PgRawTable(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
  if (PQstatus(conn_) != CONNECTION_OK) fail("connect");
  command("SET client_min_messages TO WARNING");
  command(raw_schema_sql());
}

PgRawTable::~PgRawTable() { PQfinish(conn_); }

std::size_t PgRawTable::copy(const std::string& copy_text) {
  command("BEGIN");
  PGresult* r = PQexec(conn_, raw_copy_sql().c_str());
  bool ready = PQresultStatus(r) == PGRES_COPY_IN;
  PQclear(r);
  if (!ready) fail("COPY");
  if (PQputCopyData(conn_, copy_text.data(), static_cast<int>(copy_text.size())) != 1 ||
      PQputCopyEnd(conn_, nullptr) != 1)
    fail("COPY data");
  std::size_t rows = 0;
  bool ok = true;
  while (PGresult* res = PQgetResult(conn_)) {
    ok = ok && PQresultStatus(res) == PGRES_COMMAND_OK;
    if (ok) rows = std::stoul(PQcmdTuples(res));
    PQclear(res);
  }
  if (!ok) fail("COPY end");
  command("COMMIT");
  return rows;
}

void PgRawTable::fail(const std::string& what) {
  std::string message = PQerrorMessage(conn_);
  if (PQtransactionStatus(conn_) != PQTRANS_IDLE) PQclear(PQexec(conn_, "ROLLBACK"));
  throw std::runtime_error("raw-insert postgres: " + what + ": " + message);
}

void PgRawTable::command(const std::string& sql) {
  PGresult* r = PQexec(conn_, sql.c_str());
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  if (!ok) fail(sql.substr(0, 40));
}

void BatchTimes::add(double batch_ms, std::size_t batch_rows) {
  ms.push_back(batch_ms);
  rows.push_back(batch_rows);
}

ScenarioResult BatchTimes::result(const std::string& name, const std::string& database) const {
  ScenarioResult r;
  r.name = name;
  r.database = database;
  r.unit = "rows/s";
  auto s = summarize(ms);
  r.requests = s.count;
  r.median_ms = s.median_ms;
  r.p99_ms = s.p99_ms;
  double total_ms = 0, total_rows = 0;
  for (std::size_t i = 0; i < ms.size(); ++i) {
    total_ms += ms[i];
    total_rows += static_cast<double>(rows[i]);
  }
  r.throughput = total_ms > 0 ? total_rows / (total_ms / 1000.0) : 0;
  r.note = std::to_string(static_cast<long>(total_rows)) + " rows inserted in " +
           std::to_string(total_ms / 1000.0).substr(0, 6) + " s of BEGIN..COMMIT, " +
           std::to_string(ms.size()) + " batches (parsing not timed)";
  std::size_t q = ms.size() / 4;
  if (q >= 2) {
    double first_ms = 0, first_rows = 0, last_ms = 0, last_rows = 0;
    for (std::size_t i = 0; i < q; ++i) {
      first_ms += ms[i];
      first_rows += static_cast<double>(rows[i]);
      last_ms += ms[ms.size() - 1 - i];
      last_rows += static_cast<double>(rows[ms.size() - 1 - i]);
    }
    r.note += "; first quarter of batches " + rate(first_rows, first_ms) +
              " rows/s, last quarter " + rate(last_rows, last_ms) + " rows/s";
  }
  return r;
}

ScenarioResult run_raw_insert_sqlite(const ScenarioSpec& spec, const Dataset& data,
                                     const std::string& file, int cache_mb) {
  remove_sqlite_files(file);
  BatchTimes times;
  {
    SqliteRawTable db(file, cache_mb);
    for (const auto& body : data.bodies) {
      auto rows = rows_from_body(body);
      auto start = Clock::now();
      std::size_t n = db.insert(rows);
      times.add(ms_since(start), n);
    }
  }
  remove_sqlite_files(file);
  ScenarioResult r = times.result(spec.name, "sqlite");
  r.note += "; prepared INSERT ... ON CONFLICT DO NOTHING, WAL, synchronous=NORMAL, page cache " +
            (cache_mb > 0 ? std::to_string(cache_mb) + " MiB" : std::string("SQLite's default"));
  return r;
}

ScenarioResult run_raw_insert_postgres(const ScenarioSpec& spec, const Dataset& data,
                                       const std::string& server_url, const std::string& db_name) {
  std::string url = create_postgres_database(server_url, db_name);
  BatchTimes times;
  try {
    PgRawTable db(url);
    std::string copy_text;
    for (const auto& body : data.bodies) {
      copy_text.clear();
      for (const auto& row : rows_from_body(body)) append_copy_row(copy_text, row);
      auto start = Clock::now();
      std::size_t n = db.copy(copy_text);
      times.add(ms_since(start), n);
    }
  } catch (...) {
    drop_postgres_database(server_url, db_name);
    throw;
  }
  drop_postgres_database(server_url, db_name);
  ScenarioResult r = times.result(spec.name, "postgres");
  r.note += "; COPY (text) per batch, each in its own transaction, fresh database";
  return r;
}

}  // namespace zaplify::bench
