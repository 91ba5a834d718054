#include "zaplify/testkit/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "conversations/conversation_state.h"

namespace zaplify::testkit {
namespace {

class StatementRow final : public sdk::Row {
 public:
  explicit StatementRow(sqlite3_stmt* s) : s_(s) {}
  std::size_t size() const override { return static_cast<std::size_t>(sqlite3_column_count(s_)); }
  bool is_null(std::size_t i) const override { return type(i) == SQLITE_NULL; }
  std::int64_t int64(std::size_t i) const override { return sqlite3_column_int64(s_, col(i)); }
  double number(std::size_t i) const override { return sqlite3_column_double(s_, col(i)); }
  std::string_view text(std::size_t i) const override {
    const auto* p = sqlite3_column_text(s_, col(i));
    if (p == nullptr) return {};
    return {reinterpret_cast<const char*>(p),
            static_cast<std::size_t>(sqlite3_column_bytes(s_, col(i)))};
  }
  sdk::Value value(std::size_t i) const override {
    switch (type(i)) {
      case SQLITE_NULL:
        return {};
      case SQLITE_INTEGER:
        return int64(i);
      case SQLITE_FLOAT:
        return number(i);
      default:
        return std::string(text(i));
    }
  }

 private:
  static int col(std::size_t i) { return static_cast<int>(i); }
  int type(std::size_t i) const { return sqlite3_column_type(s_, col(i)); }
  sqlite3_stmt* s_;
};

void bind(sqlite3_stmt* s, const std::vector<sdk::Value>& params) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int k = static_cast<int>(i + 1);
    const sdk::Value& p = params[i];
    if (const auto* n = std::get_if<std::int64_t>(&p))
      sqlite3_bind_int64(s, k, *n);
    else if (const auto* d = std::get_if<double>(&p))
      sqlite3_bind_double(s, k, *d);
    else if (const auto* t = std::get_if<std::string>(&p))
      sqlite3_bind_text(s, k, t->data(), static_cast<int>(t->size()), SQLITE_TRANSIENT);
    else
      sqlite3_bind_null(s, k);
  }
}

sdk::Value text_or_null(const std::string& s) { return s.empty() ? sdk::Value{} : sdk::Value{s}; }

constexpr const char* kInsertEvent =
    "INSERT INTO events (tenant_id, id, type, ts, lead_id, conversation_id, assistant_id, channel, "
    "sender, text, response_time_ms, tokens, outcome, funnel_id, stage, name, stages, source, "
    "properties) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING";

}  // namespace

// The connection, and its prepared statements by SQL text, as the host caches them. A statement
// already running (a query issued from another's row callback) gets a private copy instead.
struct SqliteStore::Impl {
  ~Impl() {
    for (auto& [sql, s] : cached) sqlite3_finalize(s);
    sqlite3_close(db);
  }
  sqlite3_stmt* prepare(std::string_view sql) const {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &s, nullptr) != SQLITE_OK)
      throw sdk::StoreError(std::string("sqlite: ") + sqlite3_errmsg(db), false);
    return s;
  }
  sqlite3_stmt* acquire(std::string_view sql, bool& owned) {
    owned = false;
    auto it = cached.find(std::string(sql));
    if (it == cached.end()) return cached.emplace(std::string(sql), prepare(sql)).first->second;
    if (!sqlite3_stmt_busy(it->second)) return it->second;
    owned = true;
    return prepare(sql);
  }
  static void release(sqlite3_stmt* s, bool owned) {
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (owned) sqlite3_finalize(s);
  }
  sqlite3* db = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cached;
  std::map<std::string, std::unique_ptr<std::int64_t>> stub_calls;  ///< Calls of stub functions.
};

const std::string& SqliteStore::host_schema() {
  static const std::string schema =
#include "core_schema_sqlite.inc"
      ;
  return schema;
}

SqliteStore::SqliteStore(const std::string& path) : impl_(std::make_unique<Impl>()) {
  if (sqlite3_open(path.c_str(), &impl_->db) != SQLITE_OK) {
    const std::string msg = impl_->db ? sqlite3_errmsg(impl_->db) : "out of memory";
    throw sdk::StoreError("sqlite: cannot open " + path + ": " + msg, true);  // ~Impl closes it
  }
  // PostgreSQL's byte-wise collation, so statements written for a reported PostgreSQL dialect
  // (set_reported_dialect) run here as they do there.
  sqlite3_create_collation(impl_->db, "C", SQLITE_UTF8, nullptr,
                           [](void*, int an, const void* a, int bn, const void* b) {
                             const int c =
                                 std::memcmp(a, b, static_cast<std::size_t>(std::min(an, bn)));
                             return c != 0 ? c : an - bn;
                           });
  if (path != ":memory:")
    exec_script("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY");
  // A database file kept from an earlier run (a benchmark's) already holds the schema.
  bool has_events = false;
  query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'", {},
        [&](const sdk::Row&) { has_events = true; });
  if (!has_events) exec_script(host_schema());
}

SqliteStore::~SqliteStore() = default;

void SqliteStore::query(std::string_view sql, const std::vector<sdk::Value>& params,
                        const sdk::RowCallback& on_row) const {
  bool owned = false;
  sqlite3_stmt* s = impl_->acquire(sql, owned);
  bind(s, params);
  StatementRow row(s);
  int rc = SQLITE_OK;
  try {
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) on_row(row);
  } catch (...) {
    Impl::release(s, owned);
    throw;
  }
  const std::string error = rc == SQLITE_DONE ? "" : sqlite3_errmsg(impl_->db);
  Impl::release(s, owned);
  if (rc != SQLITE_DONE) throw sdk::StoreError("sqlite: " + error, false);
}

