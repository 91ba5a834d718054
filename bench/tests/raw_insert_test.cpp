// raw-insert: rows as the server stores them, COPY text escaping, and both tables round-tripping
// tabs, newlines, backslashes and NULLs.
#include "raw_insert.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "server_launcher.h"

namespace zaplify::bench {
namespace {

using json = nlohmann::json;

// Every byte that COPY's text format treats specially, plus a literal "\N" that must stay text.
const std::string kTricky = "tab\there\nnew line\r\\back\\slash \\N end";

EventRow tricky_row(const std::string& id) {
  EventRow r;
  r.tenant_id = "t";
  r.id = id;
  r.type = "message";
  r.ts_ms = 1'700'000'000'123;
  r.conversation_id = "c\t1";
  r.sender = "lead";
  r.text = kTricky;
  r.response_time_ms = 1234.5;
  r.tokens = 42;
  return r;
}

TEST(RawRows, CopyFieldEscaping) {
  std::string out;
  append_copy_field(out, std::nullopt);
  EXPECT_EQ(out, "\\N");
  out.clear();
  append_copy_field(out, kTricky);
  EXPECT_EQ(out, "tab\\there\\nnew line\\r\\\\back\\\\slash \\\\N end");
  out.clear();
  append_copy_field(out, std::string());
  EXPECT_EQ(out, "");  // an empty string, not NULL (row_from_event never makes one)
}

TEST(RawRows, CopyRowHasEighteenFields) {
  std::string out;
  append_copy_row(out, tricky_row("e1"));
  EXPECT_EQ(out,
            "t\te1\tmessage\t1700000000123\t\\N\tc\\t1\t\\N\t\\N\tlead\t"
            "tab\\there\\nnew line\\r\\\\back\\\\slash \\\\N end\t1234.5\t42\t"
            "\\N\t\\N\t\\N\t\\N\t\\N\t\\N\n");
  EXPECT_EQ(std::count(out.begin(), out.end(), '\t'), kRawColumnCount - 1);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1);
}

TEST(RawRows, FromEventsAsTheServerStoresThem) {
  auto rows =
      rows_from_body(json({{"events", json::array({{{"id", "e1"},
                                                    {"tenant_id", "t"},
                                                    {"type", "conversation_started"},
                                                    {"timestamp", "2026-11-20T14:03:00.250Z"},
                                                    {"conversation_id", "c1"},
                                                    {"lead_id", "l1"},
                                                    {"assistant_id", nullptr}},
                                                   {{"id", "e2"},
                                                    {"tenant_id", "t"},
                                                    {"type", "funnel_defined"},
                                                    {"timestamp", "2026-11-20T14:03:00Z"},
                                                    {"funnel_id", "sales"},
                                                    {"name", "Sales"},
                                                    {"stages", {"lead", "won"}}},
                                                   {{"id", "e3"},
                                                    {"tenant_id", "t"},
                                                    {"type", "message"},
                                                    {"timestamp", "2026-11-20T14:03:01Z"},
                                                    {"conversation_id", "c1"},
                                                    {"sender", "assistant"},
                                                    {"text", "hi"},
                                                    {"response_time_ms", 812.5},
                                                    {"tokens", 30}}})}})
                         .dump());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].ts_ms, parse_rfc3339_ms("2026-11-20T14:03:00.250Z"));
  EXPECT_EQ(rows[0].channel, "whatsapp");         // the server's default
  EXPECT_EQ(rows[0].assistant_id, std::nullopt);  // JSON null: NULL
  EXPECT_EQ(rows[0].text, std::nullopt);
  EXPECT_EQ(rows[1].stages, R"(["lead","won"])");
  EXPECT_EQ(rows[1].channel, std::nullopt);
  EXPECT_EQ(rows[2].response_time_ms, 812.5);
  EXPECT_EQ(rows[2].tokens, 30);
  EXPECT_EQ(rows[2].stages, std::nullopt);
  EXPECT_THROW(
      row_from_event(
          {{"tenant_id", "t"}, {"type", "message"}, {"timestamp", "2026-11-20T14:03:01Z"}}),
      std::invalid_argument);
  EXPECT_THROW(
      row_from_event({{"id", "e"}, {"tenant_id", "t"}, {"type", "message"}, {"timestamp", "noon"}}),
      std::invalid_argument);
}

