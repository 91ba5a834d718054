#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "storage/core_writer.h"
#include "storage/migrations.h"
#include "storage/tests/test_db.h"

namespace zaplify::core {
namespace {

using testing::TempDatabase;

class DatabaseTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ZAPLIFY_SKIP_WITHOUT_BACKEND(GetParam());
    tmp_ = std::make_unique<TempDatabase>(GetParam());
  }
  Database& db() { return tmp_->db(); }
  std::vector<std::vector<sdk::Value>> rows(const std::string& sql,
                                            std::vector<sdk::Value> params = {}) {
    std::vector<std::vector<sdk::Value>> out;
    db().query(sql, params, [&](const sdk::Row& r) {
      std::vector<sdk::Value> row;
      for (std::size_t i = 0; i < r.size(); ++i) row.push_back(r.value(i));
      out.push_back(std::move(row));
    });
    return out;
  }
  std::unique_ptr<TempDatabase> tmp_;
};

TEST_P(DatabaseTest, CoreMigrationCreatesEventsTableAndIsRecordedOnce) {
  auto applied = rows("SELECT plugin, version FROM schema_migrations ORDER BY plugin, version");
  const auto expected = static_cast<std::int64_t>(storage::core_migrations().size());
  ASSERT_EQ(applied.size(), static_cast<std::size_t>(expected));
  ASSERT_GE(expected, 8);  // 7: events.properties; 8: lead and conversation starts
  for (std::size_t i = 0; i < applied.size(); ++i) {
    EXPECT_EQ(std::get<std::string>(applied[i][0]), "core");
    EXPECT_EQ(std::get<std::int64_t>(applied[i][1]), static_cast<std::int64_t>(i + 1));
  }
  tmp_->reopen();  // a second start applies nothing twice
  EXPECT_EQ(rows("SELECT COUNT(*) FROM schema_migrations").at(0).at(0), sdk::Value(expected));
  EXPECT_EQ(db().backend_name(), GetParam() == "sqlite" ? "sqlite" : "postgresql");
  EXPECT_TRUE(db().ping());
}

TEST_P(DatabaseTest, EventsIndexesExist) {
  std::set<std::string> names;
  const std::string sql =
      GetParam() == "sqlite"
          ? "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'"
          : "SELECT indexname FROM pg_indexes WHERE tablename = 'events'";
  db().query(sql, {}, [&](const sdk::Row& r) { names.insert(std::string(r.text(0))); });
  EXPECT_TRUE(names.count("events_tenant_type_ts"));
  EXPECT_TRUE(names.count("events_tenant_conversation_ts_p"));
  EXPECT_TRUE(names.count("events_stage_changes"));  // behind the host's stage_events
  EXPECT_TRUE(names.count("events_stage_names"));
  EXPECT_TRUE(names.count("events_lead_created"));             // behind lead_created_events
  EXPECT_TRUE(names.count("events_conversation_starts"));      // behind conversation_starts
  EXPECT_FALSE(names.count("events_tenant_conversation_ts"));  // replaced by the partial ones
  EXPECT_FALSE(names.count("events_tenant_funnel_ts"));
  EXPECT_FALSE(names.count("events_tenant_funnel_ts_p"));  // replaced by events_stage_changes
}

TEST_P(DatabaseTest, PartialIndexesServeIdQueries) {
  if (GetParam() != "sqlite") GTEST_SKIP() << "plan text checked on SQLite";
  std::string plan;
  db().query(
      "EXPLAIN QUERY PLAN SELECT ts FROM events WHERE tenant_id = ? AND conversation_id = ? ORDER "
      "BY ts",
      {sdk::Value("t"), sdk::Value("c")},
      [&](const sdk::Row& r) { plan += std::string(r.text(3)); });
  EXPECT_NE(plan.find("events_tenant_conversation_ts_p"), std::string::npos) << plan;
}

