#include "storage/database.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <mutex>
#include <stdexcept>

#include "storage/core_writer.h"
#include "storage/database_url.h"
#include "storage/migrations.h"
#include "storage/pool.h"
#include "zaplify/sdk/host_tables.h"

namespace zaplify::core {
namespace {

using storage::NativeConn;
using storage::Pool;

class Writer final : public CoreWriter {
 public:
  explicit Writer(NativeConn& c) : c_(c) {}
  sdk::Dialect dialect() const override { return c_.dialect(); }
  std::int64_t execute(std::string_view sql, const std::vector<sdk::Value>& params) override {
    return c_.execute(sql, params);
  }
  void insert_rows(const std::string& table, const std::vector<std::string>& columns,
                   const std::vector<std::vector<sdk::Value>>& rows) override {
    c_.insert_rows(table, columns, rows);
  }
  void query(std::string_view sql, const std::vector<sdk::Value>& params,
             const sdk::RowCallback& on_row) override {
    c_.query(sql, params, on_row);
  }
  void insert_events(const std::vector<sdk::Event>& events, std::vector<char>& inserted) override {
    c_.insert_events(events, inserted);
  }
  void execute_script(const std::string& sql) override { c_.exec_script(sql); }
  void lock_tenant(const std::string& tenant) override {
    if (c_.dialect() != sdk::Dialect::PostgreSQL) return;
    c_.query("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", {tenant},
             [](const sdk::Row&) {});
  }

 private:
  NativeConn& c_;
};

bool is_identifier(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

}  // namespace

struct Database::Impl {
  Impl(const storage::ParsedUrl& url, const std::string& redacted, const DatabaseSettings& settings)
      : pool(url, redacted, settings) {}
  Pool pool;
  std::atomic<bool> writes_failing{false};
  // SQLite has one writer at a time; queueing writers here is fairer and faster than letting
  // them spin in SQLite's busy handler.
  std::mutex sqlite_writer;
  std::mutex purge_mutex;
  std::vector<std::pair<std::string, std::string>> purge_tables;  // (table, ts column)
};

namespace {

// The pool hands each connection to one thread at a time, so SQLite's per-call connection mutex
// (the default "serialized" mode) is pure overhead on the ingest path: switch the library to
// multi-thread mode once, before the first connection is opened.
void use_sqlite_multithread_mode() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MULTITHREAD); });
}

}  // namespace

Database::Database(const DatabaseSettings& settings) {
  use_sqlite_multithread_mode();
  storage::ParsedUrl url;
  try {
    url = storage::parse_database_url(settings.url);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(e.what());
  }
  impl_ = std::make_unique<Impl>(url, redact(settings.url), settings);
  try {
    write([](sdk::SqlWriter& w) { storage::ensure_migrations_table(w); });
    migrate("core", storage::core_migrations());
    // The host's conversations go with retention like the events they summarise (host_tables.h).
    add_purge_table(sdk::kConversations, "last_ts");
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot prepare database " + redact(settings.url) + ": " + e.what());
  }
}

Database::~Database() = default;

sdk::Dialect Database::dialect() const { return impl_->pool.dialect(); }

std::string Database::backend_name() const {
  return dialect() == sdk::Dialect::SQLite ? "sqlite" : "postgresql";
}

std::string Database::redact(const std::string& url) { return storage::redact_url(url); }

void Database::query(std::string_view sql, const std::vector<sdk::Value>& params,
                     const sdk::RowCallback& on_row) const {
  Pool::Lease lease(impl_->pool);
  bool delivered = false;
  auto counting = [&](const sdk::Row& r) {
    delivered = true;
    on_row(r);
  };
  try {
    lease.conn().query(sql, params, counting);
  } catch (const sdk::StoreError& e) {
    // A connection that died while idle (database restarted, disk remounted) fails its first
    // statement, whatever the error says: reconnect and retry once, which is safe for a read
    // that has not delivered a row yet.
    if (lease.conn().healthy()) throw;
    if (delivered) throw sdk::StoreError(e.what(), true);
    lease.reconnect();
    lease.conn().query(sql, params, counting);
  }
}

