#pragma once
// Test helpers: a temporary SQLite file, or a fresh PostgreSQL database on the server named by
// ZAPLIFY_TEST_PG_URL (created per test, dropped afterwards).

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "storage/database.h"
#include "zaplify/sdk/events.h"

namespace zaplify::core::testing {

class TempDatabase {
 public:
  /// dialect "sqlite" or "postgresql"; for PostgreSQL, check available() first.
  explicit TempDatabase(const std::string& dialect, int pool_size = 4) : dialect_(dialect) {
    static std::atomic<int> counter{0};
    const std::string tag = std::to_string(::getpid()) + "_" + std::to_string(counter++);
    if (dialect == "sqlite") {
      dir_ = std::filesystem::temp_directory_path() / ("zaplify_storage_test_" + tag);
      std::filesystem::remove_all(dir_);
      url_ = "sqlite3://" + (dir_ / "sub" / "events.db").string();
    } else {
      const std::string base = pg_base();
      db_name_ = "zaplify_t_" + tag;
      admin("DROP DATABASE IF EXISTS " + db_name_);
      admin("CREATE DATABASE " + db_name_);
      auto q = base.find('?');
      std::string head = base.substr(0, q), tail = q == std::string::npos ? "" : base.substr(q);
      auto slash = head.find('/', head.find("://") + 3);
      url_ = (slash == std::string::npos ? head : head.substr(0, slash)) + "/" + db_name_ + tail;
    }
    db_ = std::make_unique<Database>(DatabaseSettings{url_, pool_size});
  }
  ~TempDatabase() {
    db_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!db_name_.empty()) admin("DROP DATABASE IF EXISTS " + db_name_ + " WITH (FORCE)");
  }
  Database& db() { return *db_; }
  const std::string& url() const { return url_; }
  /// Closes and reopens the Database on the same storage.
  void reopen() {
    db_.reset();
    db_ = std::make_unique<Database>(DatabaseSettings{url_, 4});
  }

  static bool pg_available() { return std::getenv("ZAPLIFY_TEST_PG_URL") != nullptr; }
  static std::string pg_base() {
    const char* v = std::getenv("ZAPLIFY_TEST_PG_URL");
    return v ? v : "";
  }
  /// Runs one statement on the server's maintenance connection (ZAPLIFY_TEST_PG_URL itself).
  static void admin(const std::string& sql) {
    PGconn* c = PQconnectdb(pg_base().c_str());
    if (PQstatus(c) == CONNECTION_OK) PQclear(PQexec(c, sql.c_str()));
    PQfinish(c);
  }

 private:
  std::string dialect_;
  std::filesystem::path dir_;
  std::string db_name_;
  std::string url_;
  std::unique_ptr<Database> db_;
};

/// A lead_created event (kept out of line in tests: g++ 12 reports false -Wrestrict errors when
/// string assignments are inlined into loops, GCC bug 105651).
[[gnu::noinline]] inline sdk::Event sample_event(const std::string& tenant, const std::string& id,
                                                 std::int64_t ts) {
  sdk::Event e;
  e.tenant_id = tenant;
  e.id = id;
  e.type = "lead_created";
  e.lead_id = "lead";
  e.ts_ms = ts;
  return e;
}

/// Parameter name for TEST_P suites over both backends.
inline std::string backend_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

#define ZAPLIFY_SKIP_WITHOUT_BACKEND(dialect)                                               \
  if ((dialect) == "postgresql" && !::zaplify::core::testing::TempDatabase::pg_available()) \
  GTEST_SKIP() << "ZAPLIFY_TEST_PG_URL is not set"

}  // namespace zaplify::core::testing