TEST(RawRows, Statements) {
  EXPECT_EQ(raw_insert_sql("x"),
            std::string("INSERT INTO x (") + kRawColumns +
                ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING");
  EXPECT_NE(raw_schema_sql("x").find("PRIMARY KEY (tenant_id, id)"), std::string::npos);
  EXPECT_NE(raw_schema_sql("x").find("ON x (tenant_id, type, ts)"), std::string::npos);
  EXPECT_EQ(raw_copy_sql("x"), std::string("COPY x (") + kRawColumns + ") FROM STDIN");
}

std::optional<std::string> column_text(sqlite3_stmt* st, int i) {
  if (sqlite3_column_type(st, i) == SQLITE_NULL) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, i)),
                     static_cast<std::size_t>(sqlite3_column_bytes(st, i)));
}

TEST(RawInsertSqlite, RoundTripsAndSkipsDuplicates) {
  auto dir = std::filesystem::temp_directory_path() / ("zbench-raw-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string file = (dir / "raw.db").string();
  {
    SqliteRawTable table(file, 0);
    EXPECT_EQ(table.insert({tricky_row("e1"), tricky_row("e2")}), 2u);
    EXPECT_EQ(table.insert({tricky_row("e2"), tricky_row("e3")}), 1u);  // ON CONFLICT DO NOTHING
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT text, conversation_id, lead_id, tokens, response_time_ms,"
                               " (SELECT count(*) FROM raw_events) FROM raw_events WHERE id = 'e3'",
                               -1, &st, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(column_text(st, 0), kTricky);
  EXPECT_EQ(column_text(st, 1), "c\t1");
  EXPECT_EQ(column_text(st, 2), std::nullopt);
  EXPECT_EQ(sqlite3_column_int64(st, 3), 42);
  EXPECT_DOUBLE_EQ(sqlite3_column_double(st, 4), 1234.5);
  EXPECT_EQ(sqlite3_column_int64(st, 5), 3);
  sqlite3_finalize(st);
  sqlite3_close(db);
  std::filesystem::remove_all(dir);
}

TEST(RawInsertPostgres, CopyRoundTrips) {
  const char* server = std::getenv("ZAPLIFY_TEST_PG_URL");
  if (!server || !*server) GTEST_SKIP() << "ZAPLIFY_TEST_PG_URL not set";
  std::string name = "zbench_rawtest_" + std::to_string(::getpid());
  std::string url = create_postgres_database(server, name);
  {
    PgRawTable table(url);
    std::string copy;
    append_copy_row(copy, tricky_row("e1"));
    append_copy_row(copy, tricky_row("e2"));
    EXPECT_EQ(table.copy(copy), 2u);
  }
  PGconn* c = PQconnectdb(url.c_str());
  PGresult* r = PQexec(c,
                       "SELECT text, conversation_id, lead_id IS NULL, tokens, response_time_ms"
                       " FROM raw_events ORDER BY id");
  ASSERT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQerrorMessage(c);
  ASSERT_EQ(PQntuples(r), 2);
  EXPECT_EQ(std::string(PQgetvalue(r, 0, 0)), kTricky);
  EXPECT_EQ(std::string(PQgetvalue(r, 0, 1)), "c\t1");
  EXPECT_EQ(std::string(PQgetvalue(r, 0, 2)), "t");
  EXPECT_EQ(std::string(PQgetvalue(r, 0, 3)), "42");
  EXPECT_EQ(std::string(PQgetvalue(r, 0, 4)), "1234.5");
  PQclear(r);
  PQfinish(c);
  drop_postgres_database(server, name);
}

TEST(BatchTimes, RatesOverTheTimedBatchesOnly) {
  BatchTimes t;
  for (int i = 0; i < 8; ++i) t.add(i < 4 ? 100 : 400, 1000);  // 10k rows/s, then 2.5k rows/s
  ScenarioResult r = t.result("raw-insert", "sqlite");
  EXPECT_EQ(r.unit, "rows/s");
  EXPECT_EQ(r.requests, 8u);
  EXPECT_DOUBLE_EQ(r.throughput, 8000 / 2.0);
  EXPECT_DOUBLE_EQ(r.median_ms, 250);
  EXPECT_NE(r.note.find("first quarter of batches 10000 rows/s, last quarter 2500 rows/s"),
            std::string::npos)
      << r.note;
}

}  // namespace
}  // namespace zaplify::bench
