// NativeConn on sqlite3: prepared statements cached per connection by SQL text.

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>  // wraps <sqlite3.h> in namespace sqlite_api

#include <sys/stat.h>

#include <string>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

#include "storage/native_conn.h"

using namespace sqlite_api;

namespace zaplify::core::storage {
namespace {

// Statements a plugin builds dynamically could grow the cache without bound; past this size it is
// simply emptied and refilled by what is still in use.
constexpr std::size_t kMaxCachedStatements = 256;

bool is_unavailable_code(int rc) {
  switch (rc & 0xff) {
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_IOERR:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL:
      return true;
    default:
      return false;
  }
}

class SqliteRow final : public sdk::Row {
 public:
  explicit SqliteRow(sqlite3_stmt* st)
      : st_(st), n_(static_cast<std::size_t>(sqlite3_column_count(st))) {}
  std::size_t size() const override { return n_; }
  bool is_null(std::size_t i) const override {
    return sqlite3_column_type(st_, col(i)) == SQLITE_NULL;
  }
  std::int64_t int64(std::size_t i) const override { return sqlite3_column_int64(st_, col(i)); }
  double number(std::size_t i) const override { return sqlite3_column_double(st_, col(i)); }
  std::string_view text(std::size_t i) const override {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, col(i)));
    if (p == nullptr) return {};
    return {p, static_cast<std::size_t>(sqlite3_column_bytes(st_, col(i)))};
  }
  sdk::Value value(std::size_t i) const override {
    switch (sqlite3_column_type(st_, col(i))) {
      case SQLITE_INTEGER:
        return sdk::Value(int64(i));
      case SQLITE_FLOAT:
        return sdk::Value(number(i));
      case SQLITE_NULL:
        return sdk::Value();
      default:
        return sdk::Value(std::string(text(i)));
    }
  }

 private:
  int col(std::size_t i) const {
    if (i >= n_) throw sdk::StoreError("column index out of range", false);
    return static_cast<int>(i);
  }
  sqlite3_stmt* st_;
  std::size_t n_;
};

class SqliteConn final : public NativeConn {
 public:
  explicit SqliteConn(sqlite3* db) : db_(db) {
    const char* path = sqlite3_db_filename(db_, "main");
    if (path && *path) path_ = path;
    opened_ = file_identity();
    // SQLite quietly opens a file it may not write read-only, and on a read-only disk it cannot
    // use the WAL index either: such a handle reads only the last checkpoint ("no such table"
    // on a young database). Refuse it: the request gets a 503 and the slot retries later.
    if (sqlite3_db_readonly(db_, "main") == 1)
      throw sdk::StoreError("sqlite: the database file is read-only (disk or permissions)", true);
  }
  ~SqliteConn() override {
    for (auto& [sql, st] : cache_) sqlite3_finalize(st);
  }

  sdk::Dialect dialect() const override { return sdk::Dialect::SQLite; }
  /// Also false once the path names another file than the one opened (the disk was repaired and
  /// remounted, the file restored from a backup): the handle would read a ghost.
  bool healthy() const override { return !broken_ && file_identity() == opened_; }

