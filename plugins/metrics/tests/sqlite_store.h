#pragma once
// Test-only sdk::Store / sdk::SqlWriter over a SQLite database holding the host's events
// table (schema and indexes as documented in zaplify/sdk/store.h). Not thread-safe.

#include <sqlite3.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "zaplify/sdk/events.h"
#include "zaplify/sdk/store.h"

namespace zaplify::metrics::testing {

class SqliteStore final : public sdk::Store, public sdk::SqlWriter {
 public:
  /// In memory by default; with a path, a file-backed database in WAL mode (synchronous=NORMAL,
  /// as the host runs it).
  /// `dialect` only changes what dialect() reports (to run the hook's PostgreSQL-only statements,
  /// which are valid SQLite too).
  explicit SqliteStore(const std::string& path = ":memory:",
                       sdk::Dialect dialect = sdk::Dialect::SQLite);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  sdk::Dialect dialect() const override { return dialect_; }
  void query(std::string_view sql, const std::vector<sdk::Value>& params,
             const sdk::RowCallback& on_row) const override;
  std::int64_t execute(std::string_view sql, const std::vector<sdk::Value>& params) override;
  void insert_rows(const std::string& table, const std::vector<std::string>& columns,
                   const std::vector<std::vector<sdk::Value>>& rows) override;
  void query(std::string_view sql, const std::vector<sdk::Value>& params,
             const sdk::RowCallback& on_row) override {
    static_cast<const SqliteStore*>(this)->query(sql, params, on_row);
  }

  /// Runs a ';'-separated script.
  void exec_script(const std::string& sql);
  /// Applies the metrics plugin's migrations not applied yet (all of them, or those up to `up_to`).
  void migrate(int up_to = 1'000'000);
  /// Stores events (duplicates skipped) and runs the plugin's ingest hook on the new ones, in one
  /// transaction, like the host's ingestion.
  void ingest(const std::vector<sdk::Event>& events);
  /// Total wall time spent in the ingest hook so far, in milliseconds.
  double hook_ms() const { return hook_ms_; }
  /// The same for the reply_triggers projection's apply (run after the hook).
  double triggers_ms() const { return triggers_ms_; }
  /// Advisory locks taken by the hook's PostgreSQL branch so far (no-ops here).
  std::int64_t advisory_locks() const { return advisory_locks_; }
  /// Stores events without the hook (events that predate the plugin).
  void insert_events_only(const std::vector<sdk::Event>& events);

 private:
  std::vector<sdk::Event> insert_new(const std::vector<sdk::Event>& events);
  /// A prepared statement for `sql`, cached like the host does; `owned` when the cached one is
  /// busy (a query run from inside another's row callback) and the caller must finalize it.
  sqlite3_stmt* acquire(std::string_view sql, bool& owned) const;
  void release(sqlite3_stmt* s, bool owned) const;
  sqlite3* db_ = nullptr;
  sdk::Dialect dialect_;
  int applied_ = 0;
  double hook_ms_ = 0;
  double triggers_ms_ = 0;
  std::int64_t advisory_locks_ = 0;  ///< Highest migration version applied.
  mutable std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace zaplify::metrics::testing
