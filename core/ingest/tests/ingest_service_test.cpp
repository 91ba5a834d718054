#include <gtest/gtest.h>

#include <mutex>

#include "ingest/ingest_service.h"
#include "storage/tests/test_db.h"
#include "zaplify/sdk/http.h"

namespace zaplify::core {
namespace {

// (a helper: g++ 12 warns falsely on "literal" + std::string under -O2, GCC bug 105651)
std::string numbered(const char* prefix, int i) {
  std::string s = prefix;
  s += std::to_string(i);
  return s;
}

using json = nlohmann::json;
using testing::TempDatabase;

constexpr std::int64_t kNow = 20777ll * 86400000 + 12 * 3600000;  // 2026-11-20T12:00:00Z

json lead(const std::string& id, const std::string& tenant = "acme") {
  return {{"id", id},
          {"type", "lead_created"},
          {"tenant_id", tenant},
          {"lead_id", "L-" + id},
          {"timestamp", "2026-11-20T10:00:00Z"}};
}
std::string body(const json& events) { return json{{"events", events}}.dump(); }

class IngestTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ZAPLIFY_SKIP_WITHOUT_BACKEND(GetParam());
    tmp_ = std::make_unique<TempDatabase>(GetParam());
    make_service(1000);
  }
  void make_service(int batch_size) {
    IngestSettings s;
    s.batch_size = batch_size;
    s.max_events_per_batch = 50;
    svc_ = std::make_unique<IngestService>(tmp_->db(), s, [this] { return hooks_; });
  }
  std::int64_t count(const std::string& where = "1 = 1") {
    std::int64_t n = -1;
    tmp_->db().query("SELECT COUNT(*) FROM events WHERE " + where, {},
                     [&](const sdk::Row& r) { n = r.int64(0); });
    return n;
  }
  IngestResult run(const json& events, IngestCaller caller = {"acme", false}) {
    return svc_->process(body(events), caller, kNow);
  }
  std::unique_ptr<TempDatabase> tmp_;
  std::unique_ptr<IngestService> svc_;
  std::vector<sdk::IngestHook> hooks_;
};

TEST_P(IngestTest, PartialAcceptStoresTheValidOnes) {
  json bad = lead("e2");
  bad.erase("lead_id");
  auto r = run({lead("e1"), bad, lead("e3")});
  EXPECT_EQ(r.accepted, 2);
  EXPECT_EQ(r.duplicates, 0);
  ASSERT_EQ(r.rejected.size(), 1u);
  EXPECT_EQ(r.rejected[0]["index"], 1);
  EXPECT_EQ(r.rejected[0]["id"], "e2");
  EXPECT_EQ(r.rejected[0]["error"], "missing field 'lead_id'");
  EXPECT_EQ(count(), 2);
  EXPECT_EQ(r.tenants_changed, std::vector<std::string>{"acme"});
  EXPECT_EQ(r.to_json()["accepted"], 2);
}

TEST_P(IngestTest, DuplicatesFirstWriteWins) {
  json first = lead("e1");
  json again = lead("e1");
  again["lead_id"] = "changed";
  auto r1 = run({first, again, lead("e2")});
  EXPECT_EQ(r1.accepted, 2);
  EXPECT_EQ(r1.duplicates, 1);
  auto r2 = run({again, lead("e3")});
  EXPECT_EQ(r2.accepted, 1);
  EXPECT_EQ(r2.duplicates, 1);
  std::string stored;
  tmp_->db().query("SELECT lead_id FROM events WHERE tenant_id = ? AND id = ?",
                   {sdk::Value("acme"), sdk::Value("e1")},
                   [&](const sdk::Row& row) { stored = row.text(0); });
  EXPECT_EQ(stored, "L-e1");
  auto r3 = run(json::array({again}));
  EXPECT_EQ(r3.accepted, 0);
  EXPECT_TRUE(r3.tenants_changed.empty());
}

TEST_P(IngestTest, StoresEveryColumn) {
  json m = {{"id", "m1"},
            {"type", "message"},
            {"tenant_id", "acme"},
            {"timestamp", "2026-11-20T09:00:00.250-03:00"},
            {"conversation_id", "c1"},
            {"sender", "assistant"},
            {"text", "preço \"ok\" \\ {a,b}"},
            {"response_time_ms", 812.5},
            {"tokens", 3.0}};
  json f = {{"id", "f1"},
            {"type", "funnel_defined"},
            {"tenant_id", "acme"},
            {"timestamp", "2026-11-20T09:00:00Z"},
            {"funnel_id", "sales"},
            {"name", "Sales"},
            {"stages", {"lead", "won \"big\""}}};
  json c = {{"id", "c1"},
            {"type", "conversation_started"},
            {"tenant_id", "acme"},
            {"timestamp", "2026-11-20T09:00:00Z"},
            {"conversation_id", "c1"},
            {"lead_id", "l1"},
            {"assistant_id", nullptr}};
  ASSERT_EQ(run({m, f, c}).accepted, 3);
  tmp_->db().query(
      "SELECT ts, text, response_time_ms, tokens, sender, lead_id FROM events WHERE id = 'm1'", {},
      [](const sdk::Row& r) {
        EXPECT_EQ(r.int64(0), 20777ll * 86400000 + 12 * 3600000 + 250);
        EXPECT_EQ(r.text(1), "preço \"ok\" \\ {a,b}");
        EXPECT_EQ(r.value(2), sdk::Value(812.5));
        EXPECT_EQ(r.value(3), sdk::Value(std::int64_t{3}));
        EXPECT_EQ(r.text(4), "assistant");
        EXPECT_TRUE(r.is_null(5));
      });
  tmp_->db().query("SELECT stages FROM events WHERE id = 'f1'", {}, [](const sdk::Row& r) {
    EXPECT_EQ(json::parse(r.text(0)), json({"lead", "won \"big\""}));
  });
  tmp_->db().query("SELECT channel, assistant_id FROM events WHERE id = 'c1'", {},
                   [](const sdk::Row& r) {
                     EXPECT_EQ(r.text(0), "whatsapp");
                     EXPECT_TRUE(r.is_null(1));
                   });
}

