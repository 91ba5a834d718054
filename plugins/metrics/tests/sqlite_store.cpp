#include "sqlite_store.h"

#include <chrono>
#include <stdexcept>

#include "derived_schema.h"
#include "ingest_hook.h"
#include "reply_triggers.h"
#include "zaplify/sdk/host_tables.h"

namespace zaplify::metrics::testing {
namespace {

class StmtRow final : public sdk::Row {
 public:
  explicit StmtRow(sqlite3_stmt* s) : s_(s) {}
  std::size_t size() const override { return static_cast<std::size_t>(sqlite3_column_count(s_)); }
  bool is_null(std::size_t i) const override {
    return sqlite3_column_type(s_, static_cast<int>(i)) == SQLITE_NULL;
  }
  std::int64_t int64(std::size_t i) const override {
    return sqlite3_column_int64(s_, static_cast<int>(i));
  }
  double number(std::size_t i) const override {
    return sqlite3_column_double(s_, static_cast<int>(i));
  }
  std::string_view text(std::size_t i) const override {
    const auto* p = sqlite3_column_text(s_, static_cast<int>(i));
    if (p == nullptr) return {};
    return {reinterpret_cast<const char*>(p),
            static_cast<std::size_t>(sqlite3_column_bytes(s_, static_cast<int>(i)))};
  }
  sdk::Value value(std::size_t i) const override {
    switch (sqlite3_column_type(s_, static_cast<int>(i))) {
      case SQLITE_NULL: return {};
      case SQLITE_INTEGER: return int64(i);
      case SQLITE_FLOAT: return number(i);
      default: return std::string(text(i));
    }
  }

 private:
  sqlite3_stmt* s_;
};

sqlite3_stmt* prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &s, nullptr) != SQLITE_OK)
    throw sdk::StoreError(std::string("prepare: ") + sqlite3_errmsg(db), false);
  return s;
}

void bind(sqlite3_stmt* s, const std::vector<sdk::Value>& params) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int k = static_cast<int>(i + 1);
    const auto& p = params[i];
    if (auto* n = std::get_if<std::int64_t>(&p)) sqlite3_bind_int64(s, k, *n);
    else if (auto* d = std::get_if<double>(&p)) sqlite3_bind_double(s, k, *d);
    else if (auto* t = std::get_if<std::string>(&p))
      sqlite3_bind_text(s, k, t->data(), static_cast<int>(t->size()), SQLITE_TRANSIENT);
    else sqlite3_bind_null(s, k);
  }
}

constexpr const char* kSchema =
    "CREATE TABLE events(seq INTEGER PRIMARY KEY AUTOINCREMENT, tenant_id TEXT NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL, "
    "ts BIGINT NOT NULL, lead_id TEXT, conversation_id TEXT, assistant_id TEXT, channel TEXT, "
    "sender TEXT, text TEXT, response_time_ms DOUBLE PRECISION, tokens BIGINT, outcome TEXT, "
    "funnel_id TEXT, stage TEXT, name TEXT, stages TEXT, source TEXT, UNIQUE (tenant_id, id));"
    "CREATE INDEX events_type_ts ON events(tenant_id, type, ts);"
    "CREATE INDEX events_conv_ts ON events(tenant_id, conversation_id, ts);"
    "CREATE INDEX events_funnel_ts ON events(tenant_id, funnel_id, ts);";

sdk::Value opt(const std::string& s) { return s.empty() ? sdk::Value{} : sdk::Value{s}; }

std::string stages_json(const std::vector<std::string>& stages) {
  if (stages.empty()) return {};
  std::string out = "[";
  for (std::size_t i = 0; i < stages.size(); ++i) out += (i ? ",\"" : "\"") + stages[i] + "\"";
  return out + "]";
}

}  // namespace

SqliteStore::SqliteStore(const std::string& path, sdk::Dialect dialect) : dialect_(dialect) {
  if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("sqlite open");
  // The host's settings (core/storage/pool.cpp), so timings mean the same thing.
  if (path != ":memory:")
    exec_script("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY; "
                "PRAGMA cache_size=-32768; PRAGMA mmap_size=268435456");
  exec_script(kSchema);
  exec_script(sdk::stage_events_index_sql(sdk::Dialect::SQLite) + ";" +  // the host's relation
              sdk::stage_events_by_stage_index_sql(sdk::Dialect::SQLite) + ";" +
              sdk::stage_events_view_sql(sdk::Dialect::SQLite));
  // The hook's PostgreSQL branch takes advisory locks; here (one connection) they are no-ops that
  // record how many were taken, so the statement itself still runs.
  sqlite3_create_function(
      db_, "pg_advisory_xact_lock", 2, SQLITE_UTF8, &advisory_locks_,
      [](sqlite3_context* ctx, int, sqlite3_value**) {
        ++*static_cast<std::int64_t*>(sqlite3_user_data(ctx));
        sqlite3_result_null(ctx);
      },
      nullptr, nullptr);
}