TEST_P(DatabaseTest, StageEventsRelationHoldsStageChangesInScanOrder) {
  db().write([](sdk::SqlWriter& w) {
    const char* sql =
        "INSERT INTO events (tenant_id, id, type, ts, lead_id, funnel_id, stage) VALUES (?, ?, ?, "
        "?, ?, ?, ?)";
    auto add = [&](const char* id, const char* type, std::int64_t ts, sdk::Value lead,
                   sdk::Value funnel, sdk::Value stage) {
      w.execute(sql, {sdk::Value("t"), sdk::Value(id), sdk::Value(type), sdk::Value(ts), lead,
                      funnel, stage});
    };
    add("b", "stage_changed", 10, sdk::Value("L1"), sdk::Value("f"), sdk::Value("won"));
    add("a", "stage_changed", 10, sdk::Value(), sdk::Value("f"),
        sdk::Value());  // same ts: id order
    add("B", "stage_changed", 5, sdk::Value("L2"), sdk::Value("f"), sdk::Value("new"));
    add("c", "stage_changed", 7, sdk::Value("L3"), sdk::Value(), sdk::Value("new"));  // no funnel
    add("d", "funnel_defined", 1, sdk::Value(), sdk::Value("f"), sdk::Value());
  });
  const std::string scan =
      "SELECT event_id, lead_id, stage FROM stage_events WHERE tenant_id = ? AND funnel_id = ? AND "
      "ts >= ? AND ts < ? ORDER BY ts, event_id";
  const std::vector<sdk::Value> params{sdk::Value("t"), sdk::Value("f"),
                                       sdk::Value(std::int64_t{0}), sdk::Value(std::int64_t{100})};
  auto r = rows(scan, params);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0], (std::vector<sdk::Value>{sdk::Value("B"), sdk::Value("L2"), sdk::Value("new")}));
  EXPECT_EQ(r[1], (std::vector<sdk::Value>{sdk::Value("a"), sdk::Value(),
                                           sdk::Value()}));  // byte order: 'a' < 'b'
  EXPECT_EQ(r[2], (std::vector<sdk::Value>{sdk::Value("b"), sdk::Value("L1"), sdk::Value("won")}));
  std::string plan;
  db().query((GetParam() == "sqlite" ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + scan, params,
             [&](const sdk::Row& row) {
               plan += std::string(row.text(GetParam() == "sqlite" ? 3 : 0)) + "\n";
             });
  EXPECT_NE(plan.find("events_stage_changes"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("Sort"), std::string::npos) << plan;         // PostgreSQL: no sort
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;  // SQLite: no sort
  if (GetParam() == "sqlite") EXPECT_NE(plan.find("COVERING INDEX"), std::string::npos) << plan;
  // One stage's changes: the by-stage index, not a scan of the funnel's other stages.
  const std::string one_stage =
      "SELECT ts, lead_id FROM stage_events WHERE tenant_id = ? AND funnel_id = ? AND stage = ? "
      "AND ts >= ? AND ts < ?";
  const std::vector<sdk::Value> stage_params{sdk::Value("t"), sdk::Value("f"), sdk::Value("won"),
                                             sdk::Value(std::int64_t{0}),
                                             sdk::Value(std::int64_t{100})};
  auto won = rows(one_stage, stage_params);
  ASSERT_EQ(won.size(), 1u);
  EXPECT_EQ(won[0][1], sdk::Value("L1"));
  plan.clear();
  db().query((GetParam() == "sqlite" ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + one_stage,
             stage_params, [&](const sdk::Row& row) {
               plan += std::string(row.text(GetParam() == "sqlite" ? 3 : 0)) + "\n";
             });
  EXPECT_NE(plan.find("events_stage_names"), std::string::npos) << plan;
}

TEST_P(DatabaseTest, LeadAndConversationStartRelationsAreIndexOnly) {
  db().write([](sdk::SqlWriter& w) {
    const char* sql =
        "INSERT INTO events (tenant_id, id, type, ts, lead_id, conversation_id, assistant_id, "
        "channel, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    auto add = [&](const char* id, const char* type, std::int64_t ts, const char* lead,
                   sdk::Value conv, sdk::Value assistant, sdk::Value channel, sdk::Value source) {
      w.execute(sql, {sdk::Value("t"), sdk::Value(id), sdk::Value(type), sdk::Value(ts),
                      sdk::Value(lead), conv, assistant, channel, source});
    };
    add("l2", "lead_created", 20, "L1", {}, {}, {}, sdk::Value("ads"));
    add("l1", "lead_created", 10, "L1", {}, {}, {}, {});
    add("c1", "conversation_started", 5, "L1", sdk::Value("C1"), sdk::Value("bot"), {}, {});
    add("c2", "conversation_started", 5, "L2", sdk::Value("C2"), {}, sdk::Value("sms"), {});
    add("m1", "message", 6, "L1", sdk::Value("C1"), {}, {}, {});  // not a start
  });
  auto leads = rows(
      "SELECT lead_id, ts, event_id, source FROM lead_created_events WHERE tenant_id = ? "
      "ORDER BY lead_id, ts, event_id",
      {sdk::Value("t")});
  ASSERT_EQ(leads.size(), 2u);
  EXPECT_EQ(leads[0], (std::vector<sdk::Value>{sdk::Value("L1"), sdk::Value(std::int64_t{10}),
                                               sdk::Value("l1"), sdk::Value()}));
  EXPECT_EQ(leads[1][3], sdk::Value("ads"));
  auto starts = rows(
      "SELECT conversation_id, lead_id, assistant_id, channel FROM conversation_starts "
      "WHERE tenant_id = ? ORDER BY lead_id, ts, event_id",
      {sdk::Value("t")});
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(starts[0], (std::vector<sdk::Value>{sdk::Value("C1"), sdk::Value("L1"),
                                                sdk::Value("bot"), sdk::Value()}));
  EXPECT_EQ(starts[1], (std::vector<sdk::Value>{sdk::Value("C2"), sdk::Value("L2"), sdk::Value(),
                                                sdk::Value("sms")}));
  if (GetParam() != "sqlite") return;  // plan text checked on SQLite
  for (const auto& [relation, index] :
       {std::pair{"lead_created_events", "events_lead_created"},
        std::pair{"conversation_starts", "events_conversation_starts"}}) {
    std::string plan;
    db().query(std::string("EXPLAIN QUERY PLAN SELECT * FROM ") + relation +
                   " WHERE tenant_id = ? ORDER BY lead_id, ts, event_id",
               {sdk::Value("t")},
               [&](const sdk::Row& r) { plan += std::string(r.text(3)) + "\n"; });
    EXPECT_NE(plan.find(std::string("COVERING INDEX ") + index), std::string::npos) << plan;
    EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
  }
}

TEST_P(DatabaseTest, QueryRoundTripsTypesNullsAndPlaceholders) {
  db().migrate(
      "p",
      {{1, "t", "CREATE TABLE p_t (tenant_id TEXT, k BIGINT, d DOUBLE PRECISION, s TEXT)", ""}});
  db().write([](sdk::SqlWriter& w) {
    w.insert_rows("p_t", {"tenant_id", "k", "d", "s"},
                  {{sdk::Value("a"), sdk::Value(std::int64_t{5000000000}), sdk::Value(2.5),
                    sdk::Value("x?'y")},
                   {sdk::Value("a"), sdk::Value(std::int64_t{-3}), sdk::Value(), sdk::Value()}});
  });
  auto r = rows("SELECT k, d, s, '?' AS q FROM p_t WHERE tenant_id = ? AND k > ? ORDER BY k",
                {sdk::Value("a"), sdk::Value(std::int64_t{-10})});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0][0], sdk::Value(std::int64_t{-3}));
  EXPECT_TRUE(sdk::is_null(r[0][1]));
  EXPECT_TRUE(sdk::is_null(r[0][2]));
  EXPECT_EQ(r[1][0], sdk::Value(std::int64_t{5000000000}));
  EXPECT_EQ(r[1][1], sdk::Value(2.5));
  EXPECT_EQ(r[1][2], sdk::Value(std::string("x?'y")));
  EXPECT_EQ(r[1][3], sdk::Value(std::string("?")));
  // Accessors: NULL reads as 0 / "", numbers as text and back.
  db().query("SELECT d, s, k FROM p_t WHERE k = ?", {sdk::Value(std::int64_t{-3})},
             [](const sdk::Row& row) {
               EXPECT_TRUE(row.is_null(0));
               EXPECT_EQ(row.number(0), 0.0);
               EXPECT_EQ(row.text(1), "");
               EXPECT_EQ(row.int64(2), -3);
               EXPECT_EQ(row.number(2), -3.0);
             });
  EXPECT_THROW(rows("SELECT k FROM p_t WHERE k = ?", {}), sdk::StoreError);
}

