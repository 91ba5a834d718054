// The conversation plugin over HTTP on the real server, on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "support/server.h"

namespace zaplify::testing {
namespace {

const Headers kTenant{{"X-Tenant-ID", "conv_t1"}};

nlohmann::json event(const std::string& id, const std::string& type, std::int64_t ts,
                     nlohmann::json extra) {
  extra["id"] = id;
  extra["type"] = type;
  extra["tenant_id"] = "conv_t1";
  extra["timestamp"] = rfc3339(ts);
  return extra;
}

class ConversationIntegration : public ::testing::TestWithParam<std::string> {
 protected:
  static ServerOptions options(const std::string& backend) {
    ServerOptions o;
    o.database = backend;
    o.plugin_config["conversation"] = nlohmann::json{{"topics",
                                                      {{"price", {"preço", "price"}},
                                                       {"delivery", {"entrega", "never arrived"}},
                                                       {"warranty", {"garantia"}}}}};
    return o;
  }
};

TEST_P(ConversationIntegration, OverviewSentimentTopicsAndRealtime) {
  ServerProcess s(options(GetParam()));
  const std::int64_t now = now_ms();
  const std::int64_t t0 = now - 3600000;  // an hour ago
  nlohmann::json events = nlohmann::json::array({
      event("s1", "conversation_started", t0,
            {{"conversation_id", "c1"}, {"lead_id", "l1"}, {"assistant_id", "a1"}}),
      event("m1", "message", t0 + 1000,
            {{"conversation_id", "c1"},
             {"sender", "lead"},
             {"text", "Qual o PREÇO? Achei caro demais 😡"}}),
      event("m2", "message", t0 + 5000,
            {{"conversation_id", "c1"}, {"sender", "assistant"}, {"text", "Temos desconto!"}}),
      event("e1", "conversation_ended", t0 + 60000,
            {{"conversation_id", "c1"}, {"outcome", "resolved"}}),
      event("s2", "conversation_started", t0 + 1000,
            {{"conversation_id", "c2"}, {"lead_id", "l2"}, {"channel", "web"}}),
      event("m3", "message", t0 + 2000,
            {{"conversation_id", "c2"}, {"sender", "lead"}, {"text", "Thanks, great service 👍"}}),
      event("m4", "message", t0 + 12000,
            {{"conversation_id", "c2"}, {"sender", "agent"}, {"text", "You're welcome"}}),
      event("s3", "conversation_started", now - 60000,
            {{"conversation_id", "c3"}, {"lead_id", "l3"}, {"assistant_id", "a1"}}),
      event("m5", "message", now - 30000,
            {{"conversation_id", "c3"}, {"sender", "lead"}, {"text", "my order never arrived"}}),
      event("m6", "message", now - 20000,
            {{"conversation_id", "c3"}, {"sender", "lead"}, {"text", "😀😀😀"}}),
      event("m7", "message", now - 10000,
            {{"conversation_id", "c3"}, {"sender", "lead"}, {"text", "!!! ???"}}),
  });
  auto ingest = s.post_json("/analytics/process/batch", {{"events", events}}, kTenant);
  ASSERT_EQ(ingest.status, 200) << ingest.body;
  ASSERT_EQ(ingest.json()["accepted"], 11) << ingest.body;

  const std::string window = "?from=" + rfc3339(t0 - 60000) + "&to=" + rfc3339(now + 60000);
  auto ov = s.get("/analytics/conversations" + window, kTenant);
  ASSERT_EQ(ov.status, 200) << ov.body;
  auto o = ov.json();
  EXPECT_EQ(o["total"], 3);
  EXPECT_EQ(o["by_channel"], (nlohmann::json{{"web", 1}, {"whatsapp", 2}}));
  EXPECT_EQ(o["by_outcome"]["resolved"], 1);
  EXPECT_EQ(o["by_outcome"]["open"], 2);
  EXPECT_DOUBLE_EQ(o["avg_messages"].get<double>(), 7.0 / 3);
  EXPECT_DOUBLE_EQ(o["avg_lead_messages"].get<double>(), 5.0 / 3);
  EXPECT_DOUBLE_EQ(o["lead_reply_rate"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(o["avg_duration_minutes"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(o["median_first_response_seconds"].get<double>(),
                   7.0);  // median of 4 s and 10 s
  EXPECT_TRUE(o.contains("window"));

  auto se = s.get("/analytics/conversations/sentiment" + window + "&interval=hour", kTenant);
  ASSERT_EQ(se.status, 200) << se.body;
  auto sj = se.json();
  EXPECT_EQ(sj["distribution"]["positive"], 2);  // thanks/great, 😀😀😀
  // caro demais 😡, never arrived, and "!!! ???": repeated ? and ! with nothing else read as
  // impatience (issue 18's rules), no longer as neutral.
  EXPECT_EQ(sj["distribution"]["negative"], 3);
  EXPECT_EQ(sj["distribution"]["neutral"], 0);
  EXPECT_FALSE(sj["series"].empty());
  ASSERT_FALSE(sj["most_negative_conversations"].empty());
  EXPECT_EQ(sj["most_negative_conversations"][0]["conversation_id"], "c1");

  auto tp = s.get("/analytics/conversations/topics" + window, kTenant);
  ASSERT_EQ(tp.status, 200) << tp.body;
  auto tj = tp.json();
  ASSERT_EQ(tj["topics"].size(), 3u);
  EXPECT_EQ(tj["topics"][0]["topic"], "delivery");  // 1 conversation each; ties by name
  EXPECT_EQ(tj["topics"][1]["topic"], "price");
  EXPECT_EQ(tj["topics"][1]["conversations"], 1);
  EXPECT_DOUBLE_EQ(tj["topics"][1]["share"].get<double>(), 1.0 / 3);
  EXPECT_EQ(tj["topics"][2]["topic"], "warranty");
  EXPECT_EQ(tj["topics"][2]["conversations"], 0);
  EXPECT_TRUE(tj["top_terms"].is_array());
  EXPECT_TRUE(tj["emerging_terms"].is_array());

  auto rt = s.get("/analytics/real-time/conversations", kTenant);
  ASSERT_EQ(rt.status, 200) << rt.body;
  auto rj = rt.json();
  EXPECT_EQ(rj["total"], 1);
  ASSERT_EQ(rj["conversations"].size(), 1u);
  EXPECT_EQ(rj["conversations"][0]["conversation_id"], "c3");
  EXPECT_EQ(rj["conversations"][0]["messages"], 3);
  EXPECT_LE(rj["conversations"][0]["last_sentiment"].get<double>(), -0.05);  // "!!! ???": negative

  EXPECT_EQ(s.get("/analytics/real-time/conversations?limit=0", kTenant).status, 400);
  EXPECT_EQ(s.get("/analytics/conversations/topics" + window + "&limit=1000", kTenant).status, 400);
  // another tenant sees nothing
  auto other = s.get("/analytics/conversations" + window, {{"X-Tenant-ID", "conv_t2"}});
  ASSERT_EQ(other.status, 200);
  EXPECT_EQ(other.json()["total"], 0);
}

TEST_P(ConversationIntegration, HostileTextIsStoredAndScored) {
  ServerProcess s(options(GetParam()));
  const std::int64_t t0 = now_ms() - 600000;
  std::string big;
  while (big.size() < 65000) big += "ótimo 😀 ";
  nlohmann::json events = nlohmann::json::array({
      event("s1", "conversation_started", t0, {{"conversation_id", "c1"}, {"lead_id", "l1"}}),
      event("m1", "message", t0 + 1,
            {{"conversation_id", "c1"}, {"sender", "lead"}, {"text", big}}),
      event("m2", "message", t0 + 2, {{"conversation_id", "c1"}, {"sender", "lead"}, {"text", ""}}),
      event("m3", "message", t0 + 3,
            {{"conversation_id", "c1"}, {"sender", "lead"}, {"text", "🙂"}}),
  });
  auto r = s.post_json("/analytics/process/batch", {{"events", events}}, kTenant);
  ASSERT_EQ(r.status, 200) << r.body;
  auto se = s.get(
      "/analytics/conversations/sentiment?from=" + rfc3339(t0 - 1000) + "&to=" + rfc3339(t0 + 1000),
      kTenant);
  ASSERT_EQ(se.status, 200) << se.body;
  auto sj = se.json();
  const auto total = sj["distribution"]["positive"].get<int>() +
                     sj["distribution"]["neutral"].get<int>() +
                     sj["distribution"]["negative"].get<int>();
  EXPECT_EQ(total, r.json()["accepted"].get<int>() - 1);  // every accepted lead message counted
}

// Split into CSV records (no quoted fields in this data) and cells.
std::vector<std::vector<std::string>> csv_rows(const std::string& body) {
  std::vector<std::vector<std::string>> out;
  std::size_t at = 0;
  while (at < body.size()) {
    std::size_t end = body.find("\r\n", at);
    if (end == std::string::npos) end = body.size();
    std::vector<std::string> cells;
    std::string line = body.substr(at, end - at);
    std::size_t from = 0;
    for (;;) {
      auto comma = line.find(',', from);
      cells.push_back(
          line.substr(from, comma == std::string::npos ? std::string::npos : comma - from));
      if (comma == std::string::npos) break;
      from = comma + 1;
    }
    out.push_back(std::move(cells));
    at = end + 2;
  }
  return out;
}

TEST_P(ConversationIntegration, OutOfOrderDuplicatedBatchesGiveTheSameConversations) {
  ServerProcess s(options(GetParam()));
  const std::int64_t t0 = (now_ms() - 7200000) / 1000 * 1000 + 123;  // ".123": both formats agree
  // c1: a later duplicate start (ignored), greeting before the lead message, two ends (earliest
  // wins). c2: its lead message arrives last and earlier than its stored replies. c3: never ends.
  std::vector<nlohmann::json> ev = {
      event("a1", "conversation_started", t0,
            {{"conversation_id", "c1"}, {"lead_id", "l1"}, {"assistant_id", "bot"}}),
      event("a2", "conversation_started", t0 + 500,
            {{"conversation_id", "c1"}, {"lead_id", "lx"}, {"channel", "web"}}),
      event("a3", "message", t0 + 1000,
            {{"conversation_id", "c1"}, {"sender", "assistant"}, {"text", "Olá!"}}),
      event("a4", "message", t0 + 2000,
            {{"conversation_id", "c1"}, {"sender", "lead"}, {"text", "ótimo"}}),
      event("a5", "message", t0 + 6000,
            {{"conversation_id", "c1"}, {"sender", "agent"}, {"text", "ok"}}),
      event("a6", "conversation_ended", t0 + 120000,
            {{"conversation_id", "c1"}, {"outcome", "handoff"}}),
      event("a7", "conversation_ended", t0 + 60000,
            {{"conversation_id", "c1"}, {"outcome", "resolved"}}),
      event("b1", "conversation_started", t0 + 1000,
            {{"conversation_id", "c2"}, {"lead_id", "l2"}, {"channel", "web"}}),
      event("b2", "message", t0 + 3000,
            {{"conversation_id", "c2"}, {"sender", "assistant"}, {"text", "hi"}}),
      event("b3", "message", t0 + 21000,
            {{"conversation_id", "c2"}, {"sender", "assistant"}, {"text", "still there?"}}),
      event("b4", "conversation_ended", t0 + 181000,
            {{"conversation_id", "c2"}, {"outcome", "abandoned"}}),
      event("b5", "message", t0 + 11000,
            {{"conversation_id", "c2"}, {"sender", "lead"}, {"text", "terrible"}}),
      event("c1", "conversation_started", t0 + 2000,
            {{"conversation_id", "c3"}, {"lead_id", "l3"}}),
  };
  // Newest first, in three requests, each re-sending an event of the previous one.
  std::vector<std::vector<nlohmann::json>> posts = {{ev[12], ev[10], ev[6]},
                                                    {ev[6], ev[9], ev[8], ev[7], ev[5], ev[4]},
                                                    {ev[4], ev[11], ev[3], ev[2], ev[1], ev[0]}};
  for (const auto& p : posts) {
    auto r = s.post_json("/analytics/process/batch", {{"events", p}}, kTenant);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  const std::string window = "?from=" + rfc3339(t0 - 1000) + "&to=" + rfc3339(t0 + 3000);
  auto ov = s.get("/analytics/conversations" + window, kTenant);
  ASSERT_EQ(ov.status, 200) << ov.body;
  auto o = ov.json();
  EXPECT_EQ(o["total"], 3);
  EXPECT_EQ(o["by_channel"], (nlohmann::json{{"web", 1}, {"whatsapp", 2}}));
  EXPECT_EQ(o["by_outcome"],
            (nlohmann::json{{"resolved", 1}, {"handoff", 0}, {"abandoned", 1}, {"open", 1}}));
  EXPECT_DOUBLE_EQ(o["avg_messages"].get<double>(), 6.0 / 3);
  EXPECT_DOUBLE_EQ(o["lead_reply_rate"].get<double>(), 2.0 / 3);
  EXPECT_DOUBLE_EQ(o["avg_duration_minutes"].get<double>(), (1.0 + 3.0) / 2);
  EXPECT_DOUBLE_EQ(o["median_first_response_seconds"].get<double>(), (4.0 + 10.0) / 2);

  auto ex =
      s.get("/analytics/export/metrics" + window + "&dataset=conversations&format=csv", kTenant);
  ASSERT_EQ(ex.status, 200) << ex.body;
  auto rows = csv_rows(ex.body);
  ASSERT_EQ(rows.size(), 4u) << ex.body;
  EXPECT_EQ(rows[0], (std::vector<std::string>{"conversation_id", "lead_id", "assistant_id",
                                               "channel", "started_at", "ended_at", "outcome",
                                               "messages", "avg_sentiment"}));
  EXPECT_EQ(rows[1][0], "c1");
  EXPECT_EQ(rows[1][1], "l1");
  EXPECT_EQ(rows[1][2], "bot");
  EXPECT_EQ(rows[1][4], rfc3339(t0));
  EXPECT_EQ(rows[1][5], rfc3339(t0 + 60000));
  EXPECT_EQ(rows[1][6], "resolved");
  EXPECT_EQ(rows[1][7], "3");
  EXPECT_GT(std::stod(rows[1][8]), 0.05);  // "ótimo"
  EXPECT_EQ(rows[2][0], "c2");
  EXPECT_EQ(rows[2][2], "");                // no assistant: NULL
  EXPECT_LT(std::stod(rows[2][8]), -0.05);  // "terrible"
  EXPECT_EQ(rows[3][0], "c3");
  EXPECT_EQ(rows[3][5], "");
  EXPECT_EQ(rows[3][6], "open");
  EXPECT_EQ(rows[3][8], "");
}

INSTANTIATE_TEST_SUITE_P(Backends, ConversationIntegration, ::testing::ValuesIn(backends()));

}  // namespace
}  // namespace zaplify::testing
