// Ingestion over HTTP (docs/api.md, Sending events) against the real server on SQLite and
// PostgreSQL.
#include <gtest/gtest.h>

#include <string>

#include "support/server.h"

namespace zaplify::testing {
namespace {

using nlohmann::json;

json lead(const std::string& id, const std::string& tenant, std::int64_t ts,
          const std::string& lead_id) {
  return {{"id", id},
          {"type", "lead_created"},
          {"tenant_id", tenant},
          {"timestamp", rfc3339(ts)},
          {"lead_id", lead_id}};
}

class IngestTest : public ::testing::TestWithParam<std::string> {
 protected:
  static ServerOptions options() {
    ServerOptions o;
    o.database = GetParam();
    return o;
  }
};

TEST_P(IngestTest, AcceptsRejectsAndDeduplicates) {
  ServerProcess server(options());
  const Headers tenant{{"X-Tenant-ID", "acme"}};
  std::int64_t now = now_ms();
  json events = json::array({
      lead("e1", "acme", now - 1000, "l1"),
      lead("e2", "acme", now - 2000, "l2"),
      lead("e1", "acme", now - 3000, "l9"),  // repeated in batch: duplicate
      {{"id", "e3"}, {"type", "nope"}, {"tenant_id", "acme"}, {"timestamp", rfc3339(now)}},
      lead("e4", "other", now, "l4"),  // another tenant: rejected
      {{"id", "e5"},
       {"type", "message"},
       {"tenant_id", "acme"},
       {"timestamp", rfc3339(now)},
       {"conversation_id", "c1"},
       {"sender", "lead"},
       {"text", "hi"},
       {"tokens", 3.5}},
      {{"id", "e6"},
       {"type", "message"},
       {"tenant_id", "acme"},
       {"timestamp", rfc3339(now)},
       {"conversation_id", "c1"},
       {"sender", "lead"},
       {"text", "hi"},
       {"tokens", 3.0}},
      {{"id", "e7"},
       {"type", "lead_created"},
       {"tenant_id", "acme"},
       {"timestamp", "yesterday"},
       {"lead_id", "l7"}},
  });
  auto r = server.post_json("/analytics/process/batch", {{"events", events}}, tenant);
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.json();
  EXPECT_EQ(body["accepted"], 3);    // e1, e2, e6
  EXPECT_EQ(body["duplicates"], 1);  // the second e1
  ASSERT_EQ(body["rejected"].size(), 4u) << body.dump();
  std::vector<int> indexes;
  for (const auto& rej : body["rejected"]) {
    indexes.push_back(rej["index"].get<int>());
    EXPECT_FALSE(rej["error"].get<std::string>().empty());
  }
  EXPECT_EQ(indexes, (std::vector<int>{3, 4, 5, 7}));

  // Resending the same batch changes nothing: first write wins.
  auto again = server.post_json("/analytics/process/batch", {{"events", events}}, tenant);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.json()["accepted"], 0);
  EXPECT_EQ(again.json()["duplicates"], 4);
}

TEST_P(IngestTest, BadBodiesGetClearErrors) {
  ServerProcess server(options());
  auto not_json = server.request("POST", "/analytics/process/batch", "{nope",
                                 {{"Content-Type", "application/json"}});
  EXPECT_EQ(not_json.status, 400);
  EXPECT_TRUE(not_json.json()["error"].contains("code"));
  auto no_events = server.post_json("/analytics/process/batch", {{"evts", json::array()}});
  EXPECT_EQ(no_events.status, 400);
  auto wrong_type =
      server.request("POST", "/analytics/process/batch", "{}", {{"Content-Type", "text/plain"}});
  EXPECT_EQ(wrong_type.status, 415);
  EXPECT_TRUE(wrong_type.json()["error"].contains("message"));
}

TEST_P(IngestTest, TooManyEventsIs413) {
  ServerOptions o = options();
  o.extra_yaml = "ingest:\n  max_events_per_batch: 5\n";
  ServerProcess server(o);
  json events = json::array();
  for (int i = 0; i < 6; ++i)
    events.push_back(lead("x" + std::to_string(i), "default", now_ms(), "l"));
  auto r = server.post_json("/analytics/process/batch", {{"events", events}});
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.json()["error"]["code"].is_string(), true);
}

TEST_P(IngestTest, BodyOverLimitIs413Json) {
  ServerOptions o = options();
  o.max_request_bytes = 4096;
  ServerProcess server(o);
  json events = json::array();
  for (int i = 0; i < 100; ++i)
    events.push_back(lead("b" + std::to_string(i), "default", now_ms(), "l"));
  auto r = server.post_json("/analytics/process/batch", {{"events", events}});
  EXPECT_EQ(r.status, 413);
  EXPECT_TRUE(r.json()["error"].contains("code")) << r.body;
}

TEST_P(IngestTest, TextOverLimitIsRejectedPerEvent) {
  ServerProcess server(options());
  std::string text(70000, 'a');  // over the 65,536-byte text limit: rejected per event, not 413
  json ev = {{"id", "big"},
             {"type", "message"},
             {"tenant_id", "default"},
             {"timestamp", rfc3339(now_ms())},
             {"conversation_id", "c"},
             {"sender", "lead"},
             {"text", text}};
  auto r = server.post_json("/analytics/process/batch", {{"events", json::array({ev})}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["rejected"].size(), 1u);
}

TEST_P(IngestTest, AcknowledgedEventsSurviveKill) {
  ServerOptions o = options();
  std::string url;
  std::int64_t now = now_ms();
  json events = json::array();
  for (int i = 0; i < 500; ++i)
    events.push_back(
        lead("k" + std::to_string(i), "default", now - i * 1000, "l" + std::to_string(i)));
  {
    ServerProcess server(o);
    url = server.database_url();
    auto r = server.post_json("/analytics/process/batch", {{"events", events}});
    ASSERT_EQ(r.status, 200);
    ASSERT_EQ(r.json()["accepted"], 500);
    server.signal(SIGKILL);
    server.wait_exit();
    o.database_url = url;
    ServerProcess again(o);
    auto r2 = again.post_json("/analytics/process/batch", {{"events", events}});
    ASSERT_EQ(r2.status, 200);
    EXPECT_EQ(r2.json()["accepted"], 0);
    EXPECT_EQ(r2.json()["duplicates"], 500);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, IngestTest, ::testing::ValuesIn(backends()));

}  // namespace
}  // namespace zaplify::testing
