// NativeConn on libpq: parameters as text with typed OIDs, rows streamed in single-row mode
// (pg_link.cpp), events COPYed in (see insert_events).

#include <libpq-fe.h>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <unordered_map>

#include "storage/native_conn.h"
#include "storage/pg_support.h"

namespace zaplify::core::storage {
namespace {

using pg::PgParams;
using pg::ResultPtr;

class PgConn final : public NativeConn {
 public:
  explicit PgConn(PGconn* c) : link_(c) {}
  sdk::Dialect dialect() const override { return sdk::Dialect::PostgreSQL; }
  bool healthy() const override { return !link_.broken && PQstatus(link_.conn) == CONNECTION_OK; }

  void query(std::string_view sql, const std::vector<sdk::Value>& params,
             const sdk::RowCallback& on_row) override {
    // The connection is mid-stream while rows are handed out: a query from inside a row callback
    // must lease its own connection (sdk::Store::query does). Said plainly rather than by libpq.
    if (streaming_)
      throw sdk::StoreError("postgresql: a query cannot run inside another query's rows", false);
    int count = 0;
    const std::string text = to_pg_placeholders(sql, count);
    check_count(count, params.size());
    const PgParams p(params);
    streaming_ = true;
    struct Reset {
      bool& flag;
      ~Reset() { flag = false; }
    } reset{streaming_};
    pg::stream_single_rows(link_, text, p, on_row);
  }

  std::int64_t execute(std::string_view sql, const std::vector<sdk::Value>& params) override {
    int count = 0;
    std::string text = to_pg_placeholders(sql, count);
    check_count(count, params.size());
    const PgParams p(params);
    ResultPtr r = pg::take(PQexecParams(link_.conn, text.c_str(), count, p.types.data(),
                                        p.values.data(), nullptr, nullptr, 0));
    link_.check(r.get());
    const char* n = PQcmdTuples(r.get());
    return (n && *n) ? std::atoll(n) : 0;
  }

  void exec_script(const std::string& sql) override {
    ResultPtr r = pg::take(PQexec(link_.conn, sql.c_str()));
    link_.check(r.get());
  }

  void insert_rows(const std::string& table, const std::vector<std::string>& columns,
                   const std::vector<std::vector<sdk::Value>>& rows) override {
    if (rows.empty() || columns.empty()) return;
    // libpq caps a statement at 65,535 parameters; 1,000 rows per statement is plenty.
    const std::size_t per =
        std::max<std::size_t>(1, std::min<std::size_t>(1000, 30000 / columns.size()));
    std::string head = "INSERT INTO " + table + " (";
    for (std::size_t i = 0; i < columns.size(); ++i) head += (i ? ", " : "") + columns[i];
    head += ") VALUES ";
    for (std::size_t start = 0; start < rows.size(); start += per) {
      std::size_t end = std::min(rows.size(), start + per);
      std::string sql = head;
      std::vector<sdk::Value> flat;
      flat.reserve((end - start) * columns.size());
      int idx = 0;
      for (std::size_t r = start; r < end; ++r) {
        if (rows[r].size() != columns.size())
          throw sdk::StoreError("insert_rows: row width differs from columns", false);
        sql += r == start ? "(" : ", (";
        for (std::size_t c = 0; c < columns.size(); ++c) {
          sql += (c ? ", $" : "$") + std::to_string(++idx);
          flat.push_back(rows[r][c]);
        }
        sql += ')';
      }
      sql += " ON CONFLICT DO NOTHING";
      const PgParams p(flat);
      ResultPtr res = pg::take(PQexecParams(link_.conn, sql.c_str(), idx, p.types.data(),
                                            p.values.data(), nullptr, nullptr, 0));
      link_.check(res.get());
    }
  }

  void insert_events(const std::vector<sdk::Event>& events, std::vector<char>& inserted) override;

  void begin() override { exec_script("BEGIN"); }
  void commit() override {
    staging_used_ = false;
    exec_script("COMMIT");
  }
  void rollback() noexcept override {
    staging_ready_ = false;  // a rollback may undo the staging table's creation
    staging_used_ = false;
    try {
    } catch (const sdk::StoreError&) {
      return;  // the connection is gone, and the transaction with it
    }
    if (PQstatus(link_.conn) != CONNECTION_OK) return;
    if (PQtransactionStatus(link_.conn) == PQTRANS_IDLE) return;
    PQclear(PQexec(link_.conn, "ROLLBACK"));
  }

 private:
  void check_count(int count, std::size_t given) const {
    if (static_cast<std::size_t>(count) != given)
      throw sdk::StoreError("statement expects " + std::to_string(count) + " parameters, got " +
                                std::to_string(given),
                            false);
  }

  void mark_returned(const std::vector<sdk::Event>& events, const PGresult* r,
                     std::vector<char>& inserted);
  bool copy_in(const std::string& copy_sql, bool tolerate_unique_violation);

