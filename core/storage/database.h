#pragma once
// The event store: a SOCI connection pool on SQLite (embedded default, WAL) or PostgreSQL, the
// host's migrations, and the sdk::Store read path (native sqlite3 / libpq streaming under SOCI's
// pooled sessions, for speed).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "zaplify/sdk/store.h"

namespace zaplify::core {

struct DatabaseSettings {
  std::string url;  ///< "sqlite3://PATH" or "postgresql://user:pass@host:port/db".
  int pool_size = 8;
  /// SQLite `PRAGMA synchronous`: "full" (a commit is on disk when it returns) or "normal".
  std::string sqlite_synchronous = "full";
  /// SQLite's memory for page caches, all connections together (a soft limit), in MiB.
  int sqlite_cache_mb = 16;
};

/// Thread-safe. Connection failures surface as sdk::StoreError with unavailable() == true, and the
/// pool reconnects by itself on later calls.
class Database : public sdk::Store {
 public:
  /// Opens the pool and applies the host's own migrations (the events table and its indexes).
  /// Throws std::runtime_error with a clear message (never the password) when unreachable.
  explicit Database(const DatabaseSettings& settings);
  ~Database() override;

  // sdk::Store
  sdk::Dialect dialect() const override;
  void query(std::string_view sql, const std::vector<sdk::Value>& params,
             const sdk::RowCallback& on_row) const override;

  /// Runs `work` in one write transaction (commit on return, rollback on throw).
  void write(const std::function<void(sdk::SqlWriter&)>& work);

  /// Applies `migrations` of `plugin` not yet recorded in schema_migrations, in version order.
  void migrate(const std::string& plugin, const std::vector<sdk::Migration>& migrations);

  /// True when a trivial query succeeds now.
  bool ping() const;
  /// True when the latest write failed for a database outage (disk full or read-only, server
  /// gone); cleared by the next successful write. Reads may still work meanwhile.
  bool writes_failing() const;
  std::string backend_name() const;  ///< "sqlite" | "postgresql"

  /// Registers a plugin table whose rows older than the cutoff (by `ts_column`, epoch ms) are
  /// purged with the events. Thread-safe. Throws std::invalid_argument for non-identifiers.
  void add_purge_table(const std::string& table, const std::string& ts_column);

  /// Deletes events (and rows of plugin tables registered for purge) older than `cutoff_ms`.
  /// Returns how many events were deleted.
  std::int64_t purge_events_before(std::int64_t cutoff_ms);

  /// Redacts the password of a database URL, for logs and errors.
  static std::string redact(const std::string& url);

 private:
  void write_once(const std::function<void(sdk::SqlWriter&)>& work);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zaplify::core