void SqliteStore::query(std::string_view sql, const std::vector<sdk::Value>& params,
                        const sdk::RowCallback& on_row) {
  static_cast<const SqliteStore*>(this)->query(sql, params, on_row);
}

std::int64_t SqliteStore::execute(std::string_view sql, const std::vector<sdk::Value>& params) {
  query(sql, params, [](const sdk::Row&) {});
  return sqlite3_changes(impl_->db);
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
  transaction([&] {
    for (const auto& r : rows) {
      if (r.size() != columns.size())
        throw sdk::StoreError("insert_rows: row width differs from columns", false);
      execute(sql, r);
    }
  });
}

void SqliteStore::stub_function(const std::string& name, int args) {
  auto& calls = impl_->stub_calls[name];
  if (!calls) calls = std::make_unique<std::int64_t>(0);
  const int rc = sqlite3_create_function(
      impl_->db, name.c_str(), args, SQLITE_UTF8, calls.get(),
      [](sqlite3_context* ctx, int, sqlite3_value**) {
        ++*static_cast<std::int64_t*>(sqlite3_user_data(ctx));
        sqlite3_result_null(ctx);
      },
      nullptr, nullptr);
  if (rc != SQLITE_OK) throw sdk::StoreError("sqlite: cannot define " + name, false);
}

std::int64_t SqliteStore::calls_of(const std::string& name) const {
  auto it = impl_->stub_calls.find(name);
  return it == impl_->stub_calls.end() ? 0 : *it->second;
}

void SqliteStore::exec_script(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(impl_->db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : "exec failed";
    sqlite3_free(err);
    throw sdk::StoreError("sqlite: " + msg, false);
  }
}

void SqliteStore::transaction(const std::function<void()>& work) {
  if (sqlite3_get_autocommit(impl_->db) == 0) {  // already inside one: join it
    work();
    return;
  }
  exec_script("BEGIN");
  try {
    work();
  } catch (...) {
    sqlite3_exec(impl_->db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  exec_script("COMMIT");
}

void SqliteStore::migrate(const std::string& plugin, std::vector<sdk::Migration> migrations,
                          int up_to) {
  std::sort(migrations.begin(), migrations.end(),
            [](const sdk::Migration& a, const sdk::Migration& b) { return a.version < b.version; });
  int& applied = applied_[plugin];
  for (const auto& m : migrations) {
    if (m.version <= applied || m.version > up_to) continue;
    transaction([&] { exec_script(m.sql); });
    applied = m.version;
  }
}

namespace {

// Stores the rows (duplicates skipped, as the server does) and returns the new events.
std::vector<sdk::Event> store_rows(SqliteStore& store, const std::vector<sdk::Event>& events) {
  std::vector<sdk::Event> fresh;
  for (const sdk::Event& e : events) {
    const std::string channel =
        e.type == "conversation_started" && e.channel.empty() ? "whatsapp" : e.channel;
    const std::string stages =
        e.type == "funnel_defined" ? nlohmann::json(e.stages).dump() : std::string();
    const std::int64_t stored = store.execute(
        kInsertEvent, {e.tenant_id, e.id, e.type, e.ts_ms, text_or_null(e.lead_id),
                       text_or_null(e.conversation_id), text_or_null(e.assistant_id),
                       text_or_null(channel), text_or_null(e.sender), text_or_null(e.text),
                       e.response_time_ms ? sdk::Value{*e.response_time_ms} : sdk::Value{},
                       e.tokens ? sdk::Value{*e.tokens} : sdk::Value{}, text_or_null(e.outcome),
                       text_or_null(e.funnel_id), text_or_null(e.stage), text_or_null(e.name),
                       text_or_null(stages), text_or_null(e.source), text_or_null(e.properties)});
    if (stored == 1) {
      fresh.push_back(e);
      fresh.back().channel = channel;
    }
  }
  return fresh;
}

// Per tenant, in first-seen order, as the server's ingestion does: the host's conversations
// relation (the server's own code, conversation_state.h), then `apply` in order.
void apply_per_tenant(SqliteStore& store, const std::vector<sdk::Event>& fresh,
                      const std::vector<sdk::IngestHook>& apply) {
  std::vector<std::string> tenants;
  for (const auto& e : fresh)
    if (std::find(tenants.begin(), tenants.end(), e.tenant_id) == tenants.end())
      tenants.push_back(e.tenant_id);
  for (const auto& tenant : tenants) {
    std::vector<sdk::Event> batch;
    for (const auto& e : fresh)
      if (e.tenant_id == tenant) batch.push_back(e);
    core::update_conversations(store, tenant, batch);
    const sdk::IngestBatch b{tenant, &batch};
    for (const auto& fn : apply) fn(b, store);
  }
}

}  // namespace

std::vector<sdk::Event> SqliteStore::insert_events(const std::vector<sdk::Event>& events) {
  return ingest(events, {});
}

std::vector<sdk::Event> SqliteStore::ingest(const std::vector<sdk::Event>& events,
                                            const std::vector<sdk::IngestHook>& apply) {
  std::vector<sdk::Event> fresh;
  transaction([&] {
    fresh = store_rows(*this, events);
    apply_per_tenant(*this, fresh, apply);
  });
  return fresh;
}

}  // namespace zaplify::testkit