TEST_P(DatabaseTest, SqlErrorIsNotUnavailable) {
  try {
    rows("SELECT nope FROM missing_table");
    FAIL();
  } catch (const sdk::StoreError& e) {
    EXPECT_FALSE(e.unavailable());
  }
  EXPECT_TRUE(db().ping());  // the connection is still usable
}

TEST_P(DatabaseTest, WriteRollsBackOnThrow) {
  sdk::Event e = testing::sample_event("t", "e1", 0);
  EXPECT_THROW(db().write([&](sdk::SqlWriter& w) {
    std::vector<char> ins;
    dynamic_cast<CoreWriter&>(w).insert_events({e}, ins);
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(rows("SELECT COUNT(*) FROM events").at(0).at(0), sdk::Value(std::int64_t{0}));
}

TEST_P(DatabaseTest, PluginMigrationsInVersionOrderOnce) {
  std::vector<sdk::Migration> m = {
      {2, "add col", "ALTER TABLE p_m ADD COLUMN b BIGINT", ""},
      {1, "create", "CREATE TABLE p_m (a BIGINT); INSERT INTO p_m (a) VALUES (7)", ""}};
  db().migrate("plug", m);
  db().migrate("plug", m);
  auto r = rows("SELECT a, b FROM p_m");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0][0], sdk::Value(std::int64_t{7}));
  EXPECT_EQ(rows("SELECT COUNT(*) FROM schema_migrations WHERE plugin = 'plug'").at(0).at(0),
            sdk::Value(std::int64_t{2}));
  // A failing step names itself and leaves nothing recorded.
  try {
    db().migrate("bad", {{1, "broken", "CREATE TABLE x (; nonsense", ""}});
    FAIL();
  } catch (const sdk::StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("bad v1 (broken)"), std::string::npos);
  }
  EXPECT_EQ(rows("SELECT COUNT(*) FROM schema_migrations WHERE plugin = 'bad'").at(0).at(0),
            sdk::Value(std::int64_t{0}));
}

