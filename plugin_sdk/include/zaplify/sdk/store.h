#pragma once
// Read access to the event store and write access for migrations and ingest hooks.
//
// SQL is written once and runs unchanged on SQLite and PostgreSQL (and on Citus, distributed by
// tenant_id). Rules that make this work:
//   * parameters are `?` placeholders, bound in order (the host rewrites them for PostgreSQL);
//   * instants are BIGINT epoch milliseconds, so time arithmetic is integer arithmetic;
//   * "insert unless present" is `INSERT ... ON CONFLICT DO NOTHING` (both dialects);
//   * every query filters on `tenant_id = ?` first, and every table and index leads with tenant_id;
//   * integer division: use `CAST(x AS DOUBLE PRECISION)` where a real ratio is wanted
//     (SQLite accepts the type name too).
// The few remaining differences are answered by Dialect below, in one place.
//
// The events table (owned by the host, written only by ingestion):
//   events(seq BIGINT /* log order: grows with every stored event, never reused */,
//          tenant_id TEXT, id TEXT, type TEXT, ts BIGINT,
//          lead_id TEXT, conversation_id TEXT, assistant_id TEXT, channel TEXT,
//          sender TEXT, text TEXT, response_time_ms DOUBLE PRECISION, tokens BIGINT,
//          outcome TEXT, funnel_id TEXT, stage TEXT, name TEXT, stages TEXT /* JSON array */,
//          source TEXT, UNIQUE (tenant_id, id))
//   Indexes: (tenant_id, type, ts); (tenant_id, conversation_id, ts) and (tenant_id, funnel_id,
//   ts), both partial (WHERE the id IS NOT NULL): a query with `conversation_id = ?` / `funnel_id =
//   ?` uses them. `type` is the event type name ("message", "stage_changed", ...). Columns a type
//   does not have are NULL; `channel` is "whatsapp" when a conversation_started did not name one.

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "zaplify/sdk/value.h"
#include "zaplify/sdk/version.h"

namespace zaplify::sdk {

enum class Dialect { SQLite, PostgreSQL };

/// What to append to a text column in ORDER BY or a comparison so that it orders byte-wise on
/// both dialects (as SQLite does by default): ` COLLATE "C"` on PostgreSQL, nothing on SQLite.
/// Event ids break ties that way everywhere ("earliest" by (ts, id)).
inline const char* byte_order(Dialect dialect) {
  return dialect == Dialect::PostgreSQL ? " COLLATE \"C\"" : "";
}

/// A database failure (connection lost, SQL error). The host answers 503 for connection problems
/// and 500 otherwise, without leaking SQL.
class ZAPLIFY_SDK_API StoreError : public std::runtime_error {
 public:
  StoreError(const std::string& what, bool unavailable)
      : std::runtime_error(what), unavailable_(unavailable) {}
  /// True when the database could not be reached (the request may be retried later).
  bool unavailable() const noexcept { return unavailable_; }

 private:
  bool unavailable_;
};

/// One result row, valid only during the callback that receives it.
/// Accessors take a 0-based column index; reading a NULL as a number gives 0, as text gives "".
class ZAPLIFY_SDK_API Row {
 public:
  virtual ~Row() = default;
  virtual std::size_t size() const = 0;
  virtual bool is_null(std::size_t i) const = 0;
  virtual std::int64_t int64(std::size_t i) const = 0;
  virtual double number(std::size_t i) const = 0;
  virtual std::string_view text(std::size_t i) const = 0;
  /// The cell as a Value (integers stay integers where the database says so).
  virtual Value value(std::size_t i) const = 0;
};

using RowCallback = std::function<void(const Row&)>;

/// Read access. Thread-safe: each call leases its own connection from the host's pool.
class ZAPLIFY_SDK_API Store {
 public:
  virtual ~Store() = default;
  virtual Dialect dialect() const = 0;
  /// Runs one read-only statement and streams its rows, in order, to `on_row` on the calling
  /// thread; rows are not all held in memory. Throws StoreError.
  virtual void query(std::string_view sql, const std::vector<Value>& params,
                     const RowCallback& on_row) const = 0;
};

/// Write access inside a host-owned transaction (a migration, or an ingest batch).
/// Not thread-safe; valid only during the call that receives it.
class ZAPLIFY_SDK_API SqlWriter {
 public:
  virtual ~SqlWriter() = default;
  virtual Dialect dialect() const = 0;
  /// Executes one statement with `?` parameters. Returns the number of rows it changed.
  virtual std::int64_t execute(std::string_view sql, const std::vector<Value>& params) = 0;
  /// Inserts many rows into `table(columns...)` efficiently; rows whose primary key already exists
  /// are skipped (ON CONFLICT DO NOTHING). Each row has one Value per column.
  virtual void insert_rows(const std::string& table, const std::vector<std::string>& columns,
                           const std::vector<std::vector<Value>>& rows) = 0;
  /// Reads inside the same transaction.
  virtual void query(std::string_view sql, const std::vector<Value>& params,
                     const RowCallback& on_row) = 0;
};

/// A versioned schema step of one plugin. Applied once, in version order, at start-up, inside a
/// transaction; the host records (plugin, version) in its schema_migrations table.
struct Migration {
  int version = 0;
  std::string description;
  std::string sql;           ///< Statements separated by ';', valid on both dialects.
  std::string postgres_sql;  ///< Optional: replaces `sql` on PostgreSQL when not empty.
};

/// Registration of migrations. REQUIRES: called only from Plugin::start(); the host applies them
/// before the plugin's routes go live.
class ZAPLIFY_SDK_API MigrationRegistry {
 public:
  virtual ~MigrationRegistry() = default;
  virtual void add(Migration migration) = 0;
  /// Optional. Rows of the plugin's `table` whose `ts_column` (epoch ms) is older than the
  /// retention cutoff are deleted whenever the host purges old events, so derived data never
  /// outlives the events it came from.
  virtual void purge_with_events(const std::string& table, const std::string& ts_column) = 0;
};

}  // namespace zaplify::sdk
