#pragma once
// Test-only sdk::Store and SqlWriter over an in-memory SQLite database with the host's events
// table (schema from store.h), so the plugin's real SQL runs without the server.
#include <sqlite3.h>

#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "scoring.h"
#include "zaplify/sdk/events.h"
#include "zaplify/sdk/store.h"

namespace zaplify::conversation::testing {

class SqliteRow final : public sdk::Row {
 public:
  explicit SqliteRow(sqlite3_stmt* st) : st_(st) {}
  std::size_t size() const override { return static_cast<std::size_t>(sqlite3_column_count(st_)); }
  bool is_null(std::size_t i) const override { return sqlite3_column_type(st_, static_cast<int>(i)) == SQLITE_NULL; }
  std::int64_t int64(std::size_t i) const override { return sqlite3_column_int64(st_, static_cast<int>(i)); }
  double number(std::size_t i) const override { return sqlite3_column_double(st_, static_cast<int>(i)); }
  std::string_view text(std::size_t i) const override {
    auto p = sqlite3_column_text(st_, static_cast<int>(i));
    return p ? std::string_view(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(st_, static_cast<int>(i)))) : std::string_view();
  }
  sdk::Value value(std::size_t i) const override {
    switch (sqlite3_column_type(st_, static_cast<int>(i))) {
      case SQLITE_NULL: return {};
      case SQLITE_INTEGER: return int64(i);
      case SQLITE_FLOAT: return number(i);
      default: return std::string(text(i));
    }
  }

 private:
  sqlite3_stmt* st_;
};

class SqliteStore final : public sdk::Store, public sdk::SqlWriter {
 public:
  SqliteStore() {
    if (sqlite3_open(":memory:", &db_) != SQLITE_OK) throw std::runtime_error("sqlite open");
    exec_script(
        "CREATE TABLE events (tenant_id TEXT, id TEXT, type TEXT, ts BIGINT, lead_id TEXT,"
        " conversation_id TEXT, assistant_id TEXT, channel TEXT, sender TEXT, text TEXT,"
        " response_time_ms DOUBLE PRECISION, tokens BIGINT, outcome TEXT, funnel_id TEXT, stage TEXT,"
        " name TEXT, stages TEXT, source TEXT, PRIMARY KEY (tenant_id, id));"
        "CREATE INDEX ev_type ON events (tenant_id, type, ts);"
        "CREATE INDEX ev_conv ON events (tenant_id, conversation_id, ts);");
    for (const auto& m : scoring_migrations()) exec_script(m.sql);
  }
  ~SqliteStore() override {
    for (auto& [sql, st] : cache_) sqlite3_finalize(st);
    sqlite3_close(db_);
  }