TEST_P(DatabaseTest, ConcurrentMigrationsApplyOnce) {
  // Two "server instances" on the same database race to apply the same step.
  TempDatabase& t = *tmp_;
  Database other(DatabaseSettings{t.url(), 2});
  std::vector<sdk::Migration> m = {
      {1, "counter", "CREATE TABLE race (v BIGINT); INSERT INTO race (v) VALUES (1)", ""}};
  std::thread a([&] { db().migrate("race", m); });
  std::thread b([&] { other.migrate("race", m); });
  a.join();
  b.join();
  EXPECT_EQ(rows("SELECT COUNT(*) FROM race").at(0).at(0), sdk::Value(std::int64_t{1}));
}

TEST_P(DatabaseTest, PurgeDeletesOnlyOlderEvents) {
  std::vector<sdk::Event> evs;
  for (int i = 0; i < 12000; ++i)
    evs.push_back(testing::sample_event("t", std::to_string(i), i));  // ts 0..11999
  db().write([&](sdk::SqlWriter& w) {
    std::vector<char> ins;
    dynamic_cast<CoreWriter&>(w).insert_events(evs, ins);
  });
  EXPECT_EQ(db().purge_events_before(10500), 10500);
  auto r = rows("SELECT COUNT(*), MIN(ts) FROM events");
  EXPECT_EQ(r[0][0], sdk::Value(std::int64_t{1500}));
  EXPECT_EQ(r[0][1], sdk::Value(std::int64_t{10500}));
}

