#pragma once
// The `raw-insert` scenario: the ceiling for the data — the same rows in the same order as the
// ingest scenario sends them, inserted with no server into a minimal events table (raw_rows.h).
// SQLite: one prepared INSERT ... ON CONFLICT DO NOTHING, one transaction per body (1,000 rows),
// WAL, synchronous=NORMAL, a fresh file. PostgreSQL: one COPY per body, each in its own
// transaction, in a fresh database. Only BEGIN..COMMIT is timed: parsing the bodies and building
// the COPY text happen before each batch's clock starts.

#include <string>
#include <vector>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "dataset.h"
#include "raw_rows.h"
#include "scenario_spec.h"
#include "stats.h"

namespace zaplify::bench {

/// Per-batch insert times and rows, summed into one result row.
struct BatchTimes {
  std::vector<double> ms;         ///< Wall time of each batch's BEGIN..COMMIT.
  std::vector<std::size_t> rows;  ///< Rows each batch inserted.
  void add(double batch_ms, std::size_t batch_rows);
  /// Rows/s over the summed batch times; median/p99 per batch; first and last quarter rates.
  ScenarioResult result(const std::string& name, const std::string& database) const;
};

/// The SQLite table: one connection (WAL, synchronous=NORMAL), the schema created on open, one
/// prepared INSERT bound with SQLITE_STATIC (the rows outlive each step). Throws
/// std::runtime_error with SQLite's message on any failure.
class SqliteRawTable {
 public:
  /// `cache_mb` > 0 sets PRAGMA cache_size; 0 keeps SQLite's default.
  SqliteRawTable(const std::string& file, int cache_mb);
  ~SqliteRawTable();
  SqliteRawTable(const SqliteRawTable&) = delete;
  SqliteRawTable& operator=(const SqliteRawTable&) = delete;
  /// BEGIN; one step per row; COMMIT. Returns the rows inserted (duplicates are skipped).
  std::size_t insert(const std::vector<EventRow>& rows);

 private:
  [[noreturn]] void fail(const std::string& what);
  void exec(const std::string& sql);
  void bind_text(int column, const std::optional<std::string>& value);
  void bind(const EventRow& row);

  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
};

/// The PostgreSQL table, on one connection to an existing (fresh) database; the schema is created
/// on connect. Throws std::runtime_error with the server's message on any failure.
class PgRawTable {
 public:
  explicit PgRawTable(const std::string& database_url);
  ~PgRawTable();
  PgRawTable(const PgRawTable&) = delete;
  PgRawTable& operator=(const PgRawTable&) = delete;
  /// BEGIN; COPY of `copy_text` (rows from append_copy_row); COMMIT. Returns the rows copied.
  std::size_t copy(const std::string& copy_text);

 private:
  [[noreturn]] void fail(const std::string& what);
  void command(const std::string& sql);

  PGconn* conn_ = nullptr;
};

/// `cache_mb` > 0 sets PRAGMA cache_size; 0 keeps SQLite's default (a naive insert).
/// The file (and its -wal/-shm) is created fresh and removed afterwards.
ScenarioResult run_raw_insert_sqlite(const ScenarioSpec& spec, const Dataset& data,
                                     const std::string& file, int cache_mb);
/// Into a fresh database `db_name` created on the server of `server_url`; dropped afterwards.
ScenarioResult run_raw_insert_postgres(const ScenarioSpec& spec, const Dataset& data,
                                       const std::string& server_url, const std::string& db_name);

}  // namespace zaplify::bench