  void query(std::string_view sql, const std::vector<sdk::Value>& params,
             const sdk::RowCallback& on_row) override {
    Stmt st(*this, sql);
    bind_all(st.get(), params);
    SqliteRow row(st.get());
    for (;;) {
      int rc = sqlite3_step(st.get());
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) fail(rc);
      on_row(row);
    }
  }

  std::int64_t execute(std::string_view sql, const std::vector<sdk::Value>& params) override {
    Stmt st(*this, sql);
    bind_all(st.get(), params);
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) fail(rc);
    return sqlite3_changes(db_);
  }

  void exec_script(const std::string& sql) override {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      note_failure(rc);
      throw sdk::StoreError("sqlite: " + msg, is_unavailable_code(rc));
    }
  }

  void insert_rows(const std::string& table, const std::vector<std::string>& columns,
                   const std::vector<std::vector<sdk::Value>>& rows) override {
    std::string sql = "INSERT INTO " + table + " (";
    std::string marks;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      sql += (i ? ", " : "") + columns[i];
      marks += i ? ", ?" : "?";
    }
    sql += ") VALUES (" + marks + ") ON CONFLICT DO NOTHING";
    Stmt st(*this, sql);
    for (const auto& r : rows) {
      if (r.size() != columns.size())
        throw sdk::StoreError("insert_rows: row width differs from columns", false);
      bind_all(st.get(), r);
      step_done(st.get());
    }
  }

  void insert_events(const std::vector<sdk::Event>& events, std::vector<char>& inserted) override {
    static const std::string sql =
        std::string("INSERT INTO events (") + kEventColumns +
        ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING";
    Stmt st(*this, sql);
    inserted.assign(events.size(), 0);
    std::string stages;
    for (std::size_t i = 0; i < events.size(); ++i) {
      const sdk::Event& e = events[i];
      sqlite3_stmt* s = st.get();
      bind_text_or_null(s, 1, e.tenant_id);
      bind_text_or_null(s, 2, e.id);
      bind_text_or_null(s, 3, e.type);
      sqlite3_bind_int64(s, 4, e.ts_ms);
      bind_text_or_null(s, 5, e.lead_id);
      bind_text_or_null(s, 6, e.conversation_id);
      bind_text_or_null(s, 7, e.assistant_id);
      bind_text_or_null(s, 8, e.channel);
      bind_text_or_null(s, 9, e.sender);
      bind_text_or_null(s, 10, e.text);
      if (e.response_time_ms)
        sqlite3_bind_double(s, 11, *e.response_time_ms);
      else
        sqlite3_bind_null(s, 11);
      if (e.tokens)
        sqlite3_bind_int64(s, 12, *e.tokens);
      else
        sqlite3_bind_null(s, 12);
      bind_text_or_null(s, 13, e.outcome);
      bind_text_or_null(s, 14, e.funnel_id);
      bind_text_or_null(s, 15, e.stage);
      bind_text_or_null(s, 16, e.name);
      stages = e.type == "funnel_defined" ? stages_json(e.stages) : std::string();
      bind_text_or_null(s, 17, stages);
      bind_text_or_null(s, 18, e.source);
      bind_text_or_null(s, 19, e.properties);
      step_done(s);
      inserted[i] = sqlite3_changes(db_) > 0 ? 1 : 0;
    }
  }

  // IMMEDIATE takes the write lock up front: a deferred transaction that upgrades later can fail
  // with SQLITE_BUSY without waiting for the busy timeout.
  void begin() override { exec_script("BEGIN IMMEDIATE"); }
  void commit() override { exec_script("COMMIT"); }
  void rollback() noexcept override {
    if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

 private:
  // A leased statement: cached, or private when the cached one is already running (a query
  // issued from inside another query's row callback).
  class Stmt {
   public:
    Stmt(SqliteConn& c, std::string_view sql) { st_ = c.acquire(sql, owned_); }
    ~Stmt() {
      sqlite3_reset(st_);
      if (owned_) sqlite3_finalize(st_);
    }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    sqlite3_stmt* get() const { return st_; }

   private:
    sqlite3_stmt* st_ = nullptr;
    bool owned_ = false;
  };

  sqlite3_stmt* prepare(std::string_view sql) {
    sqlite3_stmt* st = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &st, nullptr);
    if (rc != SQLITE_OK) fail(rc);
    if (st == nullptr) throw sdk::StoreError("sqlite: empty statement", false);
    return st;
  }

  sqlite3_stmt* acquire(std::string_view sql, bool& owned) {
    std::string key(sql);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      if (!sqlite3_stmt_busy(it->second)) return it->second;
      owned = true;
      return prepare(sql);
    }
    if (cache_.size() >= kMaxCachedStatements) {
      for (auto cit = cache_.begin(); cit != cache_.end();) {
        if (sqlite3_stmt_busy(cit->second)) {
          ++cit;
          continue;
        }
        sqlite3_finalize(cit->second);
        cit = cache_.erase(cit);
      }
    }
    sqlite3_stmt* st = prepare(sql);
    cache_.emplace(std::move(key), st);
    return st;
  }

  void bind_all(sqlite3_stmt* st, const std::vector<sdk::Value>& params) {
    int expected = sqlite3_bind_parameter_count(st);
    if (expected != static_cast<int>(params.size()))
      throw sdk::StoreError("statement expects " + std::to_string(expected) + " parameters, got " +
                                std::to_string(params.size()),
                            false);
    for (std::size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i) + 1;
      const sdk::Value& v = params[i];
      int rc = SQLITE_OK;
      if (const auto* n = std::get_if<std::int64_t>(&v))
        rc = sqlite3_bind_int64(st, idx, *n);
      else if (const auto* d = std::get_if<double>(&v))
        rc = sqlite3_bind_double(st, idx, *d);
      else if (const auto* s = std::get_if<std::string>(&v))
        rc = sqlite3_bind_text(st, idx, s->data(), static_cast<int>(s->size()), SQLITE_STATIC);
      else
        rc = sqlite3_bind_null(st, idx);
      if (rc != SQLITE_OK) fail(rc);
    }
  }

  static void bind_text_or_null(sqlite3_stmt* st, int idx, const std::string& s) {
    if (s.empty())
      sqlite3_bind_null(st, idx);
    else
      sqlite3_bind_text(st, idx, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
  }

  void step_done(sqlite3_stmt* st) {
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
      sqlite3_reset(st);
      fail(rc);
    }
    sqlite3_reset(st);
  }

  [[noreturn]] void fail(int rc) {
    bool unavailable = is_unavailable_code(rc);
    std::string msg = std::string("sqlite: ") + sqlite3_errmsg(db_);
    note_failure(rc);
    throw sdk::StoreError(msg, unavailable);
  }

  // After an I/O error (disk full, file system forced read-only, file gone) this handle may hold
  // descriptors of a file that is no longer the one at the path: reopen it on the next lease.
  void note_failure(int rc) {
    int primary = rc & 0xff;
    if (primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY ||
        primary == SQLITE_CORRUPT)
      broken_ = true;
  }

  std::pair<dev_t, ino_t> file_identity() const {
    struct stat st {};
    if (path_.empty() || ::stat(path_.c_str(), &st) != 0) return {0, 0};
    return {st.st_dev, st.st_ino};
  }

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
  bool broken_ = false;
  std::string path_;
  std::pair<dev_t, ino_t> opened_{0, 0};
};

}  // namespace

std::unique_ptr<NativeConn> make_sqlite_conn(soci::session& session) {
  auto* backend = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
  return std::make_unique<SqliteConn>(backend->conn_);
}

std::string stages_json(const std::vector<std::string>& stages) {
  return nlohmann::json(stages).dump();
}

}  // namespace zaplify::core::storage