TEST_P(DatabaseTest, ConcurrentReadersShareThePool) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        std::int64_t v = 0;
        db().query("SELECT ? + 1", {sdk::Value(std::int64_t{i})},
                   [&](const sdk::Row& r) { v = r.int64(0); });
        if (v == i + 1) ++ok;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 400);
}

// A long stream on a one-connection pool: every row arrives in order with its NULLs, a callback
// that throws mid-stream stops the read with its own exception, and the same connection then
// serves a full read again (the rest of the aborted result must not leak into it).
TEST_P(DatabaseTest, LongStreamNullsAndThrowingCallbackLeaveTheConnectionUsable) {
  TempDatabase one(GetParam(), 1);
  Database& db1 = one.db();
  constexpr std::int64_t kRows = 45000;
  db1.migrate("s", {{1, "t",
                     "CREATE TABLE s_t (tenant_id TEXT, k BIGINT, d DOUBLE PRECISION, s TEXT, "
                     "PRIMARY KEY (tenant_id, k))",
                     ""}});
  std::vector<std::vector<sdk::Value>> data;
  for (std::int64_t k = 0; k < kRows; ++k) {
    // Every 7th row has a NULL number and every 5th a NULL text: known from k alone.
    data.push_back({sdk::Value("a"), sdk::Value(k),
                    k % 7 == 0 ? sdk::Value() : sdk::Value(static_cast<double>(k) / 4),
                    k % 5 == 0 ? sdk::Value() : sdk::Value("v" + std::to_string(k))});
  }
  db1.write([&](sdk::SqlWriter& w) { w.insert_rows("s_t", {"tenant_id", "k", "d", "s"}, data); });

  auto read_all = [&] {
    std::int64_t expect = 0, mismatches = 0;
    db1.query("SELECT k, d, s FROM s_t WHERE tenant_id = ? ORDER BY k", {sdk::Value("a")},
              [&](const sdk::Row& r) {
                const std::int64_t k = expect++;
                bool ok =
                    r.int64(0) == k && r.is_null(1) == (k % 7 == 0) && r.is_null(2) == (k % 5 == 0);
                ok = ok && (k % 7 == 0 ? r.number(1) == 0.0 && sdk::is_null(r.value(1))
                                       : r.number(1) == static_cast<double>(k) / 4 &&
                                             r.value(1) == sdk::Value(static_cast<double>(k) / 4));
                ok = ok && (k % 5 == 0 ? r.text(2).empty() : r.text(2) == "v" + std::to_string(k));
                if (!ok) ++mismatches;
              });
    EXPECT_EQ(expect, kRows);
    EXPECT_EQ(mismatches, 0);
  };
  read_all();

  struct Stop {};
  std::int64_t seen = 0;
  EXPECT_THROW(
      db1.query("SELECT k, d, s FROM s_t WHERE tenant_id = ? ORDER BY k", {sdk::Value("a")},
                [&](const sdk::Row&) {
                  if (++seen == 30001) throw Stop{};
                }),
      Stop);
  EXPECT_EQ(seen, 30001);
  read_all();  // the same (only) connection, right after the abandoned stream
  std::int64_t n = 0;
  db1.query("SELECT COUNT(*) FROM s_t WHERE s IS NULL", {},
            [&](const sdk::Row& r) { n = r.int64(0); });
  EXPECT_EQ(n, kRows / 5);  // k = 0, 5, ..., 44995
  // A write transaction on the same connection still works, and so does a read inside it.
  db1.write([&](sdk::SqlWriter& w) {
    w.execute("DELETE FROM s_t WHERE k >= ?", {sdk::Value(std::int64_t{100})});
    w.query("SELECT COUNT(*) FROM s_t", {}, [&](const sdk::Row& r) { n = r.int64(0); });
  });
  EXPECT_EQ(n, 100);
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseTest, ::testing::Values("sqlite", "postgresql"),
                         testing::backend_name);

}  // namespace
}  // namespace zaplify::core
