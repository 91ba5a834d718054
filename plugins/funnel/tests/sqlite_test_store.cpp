#include "sqlite_test_store.h"

#include <chrono>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <variant>

#include "zaplify/sdk/host_tables.h"

namespace zaplify::funnel::testing {

TestEvent stage_event(std::string id, std::string lead, std::int64_t ts, std::string stage,
                      std::string funnel) {
  TestEvent e;
  e.id = std::move(id);
  e.type = "stage_changed";
  e.ts = ts;
  e.lead_id = std::move(lead);
  e.funnel_id = std::move(funnel);
  e.stage = std::move(stage);
  return e;
}

TestEvent define_event(std::string id, std::int64_t ts, std::vector<std::string> stages,
                       std::string name, std::string funnel) {
  TestEvent e;
  e.id = std::move(id);
  e.type = "funnel_defined";
  e.ts = ts;
  e.funnel_id = std::move(funnel);
  e.name = std::move(name);
  std::string json = "[";
  for (std::size_t i = 0; i < stages.size(); ++i) json += (i ? ",\"" : "\"") + stages[i] + "\"";
  e.stages_json = json + "]";
  return e;
}

namespace {

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
}

class StmtRow final : public sdk::Row {
 public:
  explicit StmtRow(sqlite3_stmt* s) : s_(s) {}
  std::size_t size() const override { return static_cast<std::size_t>(sqlite3_column_count(s_)); }
  bool is_null(std::size_t i) const override {
    return sqlite3_column_type(s_, static_cast<int>(i)) == SQLITE_NULL;
  }
  std::int64_t int64(std::size_t i) const override { return sqlite3_column_int64(s_, static_cast<int>(i)); }
  double number(std::size_t i) const override { return sqlite3_column_double(s_, static_cast<int>(i)); }
  std::string_view text(std::size_t i) const override {
    const auto* p = sqlite3_column_text(s_, static_cast<int>(i));
    if (!p) return {};
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

void bind(sqlite3_stmt* s, const std::vector<sdk::Value>& params) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int col = static_cast<int>(i + 1);
    const auto& p = params[i];
    if (std::holds_alternative<std::int64_t>(p)) sqlite3_bind_int64(s, col, std::get<std::int64_t>(p));
    else if (std::holds_alternative<double>(p)) sqlite3_bind_double(s, col, std::get<double>(p));
    else if (std::holds_alternative<std::string>(p)) {
      const auto& t = std::get<std::string>(p);
      sqlite3_bind_text(s, col, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
    } else sqlite3_bind_null(s, col);
  }
}

// Prepares, binds, steps (streaming rows to `on_row` when given) and returns sqlite3_changes.
std::int64_t run(sqlite3* db, std::string_view sql, const std::vector<sdk::Value>& params,
                 const sdk::RowCallback* on_row) {
  sqlite3_stmt* s = nullptr;
  check(sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &s, nullptr), db,
        "prepare");
  bind(s, params);
  StmtRow row(s);
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW)
    if (on_row) (*on_row)(row);
  sqlite3_finalize(s);
  check(rc, db, "step");
  return sqlite3_changes(db);
}

// The host's SqlWriter, reduced to what the plugin's migration and hook use.
class TestWriter final : public sdk::SqlWriter {
 public:
  explicit TestWriter(sqlite3* db) : db_(db) {}
  sdk::Dialect dialect() const override { return sdk::Dialect::SQLite; }
  std::int64_t execute(std::string_view sql, const std::vector<sdk::Value>& params) override {
    return run(db_, sql, params, nullptr);
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
    // One prepared statement stepped per row, as the host's SQLite writer does.
    sqlite3_stmt* s = nullptr;
    check(sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr), db_, "prepare");
    for (const auto& r : rows) {
      if (r.size() != columns.size()) {
        sqlite3_finalize(s);
        throw std::runtime_error("insert_rows: row width differs from columns");
      }
      sqlite3_reset(s);
      bind(s, r);
      const int rc = sqlite3_step(s);
      if (rc != SQLITE_DONE) {
        sqlite3_finalize(s);
        check(rc, db_, "insert_rows");
      }
    }
    sqlite3_finalize(s);
  }
  void query(std::string_view sql, const std::vector<sdk::Value>& params,
             const sdk::RowCallback& on_row) override {
    run(db_, sql, params, &on_row);
  }

 private:
  sqlite3* db_;
};

}  // namespace