  pg::PgLink link_;
  bool streaming_ = false;      // query() is handing out rows
  bool staging_ready_ = false;  // zaplify_events_in exists in this session
  bool staging_used_ = false;   // ... and holds rows of the current transaction
  std::string copy_buf_;        // reused: one chunk's COPY text
};

// Optimistic first: the chunk is COPYed (text format) straight into events under a savepoint,
// which runs at the table's COPY limit when every event is new (the usual case). When some key
// already exists COPY fails with unique_violation; the savepoint is rolled back and the chunk goes
// through a session-private TEMP staging table (no WAL, emptied at every commit) and one
// INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING, whose rows name the new events (first
// write wins). Both beat one unnest() INSERT of array parameters: see insert_limit_bench_test.
void PgConn::insert_events(const std::vector<sdk::Event>& events, std::vector<char>& inserted) {
  inserted.assign(events.size(), 0);
  if (events.empty()) return;
  copy_buf_.clear();
  for (const auto& e : events) append_copy_row(copy_buf_, e);
  static const std::string direct = std::string("COPY events (") + kEventColumns + ") FROM STDIN";
  exec_script("SAVEPOINT zaplify_copy");
  if (copy_in(direct, /*tolerate_unique_violation=*/true)) {
    exec_script("RELEASE SAVEPOINT zaplify_copy");
    inserted.assign(events.size(), 1);
    return;
  }
  exec_script("ROLLBACK TO SAVEPOINT zaplify_copy");
  if (!staging_ready_) {
    // Created inside the caller's transaction: a rollback drops it, so rollback() clears the flag.
    // The event columns only: `seq` is assigned when the rows reach events.
    static const std::string create =
        std::string(
            "CREATE TEMP TABLE IF NOT EXISTS zaplify_events_in ON COMMIT DELETE ROWS AS SELECT ") +
        kEventColumns + " FROM events WITH NO DATA";
    exec_script(create);
    staging_ready_ = true;
  } else if (staging_used_) {
    exec_script("DELETE FROM zaplify_events_in");  // a second chunk in one transaction
  }
  staging_used_ = true;
  static const std::string staged =
      std::string("COPY zaplify_events_in (") + kEventColumns + ") FROM STDIN";
  copy_in(staged, false);
  static const std::string insert =
      std::string("INSERT INTO events (") + kEventColumns + ") SELECT " + kEventColumns +
      " FROM zaplify_events_in ON CONFLICT DO NOTHING RETURNING tenant_id, id";
  ResultPtr r = pg::take(PQexec(link_.conn, insert.c_str()));
  link_.check(r.get());
  mark_returned(events, r.get(), inserted);
}

// Sends copy_buf_ through `copy_sql`. Returns false on unique_violation when tolerated; throws
// StoreError on anything else.
bool PgConn::copy_in(const std::string& copy_sql, bool tolerate_unique_violation) {
  ResultPtr start = pg::take(PQexec(link_.conn, copy_sql.c_str()));
  if (start == nullptr) link_.fail_conn();
  if (PQresultStatus(start.get()) != PGRES_COPY_IN) link_.fail_result(start.get());
  if (PQputCopyData(link_.conn, copy_buf_.data(), static_cast<int>(copy_buf_.size())) != 1 ||
      PQputCopyEnd(link_.conn, nullptr) != 1)
    link_.fail_conn();
  bool ok = true;
  for (;;) {
    ResultPtr r = pg::take(PQgetResult(link_.conn));
    if (!r) break;
    if (PQresultStatus(r.get()) == PGRES_COMMAND_OK) continue;
    const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
    if (!tolerate_unique_violation || state == nullptr || std::string_view(state) != "23505") {
      link_.drain();
      link_.fail_result(r.get());
    }
    ok = false;
  }
  return ok;
}

void PgConn::mark_returned(const std::vector<sdk::Event>& events, const PGresult* r,
                           std::vector<char>& inserted) {
  const int rows = PQntuples(r);
  if (rows == static_cast<int>(events.size())) {  // the usual case: every event was new
    inserted.assign(events.size(), 1);
    return;
  }
  // Events of one chunk are unique by (tenant_id, id); index them to mark the returned rows.
  std::unordered_map<std::string_view, std::vector<std::size_t>> by_id;
  by_id.reserve(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) by_id[events[i].id].push_back(i);
  for (int row = 0; row < rows; ++row) {
    std::string_view tenant(PQgetvalue(r, row, 0)), id(PQgetvalue(r, row, 1));
    if (auto it = by_id.find(id); it != by_id.end())
      for (std::size_t i : it->second)
        if (events[i].tenant_id == tenant) inserted[i] = 1;
  }
}

}  // namespace

std::unique_ptr<NativeConn> make_pg_conn(soci::session& session) {
  auto* backend = static_cast<soci::postgresql_session_backend*>(session.get_backend());
  return std::make_unique<PgConn>(backend->conn_);
}

}  // namespace zaplify::core::storage