  void exec_script(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string m = err ? err : "?";
      sqlite3_free(err);
      throw std::runtime_error(m);
    }
  }

  sdk::Dialect dialect() const override { return sdk::Dialect::SQLite; }

  void query(std::string_view sql, const std::vector<sdk::Value>& params,
             const sdk::RowCallback& on_row) const override {
    // Statements are cached by text, as the host does (a statement already running, i.e. a query
    // from inside another's row callback, gets a private one).
    sqlite3_stmt* st = nullptr;
    auto it = cache_.find(std::string(sql));
    const bool cached = it != cache_.end() && !sqlite3_stmt_busy(it->second);
    if (cached) {
      st = it->second;
    } else {
      if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st, nullptr) != SQLITE_OK)
        throw sdk::StoreError(sqlite3_errmsg(db_), false);
    }
    const bool keep = cached || (it == cache_.end() && cache_.size() < 512);
    if (!cached && keep) cache_.emplace(std::string(sql), st);
    for (std::size_t i = 0; i < params.size(); ++i) bind(st, static_cast<int>(i + 1), params[i]);
    SqliteRow row(st);
    int rc;
    try {
      while ((rc = sqlite3_step(st)) == SQLITE_ROW) on_row(row);
    } catch (...) {
      keep ? (void)sqlite3_reset(st) : (void)sqlite3_finalize(st);
      throw;
    }
    std::string err = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db_);
    keep ? (void)sqlite3_reset(st) : (void)sqlite3_finalize(st);
    if (rc != SQLITE_DONE) throw sdk::StoreError(err, false);
  }
  void query(std::string_view sql, const std::vector<sdk::Value>& params,
             const sdk::RowCallback& on_row) override {
    static_cast<const SqliteStore*>(this)->query(sql, params, on_row);
  }
  std::int64_t execute(std::string_view sql, const std::vector<sdk::Value>& params) override {
    query(sql, params, [](const sdk::Row&) {});
    return sqlite3_changes(db_);
  }
  void insert_rows(const std::string& table, const std::vector<std::string>& columns,
                   const std::vector<std::vector<sdk::Value>>& rows) override {
    std::string sql = "INSERT INTO " + table + " (";
    for (std::size_t i = 0; i < columns.size(); ++i) sql += (i ? "," : "") + columns[i];
    sql += ") VALUES (";
    for (std::size_t i = 0; i < columns.size(); ++i) sql += i ? ",?" : "?";
    sql += ") ON CONFLICT DO NOTHING";
    const bool outer = sqlite3_get_autocommit(db_) != 0;
    if (outer) exec_script("BEGIN");
    for (const auto& r : rows) execute(sql, r);
    if (outer) exec_script("COMMIT");
  }

  /// Stores events like the host's ingestion (one transaction, duplicates of stored ids dropped)
  /// and runs the ingest hook on the newly stored ones, as the host does.
  void ingest(const std::vector<sdk::Event>& events, const SentimentAnalyzer& analyzer) {
    ingest_with(events, analyzer);
  }
  /// The same, each tenant's lead messages scored with that tenant's analyser.
  void ingest(const std::vector<sdk::Event>& events, const SentimentAnalyzers& analyzers) {
    ingest_with(events, analyzers);
  }

 private:
  template <class Analyzers>
  void ingest_with(const std::vector<sdk::Event>& events, const Analyzers& analyzer) {
    auto opt = [](const std::string& s) { return s.empty() ? sdk::Value{} : sdk::Value{s}; };
    const std::string sql =
        "INSERT INTO events (tenant_id, id, type, ts, lead_id, conversation_id, assistant_id, channel,"
        " sender, text, outcome) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING";
    std::vector<sdk::Event> fresh;
    exec_script("BEGIN");
    for (const auto& e : events) {
      const std::int64_t n = execute(sql, {e.tenant_id, e.id, e.type, e.ts_ms, opt(e.lead_id), opt(e.conversation_id),
                                           opt(e.assistant_id), opt(e.channel), opt(e.sender),
                                           e.type == "message" ? sdk::Value{e.text} : sdk::Value{}, opt(e.outcome)});
      if (n > 0) fresh.push_back(e);
    }
    sdk::IngestBatch batch{events.empty() ? "" : events.front().tenant_id, &fresh};
    score_batch(analyzer, batch, *this);
    exec_script("COMMIT");
  }

  static void bind(sqlite3_stmt* st, int i, const sdk::Value& v) {
    if (std::holds_alternative<std::monostate>(v)) sqlite3_bind_null(st, i);
    else if (auto p = std::get_if<std::int64_t>(&v)) sqlite3_bind_int64(st, i, *p);
    else if (auto d = std::get_if<double>(&v)) sqlite3_bind_double(st, i, *d);
    else {
      const auto& s = std::get<std::string>(v);
      sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    }
  }
  sqlite3* db_ = nullptr;
  mutable std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

/// Builders for hand-made events.
inline sdk::Event started(std::string id, std::string conv, std::int64_t ts, std::string channel = "whatsapp",
                          std::string lead = "l1", std::string assistant = "a1", std::string tenant = "t1") {
  sdk::Event e;
  e.id = std::move(id); e.type = "conversation_started"; e.tenant_id = std::move(tenant); e.ts_ms = ts;
  e.conversation_id = std::move(conv); e.channel = std::move(channel); e.lead_id = std::move(lead);
  e.assistant_id = std::move(assistant);
  return e;
}
inline sdk::Event message(std::string id, std::string conv, std::int64_t ts, std::string sender,
                          std::string text, std::string tenant = "t1") {
  sdk::Event e;
  e.id = std::move(id); e.type = "message"; e.tenant_id = std::move(tenant); e.ts_ms = ts;
  e.conversation_id = std::move(conv); e.sender = std::move(sender); e.text = std::move(text);
  return e;
}
inline sdk::Event ended(std::string id, std::string conv, std::int64_t ts, std::string outcome,
                        std::string tenant = "t1") {
  sdk::Event e;
  e.id = std::move(id); e.type = "conversation_ended"; e.tenant_id = std::move(tenant); e.ts_ms = ts;
  e.conversation_id = std::move(conv); e.outcome = std::move(outcome);
  return e;
}

}  // namespace zaplify::conversation::testing
