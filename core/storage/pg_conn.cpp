// NativeConn on libpq: parameters as text with typed OIDs, rows streamed in single-row mode,
// events inserted one statement per chunk through unnest() of array parameters.

#include <libpq-fe.h>

#include <soci/soci.h>
#include <soci/postgresql/soci-postgresql.h>

#include <algorithm>
#include <charconv>
#include <unordered_map>
#include <cstdlib>
#include <memory>
#include <string>

#include "storage/native_conn.h"

namespace zaplify::core::storage {
namespace {

// OIDs from pg_type.h (stable across versions).
constexpr Oid kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700,
              kFloat8 = 701, kNumeric = 1700;

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

class PgRow final : public sdk::Row {
 public:
  explicit PgRow(const PGresult* r) : r_(r), n_(static_cast<std::size_t>(PQnfields(r))) {}
  std::size_t size() const override { return n_; }
  bool is_null(std::size_t i) const override { return PQgetisnull(r_, 0, col(i)) != 0; }
  std::int64_t int64(std::size_t i) const override {
    std::string_view t = text(i);
    if (t.empty()) return 0;
    if (t == "t") return 1;
    if (t == "f") return 0;
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec == std::errc() && p == t.data() + t.size()) return v;
    return static_cast<std::int64_t>(number(i));
  }
  double number(std::size_t i) const override {
    std::string_view t = text(i);
    if (t.empty()) return 0.0;
    if (t == "t") return 1.0;
    if (t == "f") return 0.0;
    double v = 0.0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc()) return std::strtod(std::string(t).c_str(), nullptr);
    return v;
  }
  std::string_view text(std::size_t i) const override {
    int c = col(i);
    if (PQgetisnull(r_, 0, c)) return {};
    return {PQgetvalue(r_, 0, c), static_cast<std::size_t>(PQgetlength(r_, 0, c))};
  }
  sdk::Value value(std::size_t i) const override {
    if (is_null(i)) return sdk::Value();
    switch (PQftype(r_, col(i))) {
      case kBool: case kInt2: case kInt4: case kInt8: case kOid: return sdk::Value(int64(i));
      case kFloat4: case kFloat8: case kNumeric: return sdk::Value(number(i));
      default: return sdk::Value(std::string(text(i)));
    }
  }

 private:
  int col(std::size_t i) const {
    if (i >= n_) throw sdk::StoreError("column index out of range", false);
    return static_cast<int>(i);
  }
  const PGresult* r_;
  std::size_t n_;
};

// Text-format parameters with their type OIDs (0 lets the server infer strings and NULLs).
struct PgParams {
  std::vector<std::string> storage;
  std::vector<const char*> values;
  std::vector<Oid> types;

  void add(const sdk::Value& v) {
    if (const auto* n = std::get_if<std::int64_t>(&v)) {
      storage.push_back(std::to_string(*n));
      types.push_back(kInt8);
    } else if (const auto* d = std::get_if<double>(&v)) {
      char buf[64];
      auto [p, ec] = std::to_chars(buf, buf + sizeof buf, *d);
      std::string s(buf, ec == std::errc() ? p : buf);
      if (s == "inf") s = "Infinity";
      else if (s == "-inf") s = "-Infinity";
      else if (s == "nan" || s == "-nan") s = "NaN";
      storage.push_back(std::move(s));
      types.push_back(kFloat8);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      storage.push_back(*s);
      types.push_back(0);
    } else {
      storage.emplace_back();
      types.push_back(0);
    }
  }
  // Pointers are taken after all adds: `storage` may reallocate while growing.
  void finish(const std::vector<sdk::Value>* src) {
    values.clear();
    for (std::size_t i = 0; i < storage.size(); ++i) {
      bool null = src != nullptr && sdk::is_null((*src)[i]);
      values.push_back(null ? nullptr : storage[i].c_str());
    }
  }
};

class PgConn final : public NativeConn {
 public:
  explicit PgConn(PGconn* c) : conn_(c) {}
  sdk::Dialect dialect() const override { return sdk::Dialect::PostgreSQL; }
  bool healthy() const override { return !broken_ && PQstatus(conn_) == CONNECTION_OK; }

