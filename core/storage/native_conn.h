#pragma once
// One pooled connection seen through its native handle (sqlite3* or PGconn*), under the SOCI
// session that owns it. Internal to core/storage. Not thread-safe: used by the one thread that
// leased the connection.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "zaplify/sdk/events.h"
#include "zaplify/sdk/store.h"

namespace soci {
class session;
}

namespace zaplify::core::storage {

class NativeConn {
 public:
  virtual ~NativeConn() = default;
  virtual sdk::Dialect dialect() const = 0;

  /// Streams the rows of one statement (`?` placeholders). Throws sdk::StoreError.
  virtual void query(std::string_view sql, const std::vector<sdk::Value>& params,
                     const sdk::RowCallback& on_row) = 0;
  /// Runs one statement; returns the rows it changed.
  virtual std::int64_t execute(std::string_view sql, const std::vector<sdk::Value>& params) = 0;
  /// Runs a script of ';'-separated statements without parameters.
  virtual void exec_script(const std::string& sql) = 0;
  virtual void insert_rows(const std::string& table, const std::vector<std::string>& columns,
                           const std::vector<std::vector<sdk::Value>>& rows) = 0;
  /// Inserts events unless (tenant_id, id) exists; inserted[i] = 1 when events[i] is new.
  /// REQUIRES: no two events share (tenant_id, id).
  virtual void insert_events(const std::vector<sdk::Event>& events,
                             std::vector<char>& inserted) = 0;

  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;
  /// Cheap local check: false when the connection is known to be broken.
  virtual bool healthy() const = 0;
};

/// Wraps the native handle of an open SOCI session. The session must outlive the result.
std::unique_ptr<NativeConn> make_sqlite_conn(soci::session& session);
std::unique_ptr<NativeConn> make_pg_conn(soci::session& session);

/// Column list of the events table, in the order insert_events binds them.
inline constexpr const char* kEventColumns =
    "tenant_id, id, type, ts, lead_id, conversation_id, assistant_id, channel, sender, text, "
    "response_time_ms, tokens, outcome, funnel_id, stage, name, stages, source, properties";
inline constexpr int kEventColumnCount = 19;

/// The funnel's stages as a JSON array text (the `stages` column).
std::string stages_json(const std::vector<std::string>& stages);

}  // namespace zaplify::core::storage

namespace zaplify::core::storage {

/// Rewrites `?` placeholders to PostgreSQL's `$1..$n`, leaving `?` inside string literals,
/// quoted identifiers and comments alone. `count` receives n.
std::string to_pg_placeholders(std::string_view sql, int& count);

/// Appends `value` as one COPY text-format field (backslash, tab, newline and CR escaped);
/// `is_null` writes \N.
void append_copy_text(std::string& out, std::string_view value, bool is_null);

/// Appends one events row in COPY text format, columns in kEventColumns order, ending in '\n'.
/// Empty strings and absent optionals are NULL, as in insert_events.
void append_copy_row(std::string& out, const sdk::Event& e);

/// A PostgreSQL array literal element list: {"a","b\"c",NULL}. Empty strings are kept as "".
void append_pg_array_text(std::string& out, std::string_view value, bool is_null);

}  // namespace zaplify::core::storage
