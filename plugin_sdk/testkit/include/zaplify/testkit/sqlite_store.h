#pragma once
// A real SQLite event store for a plugin's unit tests: the events table, its indexes and the
// host's relations (host_tables.h) exactly as the server's own migrations create them (the schema
// is generated from them when the SDK is built), plus the plugin's migrations applied on request.
//
// Not thread-safe: one test thread at a time. Statements are prepared once and cached, like the
// host does, so timings in micro-benchmarks mean the same thing.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "zaplify/sdk/events.h"
#include "zaplify/sdk/store.h"

namespace zaplify::testkit {

/// May be derived from, to add a plugin's own fixtures (e.g. "migrate and ingest with my hooks").
class SqliteStore : public sdk::Store, public sdk::SqlWriter {
 public:
  /// ":memory:" (the default) or a database file, created when missing (WAL, synchronous=NORMAL,
  /// as the server runs SQLite); a file that already holds an events table is used as it is.
  /// Throws sdk::StoreError when it cannot be opened.
  explicit SqliteStore(const std::string& path = ":memory:");
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  /// SQLite, unless set_reported_dialect() said otherwise: a test may have a plugin take its
  /// PostgreSQL branch where that SQL is valid SQLite too (the store still runs SQLite).
  sdk::Dialect dialect() const override { return dialect_; }
  void set_reported_dialect(sdk::Dialect dialect) { dialect_ = dialect; }

  // sdk::Store and sdk::SqlWriter. Throw sdk::StoreError with SQLite's message.
  void query(std::string_view sql, const std::vector<sdk::Value>& params,
             const sdk::RowCallback& on_row) const override;
  std::int64_t execute(std::string_view sql, const std::vector<sdk::Value>& params) override;
  void insert_rows(const std::string& table, const std::vector<std::string>& columns,
                   const std::vector<std::vector<sdk::Value>>& rows) override;
  void query(std::string_view sql, const std::vector<sdk::Value>& params,
             const sdk::RowCallback& on_row) override;

  /// Defines the SQL function `name(args...)` as a no-op returning NULL that counts its calls, so a
  /// plugin's PostgreSQL branch (e.g. pg_advisory_xact_lock) runs on SQLite. calls_of() reads
  /// the count.
  void stub_function(const std::string& name, int args);
  std::int64_t calls_of(const std::string& name) const;

  /// Runs ';'-separated statements (no parameters).
  void exec_script(const std::string& sql);

  /// Runs `work` in one transaction: commit when it returns, rollback when it throws. Nested calls
  /// join the outer transaction.
  void transaction(const std::function<void()>& work);

  /// Applies the migrations of `plugin` with a version above the last one applied for that name
  /// and at most `up_to`, in version order, each in its own transaction (as the host does). On
  /// PostgreSQL-only steps: `sql` is used, never `postgres_sql`.
  void migrate(const std::string& plugin, std::vector<sdk::Migration> migrations,
               int up_to = 1'000'000);

  /// Stores events as ingestion does — a duplicate (tenant_id, id) is skipped, a
  /// conversation_started without a channel gets "whatsapp", funnel stages are stored as a JSON
  /// array, properties as given; the host's relations (sdk/host_tables.h) follow — and returns
  /// the newly stored ones, in input order. Fields are not validated: build events the way the
  /// server would accept them.
  std::vector<sdk::Event> insert_events(const std::vector<sdk::Event>& events);

  /// insert_events, then each of `apply` on the new events of each tenant (in first-seen tenant
  /// order), all in one transaction: what the host does with a plugin's hooks and projections.
  std::vector<sdk::Event> ingest(const std::vector<sdk::Event>& events,
                                 const std::vector<sdk::IngestHook>& apply);

  /// The SQLite schema the host's migrations create (what this store starts from).
  static const std::string& host_schema();

 private:
  struct Impl;  ///< The SQLite connection and its statements: no SQLite type in this header.
  std::unique_ptr<Impl> impl_;
  sdk::Dialect dialect_ = sdk::Dialect::SQLite;
  std::map<std::string, int> applied_;  ///< Highest migration version applied, by plugin.
};

}  // namespace zaplify::testkit