TEST_P(IngestTest, TenantRules) {
  auto r = run({lead("e1", "other"), lead("e2")});
  EXPECT_EQ(r.accepted, 1);
  ASSERT_EQ(r.rejected.size(), 1u);
  EXPECT_EQ(r.rejected[0]["error"], "tenant_id 'other' does not match the caller's tenant");
  // A "*" caller may write several tenants; the same id in two tenants is two events.
  std::vector<std::string> seen;
  std::mutex mu;
  hooks_.push_back([&](const sdk::IngestBatch& b, sdk::SqlWriter&) {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& e : *b.events) {
      EXPECT_EQ(e.tenant_id, b.tenant_id);
      seen.push_back(b.tenant_id + "/" + e.id);
    }
  });
  auto star = run({lead("x", "t1"), lead("x", "t2"), lead("y", "t1")}, {"*", true});
  EXPECT_EQ(star.accepted, 3);
  EXPECT_EQ(star.tenants_changed, (std::vector<std::string>{"t1", "t2"}));
  EXPECT_EQ(seen, (std::vector<std::string>{"t1/x", "t1/y", "t2/x"}));
}

TEST_P(IngestTest, HooksSeeOnlyNewEventsAndShareTheTransaction) {
  tmp_->db().migrate(
      "hookplug",
      {{1, "t", "CREATE TABLE hook_rows (tenant_id TEXT, id TEXT, PRIMARY KEY (tenant_id, id))",
        ""}});
  hooks_.push_back([](const sdk::IngestBatch& b, sdk::SqlWriter& w) {
    std::vector<std::vector<sdk::Value>> rows;
    for (const auto& e : *b.events) rows.push_back({sdk::Value(b.tenant_id), sdk::Value(e.id)});
    w.insert_rows("hook_rows", {"tenant_id", "id"}, rows);
  });
  run({lead("a"), lead("b")});
  run({lead("b"), lead("c")});
  std::int64_t n = 0;
  tmp_->db().query("SELECT COUNT(*) FROM hook_rows", {},
                   [&](const sdk::Row& r) { n = r.int64(0); });
  EXPECT_EQ(n, 3);
  // A throwing hook rolls its chunk back: nothing acknowledged, nothing stored.
  hooks_.push_back([](const sdk::IngestBatch&, sdk::SqlWriter&) {
    throw sdk::StoreError("hook failed", false);
  });
  EXPECT_THROW(run(json::array({lead("d")})), sdk::StoreError);
  EXPECT_EQ(count("id = 'd'"), 0);
}

TEST_P(IngestTest, ChunksAreSeparateTransactions) {
  make_service(2);
  int calls = 0;
  hooks_.push_back([&](const sdk::IngestBatch& b, sdk::SqlWriter&) {
    ++calls;
    EXPECT_LE(b.events->size(), 2u);
  });
  json evs = json::array();
  for (int i = 0; i < 5; ++i) evs.push_back(lead(numbered("e", i)));
  EXPECT_EQ(run(evs).accepted, 5);
  EXPECT_EQ(calls, 3);
}

TEST_P(IngestTest, BodyErrors) {
  auto status_of = [&](const std::string& b) {
    try {
      svc_->process(b, {"acme", false}, kNow);
    } catch (const sdk::HttpError& e) {
      return std::make_pair(e.status(), e.code());
    }
    return std::make_pair(200, std::string());
  };
  EXPECT_EQ(status_of("not json"), std::make_pair(400, std::string("invalid_body")));
  EXPECT_EQ(status_of("{\"events\": {}}"), std::make_pair(400, std::string("invalid_body")));
  EXPECT_EQ(status_of("[]"), std::make_pair(400, std::string("invalid_body")));
  json many = json::array();
  for (int i = 0; i < 51; ++i) many.push_back(lead(numbered("e", i)));
  EXPECT_EQ(status_of(body(many)), std::make_pair(413, std::string("too_many_events")));
  EXPECT_EQ(status_of(body(json::array())), std::make_pair(200, std::string()));
}

TEST_P(IngestTest, InvalidUtf8BytesRejectOnlyTheirEvent) {
  std::string raw =
      "{\"events\": [" + lead("ok").dump() +
      ", {\"id\": \"bad\", \"type\": \"message\", \"tenant_id\": \"acme\", \"timestamp\": "
      "\"2026-11-20T10:00:00Z\", \"conversation_id\": \"c\", \"sender\": \"lead\", \"text\": "
      "\"x\xC0\xAFy\"}]}";
  auto r = svc_->process(raw, {"acme", false}, kNow);
  EXPECT_EQ(r.accepted, 1);
  ASSERT_EQ(r.rejected.size(), 1u);
  EXPECT_EQ(r.rejected[0]["index"], 1);
  EXPECT_EQ(r.rejected[0]["error"], "text is not valid UTF-8");
}

INSTANTIATE_TEST_SUITE_P(Backends, IngestTest, ::testing::Values("sqlite", "postgresql"),
                         testing::backend_name);

}  // namespace
}  // namespace zaplify::core