  void query(std::string_view sql, const std::vector<sdk::Value>& params,
             const sdk::RowCallback& on_row) override {
    int count = 0;
    std::string text = to_pg_placeholders(sql, count);
    check_count(count, params.size());
    PgParams p;
    for (const auto& v : params) p.add(v);
    p.finish(&params);
    if (!PQsendQueryParams(conn_, text.c_str(), count, p.types.data(), p.values.data(), nullptr, nullptr, 0))
      fail_conn();
    if (!PQsetSingleRowMode(conn_)) fail_conn();
    try {
      for (;;) {
        ResultPtr r(PQgetResult(conn_), PQclear);
        if (!r) break;
        auto st = PQresultStatus(r.get());
        if (st == PGRES_SINGLE_TUPLE) {
          PgRow row(r.get());
          on_row(row);
        } else if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
          drain();
          fail_result(r.get());
        }
      }
    } catch (...) {
      cancel_and_drain();
      throw;
    }
  }

  std::int64_t execute(std::string_view sql, const std::vector<sdk::Value>& params) override {
    int count = 0;
    std::string text = to_pg_placeholders(sql, count);
    check_count(count, params.size());
    PgParams p;
    for (const auto& v : params) p.add(v);
    p.finish(&params);
    ResultPtr r(PQexecParams(conn_, text.c_str(), count, p.types.data(), p.values.data(), nullptr, nullptr, 0), PQclear);
    check(r.get());
    const char* n = PQcmdTuples(r.get());
    return (n && *n) ? std::atoll(n) : 0;
  }

  void exec_script(const std::string& sql) override {
    ResultPtr r(PQexec(conn_, sql.c_str()), PQclear);
    check(r.get());
  }

  void insert_rows(const std::string& table, const std::vector<std::string>& columns,
                   const std::vector<std::vector<sdk::Value>>& rows) override {
    if (rows.empty() || columns.empty()) return;
    // libpq caps a statement at 65,535 parameters; 1,000 rows per statement is plenty.
    const std::size_t per = std::max<std::size_t>(1, std::min<std::size_t>(1000, 30000 / columns.size()));
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
        if (rows[r].size() != columns.size()) throw sdk::StoreError("insert_rows: row width differs from columns", false);
        sql += r == start ? "(" : ", (";
        for (std::size_t c = 0; c < columns.size(); ++c) {
          sql += (c ? ", $" : "$") + std::to_string(++idx);
          flat.push_back(rows[r][c]);
        }
        sql += ')';
      }
      sql += " ON CONFLICT DO NOTHING";
      PgParams p;
      for (const auto& v : flat) p.add(v);
      p.finish(&flat);
      ResultPtr res(PQexecParams(conn_, sql.c_str(), idx, p.types.data(), p.values.data(), nullptr, nullptr, 0), PQclear);
      check(res.get());
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
    if (PQstatus(conn_) != CONNECTION_OK) return;
    if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return;
    PGresult* r = PQexec(conn_, "ROLLBACK");
    PQclear(r);
  }

 private:
  void check_count(int count, std::size_t given) const {
    if (static_cast<std::size_t>(count) != given)
      throw sdk::StoreError("statement expects " + std::to_string(count) + " parameters, got " +
                                std::to_string(given), false);
  }

  void drain() {
    while (PGresult* r = PQgetResult(conn_)) PQclear(r);
  }

  void cancel_and_drain() noexcept {
    if (PQstatus(conn_) != CONNECTION_OK) return;
    if (PQisBusy(conn_)) {
      if (PGcancel* c = PQgetCancel(conn_)) {
        char buf[256];
        PQcancel(c, buf, sizeof buf);
        PQfreeCancel(c);
      }
    }
    drain();
  }

  void check(const PGresult* r) {
    if (r == nullptr) fail_conn();
    auto st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return;
    fail_result(r);
  }

  [[noreturn]] void fail_conn() {
    bool bad = PQstatus(conn_) != CONNECTION_OK;
    if (bad) broken_ = true;
    throw sdk::StoreError("postgresql: " + trim(PQerrorMessage(conn_)), bad);
  }

  [[noreturn]] void fail_result(const PGresult* r) {
    const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    std::string code = state ? state : "";
    bool bad = PQstatus(conn_) != CONNECTION_OK;
    // Connection exceptions (08), shutdowns (57P0x), resource limits (53) and read-only standbys
    // (25006) are "try again later", not bugs in the statement.
    bool unavailable = bad || code.rfind("08", 0) == 0 || code.rfind("57P0", 0) == 0 ||
                       code.rfind("53", 0) == 0 || code == "25006";
    if (bad || code.rfind("08", 0) == 0 || code.rfind("57P0", 0) == 0) broken_ = true;
    std::string msg = trim(PQresultErrorMessage(r));
    if (msg.empty()) msg = trim(PQerrorMessage(conn_));
    throw sdk::StoreError("postgresql: " + msg, unavailable);
  }

  void mark_returned(const std::vector<sdk::Event>& events, const PGresult* r, std::vector<char>& inserted);
  bool copy_in(const std::string& copy_sql, bool tolerate_unique_violation);

  PGconn* conn_;
  bool broken_ = false;
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
    exec_script("CREATE TEMP TABLE IF NOT EXISTS zaplify_events_in (LIKE events) ON COMMIT DELETE ROWS");
    staging_ready_ = true;
  } else if (staging_used_) {
    exec_script("DELETE FROM zaplify_events_in");  // a second chunk in one transaction
  }
  staging_used_ = true;
  static const std::string staged = std::string("COPY zaplify_events_in (") + kEventColumns + ") FROM STDIN";
  copy_in(staged, false);
  static const std::string insert = std::string("INSERT INTO events (") + kEventColumns + ") SELECT " +
                                    kEventColumns + " FROM zaplify_events_in ON CONFLICT DO NOTHING RETURNING tenant_id, id";
  ResultPtr r(PQexec(conn_, insert.c_str()), PQclear);
  check(r.get());
  mark_returned(events, r.get(), inserted);
}

// Sends copy_buf_ through `copy_sql`. Returns false on unique_violation when tolerated; throws
// StoreError on anything else.
bool PgConn::copy_in(const std::string& copy_sql, bool tolerate_unique_violation) {
  ResultPtr start(PQexec(conn_, copy_sql.c_str()), PQclear);
  if (start == nullptr) fail_conn();
  if (PQresultStatus(start.get()) != PGRES_COPY_IN) fail_result(start.get());
  if (PQputCopyData(conn_, copy_buf_.data(), static_cast<int>(copy_buf_.size())) != 1 ||
      PQputCopyEnd(conn_, nullptr) != 1)
    fail_conn();
  bool ok = true;
  for (;;) {
    ResultPtr r(PQgetResult(conn_), PQclear);
    if (!r) break;
    if (PQresultStatus(r.get()) == PGRES_COMMAND_OK) continue;
    const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
    if (!tolerate_unique_violation || state == nullptr || std::string_view(state) != "23505") {
      drain();
      fail_result(r.get());
    }
    ok = false;
  }
  return ok;
}

void PgConn::mark_returned(const std::vector<sdk::Event>& events, const PGresult* r, std::vector<char>& inserted) {
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