void Database::write(const std::function<void(sdk::SqlWriter&)>& work) {
  try {
    write_once(work);
    impl_->writes_failing.store(false);
  } catch (const sdk::StoreError& e) {
    if (e.unavailable()) impl_->writes_failing.store(true);
    throw;
  }
}

bool Database::writes_failing() const { return impl_->writes_failing.load(); }

void Database::write_once(const std::function<void(sdk::SqlWriter&)>& work) {
  std::unique_lock<std::mutex> serial(impl_->sqlite_writer, std::defer_lock);
  if (dialect() == sdk::Dialect::SQLite) serial.lock();
  Pool::Lease lease(impl_->pool);
  try {
    lease.conn().begin();
  } catch (const sdk::StoreError& e) {
    if (lease.conn().healthy()) throw;
    lease.reconnect();  // nothing was written yet: retrying BEGIN is safe
    lease.conn().begin();
  }
  NativeConn& conn = lease.conn();
  try {
    Writer writer(conn);
    work(writer);
    conn.commit();
  } catch (const sdk::StoreError& e) {
    conn.rollback();
    // On a connection found broken (its file replaced, its server gone) any error is a database
    // outage, not a bad statement: the caller answers 503 and the client retries.
    if (!e.unavailable() && !conn.healthy()) throw sdk::StoreError(e.what(), true);
    throw;
  } catch (...) {
    conn.rollback();
    throw;
  }
}

void Database::migrate(const std::string& plugin, const std::vector<sdk::Migration>& migrations) {
  storage::apply_migrations(*this, plugin, migrations);
}

bool Database::ping() const {
  try {
    bool ok = false;
    query("SELECT 1", {}, [&](const sdk::Row& r) { ok = r.int64(0) == 1; });
    return ok;
  } catch (const std::exception&) {
    return false;
  }
}

void Database::add_purge_table(const std::string& table, const std::string& ts_column) {
  if (!is_identifier(table) || !is_identifier(ts_column))
    throw std::invalid_argument("purge table and column must be plain identifiers");
  std::lock_guard<std::mutex> lock(impl_->purge_mutex);
  auto entry = std::make_pair(table, ts_column);
  for (const auto& existing : impl_->purge_tables)
    if (existing == entry) return;  // a reloaded plugin registers again
  impl_->purge_tables.push_back(std::move(entry));
}

std::int64_t Database::purge_events_before(std::int64_t cutoff_ms) {
  std::vector<std::pair<std::string, std::string>> tables;
  {
    std::lock_guard<std::mutex> lock(impl_->purge_mutex);
    tables = impl_->purge_tables;
  }
  // Deleting in chunks keeps each write transaction short so ingestion is not blocked for long.
  constexpr int kChunk = 5000;
  const bool sqlite = dialect() == sdk::Dialect::SQLite;
  auto purge = [&](const std::string& table, const std::string& col) {
    const std::string key = sqlite ? "rowid" : "ctid";
    const std::string sql = "DELETE FROM " + table + " WHERE " + key + " IN (SELECT " + key +
                            " FROM " + table + " WHERE " + col + " < ? LIMIT " +
                            std::to_string(kChunk) + ")";
    std::int64_t total = 0;
    for (;;) {
      std::int64_t n = 0;
      write([&](sdk::SqlWriter& w) { n = w.execute(sql, {sdk::Value(cutoff_ms)}); });
      total += n;
      if (n < kChunk) break;
    }
    return total;
  };
  // Plugin tables are smaller and may have no rowid (SQLite WITHOUT ROWID): one plain DELETE.
  // A plugin table that is gone (plugin removed) must not stop the purge of events.
  for (const auto& [table, col] : tables) {
    try {
      // Init-captures: clang before 16 cannot capture a structured binding by name.
      write([&table = table, &col = col, cutoff_ms](sdk::SqlWriter& w) {
        w.execute("DELETE FROM " + table + " WHERE " + col + " < ?", {sdk::Value(cutoff_ms)});
      });
    } catch (const sdk::StoreError&) {
    }
  }
  return purge("events", "ts");
}

}  // namespace zaplify::core