SqliteStore::~SqliteStore() {
  for (auto& [sql, s] : cache_) sqlite3_finalize(s);
  sqlite3_close(db_);
}

sqlite3_stmt* SqliteStore::acquire(std::string_view sql, bool& owned) const {
  owned = false;
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) return cache_.emplace(std::string(sql), prepare(db_, sql)).first->second;
  if (!sqlite3_stmt_busy(it->second)) return it->second;
  owned = true;
  return prepare(db_, sql);
}

void SqliteStore::release(sqlite3_stmt* s, bool owned) const {
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  if (owned) sqlite3_finalize(s);
}

void SqliteStore::query(std::string_view sql, const std::vector<sdk::Value>& params,
                        const sdk::RowCallback& on_row) const {
  bool owned = false;
  sqlite3_stmt* s = acquire(sql, owned);
  bind(s, params);
  StmtRow row(s);
  int rc;
  try {
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) on_row(row);
  } catch (...) {
    release(s, owned);
    throw;
  }
  release(s, owned);
  if (rc != SQLITE_DONE) throw sdk::StoreError(std::string("step: ") + sqlite3_errmsg(db_), false);
}

std::int64_t SqliteStore::execute(std::string_view sql, const std::vector<sdk::Value>& params) {
  bool owned = false;
  sqlite3_stmt* s = acquire(sql, owned);
  bind(s, params);
  const int rc = sqlite3_step(s);
  release(s, owned);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    throw sdk::StoreError(std::string("execute: ") + sqlite3_errmsg(db_), false);
  return sqlite3_changes(db_);
}

void SqliteStore::insert_rows(const std::string& table, const std::vector<std::string>& columns,
                              const std::vector<std::vector<sdk::Value>>& rows) {
  std::string sql = "INSERT INTO " + table + " (";
  std::string marks;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    sql += (i ? ", " : "") + columns[i];
    marks += i ? ", ?" : "?";
  }
  sql += ") VALUES (" + marks + ") ON CONFLICT DO NOTHING";
  for (const auto& r : rows) execute(sql, r);
}

void SqliteStore::exec_script(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "exec";
    sqlite3_free(err);
    throw sdk::StoreError(msg, false);
  }
}

void SqliteStore::migrate(int up_to) {
  for (const auto& m : all_migrations()) {
    if (m.version > up_to) break;
    if (m.version <= applied_) continue;
    exec_script("BEGIN");
    exec_script(m.sql);
    exec_script("COMMIT");
    applied_ = m.version;
  }
}

std::vector<sdk::Event> SqliteStore::insert_new(const std::vector<sdk::Event>& events) {
  std::vector<sdk::Event> fresh;
  for (const auto& e : events) {
    const std::int64_t n = execute(
        "INSERT INTO events (tenant_id, id, type, ts, lead_id, conversation_id, assistant_id, "
        "channel, sender, text, response_time_ms, tokens, outcome, funnel_id, stage, name, stages, "
        "source) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
        {e.tenant_id, e.id, e.type, e.ts_ms, opt(e.lead_id), opt(e.conversation_id),
         opt(e.assistant_id),
         e.type == "conversation_started" ? sdk::Value{e.channel.empty() ? "whatsapp" : e.channel}
                                          : sdk::Value{},
         opt(e.sender), opt(e.text),
         e.response_time_ms ? sdk::Value{*e.response_time_ms} : sdk::Value{},
         e.tokens ? sdk::Value{*e.tokens} : sdk::Value{}, opt(e.outcome), opt(e.funnel_id),
         opt(e.stage), opt(e.name), opt(stages_json(e.stages)), opt(e.source)});
    if (n == 1) fresh.push_back(e);
  }
  return fresh;
}

void SqliteStore::ingest(const std::vector<sdk::Event>& events) {
  exec_script("BEGIN");
  const auto fresh = insert_new(events);
  const std::vector<sdk::Event> batch = fresh;
  const auto t0 = std::chrono::steady_clock::now();
  update_derived_tables(sdk::IngestBatch{events.empty() ? "" : events[0].tenant_id, &batch}, *this);
  hook_ms_ += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  const auto t1 = std::chrono::steady_clock::now();
  update_reply_triggers(sdk::IngestBatch{events.empty() ? "" : events[0].tenant_id, &batch}, *this);
  triggers_ms_ += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t1).count();
  exec_script("COMMIT");
}

void SqliteStore::insert_events_only(const std::vector<sdk::Event>& events) {
  exec_script("BEGIN");
  insert_new(events);
  exec_script("COMMIT");
}

}  // namespace zaplify::metrics::testing
