#include <gtest/gtest.h>

#include "storage/database.h"
#include "storage/database_url.h"
#include "storage/native_conn.h"

namespace zaplify::core::storage {
namespace {

TEST(DatabaseUrl, SqliteRelativeAndAbsolute) {
  EXPECT_EQ(parse_database_url("sqlite3://data/a.db").sqlite_path, "data/a.db");
  EXPECT_EQ(parse_database_url("sqlite3:///var/lib/z/a.db").sqlite_path, "/var/lib/z/a.db");
  EXPECT_EQ(parse_database_url("sqlite3://x.db").dialect, sdk::Dialect::SQLite);
  EXPECT_THROW(parse_database_url("sqlite3://"), std::invalid_argument);
  EXPECT_THROW(parse_database_url("mysql://u:p@h/db"), std::invalid_argument);
}

TEST(DatabaseUrl, PostgresToConninfo) {
  auto u = parse_database_url(
      "postgresql://alice:s3cr%40t@db.example.com:6543/analytics?sslmode=require");
  EXPECT_EQ(u.dialect, sdk::Dialect::PostgreSQL);
  EXPECT_EQ(u.pg_conninfo,
            "host='db.example.com' port='6543' dbname='analytics' user='alice' password='s3cr@t' "
            "sslmode='require' connect_timeout='5'");
  auto v = parse_database_url("postgres://bob@localhost/db?connect_timeout=2");
  EXPECT_EQ(v.pg_conninfo, "host='localhost' dbname='db' user='bob' connect_timeout='2'");
  // Quotes and backslashes in a password are escaped for libpq.
  auto w = parse_database_url("postgresql://u:it's%5Cx@h/d");
  EXPECT_NE(w.pg_conninfo.find("password='it\\'s\\\\x'"), std::string::npos);
  EXPECT_THROW(parse_database_url("postgresql://u:p@h:port/d"), std::invalid_argument);
}

TEST(DatabaseUrl, RedactNeverShowsPassword) {
  EXPECT_EQ(Database::redact("postgresql://alice:hunter2@h:5432/db"),
            "postgresql://alice:***@h:5432/db");
  EXPECT_EQ(Database::redact("postgres://alice@h/db"), "postgres://alice@h/db");
  EXPECT_EQ(Database::redact("sqlite3://data/a.db"), "sqlite3://data/a.db");
  EXPECT_EQ(Database::redact("postgresql://a:p@ss@h/db").find("p@ss"), std::string::npos);
  try {
    parse_database_url("oracle://u:topsecret@h/db");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).find("topsecret"), std::string::npos);
  }
}

TEST(DatabaseUrl, UnreachablePostgresErrorHasNoPassword) {
  try {
    Database db(DatabaseSettings{"postgresql://u:topsecret@127.0.0.1:1/db?connect_timeout=1", 1});
    FAIL() << "connected to port 1?";
  } catch (const std::runtime_error& e) {
    std::string what = e.what();
    EXPECT_EQ(what.find("topsecret"), std::string::npos) << what;
    EXPECT_NE(what.find("***"), std::string::npos) << what;
  }
}

TEST(PgPlaceholders, RewritesOutsideLiterals) {
  int n = 0;
  EXPECT_EQ(to_pg_placeholders("SELECT a FROM t WHERE x = ? AND y = ?", n),
            "SELECT a FROM t WHERE x = $1 AND y = $2");
  EXPECT_EQ(n, 2);
  EXPECT_EQ(to_pg_placeholders("SELECT '?', 'it''s ?', \"q?\" FROM t WHERE a = ?", n),
            "SELECT '?', 'it''s ?', \"q?\" FROM t WHERE a = $1");
  EXPECT_EQ(n, 1);
  EXPECT_EQ(to_pg_placeholders("SELECT E'\\'?' , ? -- ?\n, /* ? */ ?", n),
            "SELECT E'\\'?' , $1 -- ?\n, /* ? */ $2");
  EXPECT_EQ(n, 2);
}

TEST(PgArrays, ElementsAreQuotedAndEscaped) {
  std::string out;
  append_pg_array_text(out, "a\"b\\c,{}", false);
  out += ',';
  append_pg_array_text(out, "", true);
  EXPECT_EQ(out, "\"a\\\"b\\\\c,{}\",NULL");
}

}  // namespace
}  // namespace zaplify::core::storage