SqliteTestStore::SqliteTestStore(const std::string& path) {
  check(sqlite3_open(path.c_str(), &db_), db_, "open");
  // The host's connection settings (core/storage/pool.cpp), so timings here are representative.
  sqlite3_exec(db_,
               "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY; "
               "PRAGMA cache_size=-32768; PRAGMA mmap_size=268435456",
               nullptr, nullptr, nullptr);
  const char* schema =
      "CREATE TABLE IF NOT EXISTS events(tenant_id TEXT NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL, "
      "ts BIGINT NOT NULL, lead_id TEXT, conversation_id TEXT, assistant_id TEXT, channel TEXT, "
      "sender TEXT, text TEXT, response_time_ms DOUBLE PRECISION, tokens BIGINT, outcome TEXT, "
      "funnel_id TEXT, stage TEXT, name TEXT, stages TEXT, source TEXT, "
      "PRIMARY KEY (tenant_id, id));"
      "CREATE INDEX IF NOT EXISTS events_type_ts ON events(tenant_id, type, ts);"
      "CREATE INDEX IF NOT EXISTS events_conv_ts ON events(tenant_id, conversation_id, ts);"
      "CREATE INDEX IF NOT EXISTS events_funnel_ts ON events(tenant_id, funnel_id, ts);";
  check(sqlite3_exec(db_, schema, nullptr, nullptr, nullptr), db_, "schema");
  // The host's relations, once each (a kept benchmark database may have some already).
  auto present = [&](const char* name) {
    int n = 0;
    const std::string sql = std::string("SELECT 1 FROM sqlite_master WHERE name = '") + name + "'";
    sqlite3_exec(
        db_, sql.c_str(), [](void* c, int, char**, char**) { return ++*static_cast<int*>(c), 0; }, &n, nullptr);
    return n > 0;
  };
  const auto d = sdk::Dialect::SQLite;
  const std::pair<const char*, std::string> relations[] = {
      {sdk::kStageEvents, sdk::stage_events_index_sql(d) + ";" + sdk::stage_events_by_stage_index_sql(d) +
                              ";" + sdk::stage_events_view_sql(d)},
      {sdk::kLeadCreatedEvents, sdk::lead_created_events_index_sql(d) + ";" + sdk::lead_created_events_view_sql(d)},
      {sdk::kConversationStarts, sdk::conversation_starts_index_sql(d) + ";" + sdk::conversation_starts_view_sql(d)}};
  for (const auto& [name, sql] : relations)
    if (!present(name)) check(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr), db_, "host relations");
}

void SqliteTestStore::write(const std::function<void(sdk::SqlWriter&)>& work) {
  check(sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr), db_, "begin");
  try {
    TestWriter w(db_);
    work(w);
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  check(sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr), db_, "commit");
}

SqliteTestStore::~SqliteTestStore() { sqlite3_close(db_); }

void SqliteTestStore::insert(const std::vector<TestEvent>& events) {
  write([&](sdk::SqlWriter& w) {
    for (const auto& e : events) {
      auto text_or_null = [](const std::string& v) { return v.empty() ? sdk::Value{} : sdk::Value{v}; };
      w.execute(  // a duplicate id is skipped, as ingestion does
          "INSERT INTO events(tenant_id, id, type, ts, lead_id, funnel_id, stage, name, stages, "
          "conversation_id, assistant_id, channel, source) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) "
          "ON CONFLICT DO NOTHING",
          {e.tenant_id, e.id, e.type, e.ts, text_or_null(e.lead_id), text_or_null(e.funnel_id),
           text_or_null(e.stage), text_or_null(e.name), text_or_null(e.stages_json),
           text_or_null(e.conversation_id), text_or_null(e.assistant_id), text_or_null(e.channel),
           text_or_null(e.source)});
    }
  });
}

void SqliteTestStore::query(std::string_view sql, const std::vector<sdk::Value>& params,
                            const sdk::RowCallback& on_row) const {
  run(db_, sql, params, &on_row);
}

std::string UtcCalendar::format_utc(std::int64_t ms) const {
  using namespace std::chrono;
  const sys_time<milliseconds> tp{milliseconds{ms}};
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> hms{tp - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  std::string out = buf;
  if (const auto sub = hms.subseconds().count(); sub != 0) {
    std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(sub));
    out += buf;
  }
  return out + "Z";
}

}  // namespace zaplify::funnel::testing
