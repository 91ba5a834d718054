// The conversation plugin over HTTP on the real server, on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include "support/server.h"

namespace zaplify::testing {
namespace {

const Headers kTenant{{"X-Tenant-ID", "conv_t1"}};

nlohmann::json event(const std::string& id, const std::string& type, std::int64_t ts, nlohmann::json extra) {
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
    o.plugin_config["conversation"] = nlohmann::json{
        {"topics", {{"price", {"preço", "price"}}, {"delivery", {"entrega", "never arrived"}}, {"warranty", {"garantia"}}}}};
    return o;
  }
};

TEST_P(ConversationIntegration, OverviewSentimentTopicsAndRealtime) {
  ServerProcess s(options(GetParam()));
  const std::int64_t now = now_ms();
  const std::int64_t t0 = now - 3600000;  // an hour ago
  nlohmann::json events = nlohmann::json::array({
      event("s1", "conversation_started", t0, {{"conversation_id", "c1"}, {"lead_id", "l1"}, {"assistant_id", "a1"}}),
      event("m1", "message", t0 + 1000, {{"conversation_id", "c1"}, {"sender", "lead"}, {"text", "Qual o PREÇO? Achei caro demais 😡"}}),
      event("m2", "message", t0 + 5000, {{"conversation_id", "c1"}, {"sender", "assistant"}, {"text", "Temos desconto!"}}),
      event("e1", "conversation_ended", t0 + 60000, {{"conversation_id", "c1"}, {"outcome", "resolved"}}),
      event("s2", "conversation_started", t0 + 1000, {{"conversation_id", "c2"}, {"lead_id", "l2"}, {"channel", "web"}}),
      event("m3", "message", t0 + 2000, {{"conversation_id", "c2"}, {"sender", "lead"}, {"text", "Thanks, great service 👍"}}),
      event("m4", "message", t0 + 12000, {{"conversation_id", "c2"}, {"sender", "agent"}, {"text", "You're welcome"}}),
      event("s3", "conversation_started", now - 60000, {{"conversation_id", "c3"}, {"lead_id", "l3"}, {"assistant_id", "a1"}}),
      event("m5", "message", now - 30000, {{"conversation_id", "c3"}, {"sender", "lead"}, {"text", "my order never arrived"}}),
      event("m6", "message", now - 20000, {{"conversation_id", "c3"}, {"sender", "lead"}, {"text", "😀😀😀"}}),
      event("m7", "message", now - 10000, {{"conversation_id", "c3"}, {"sender", "lead"}, {"text", "!!! ???"}}),
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
  EXPECT_DOUBLE_EQ(o["median_first_response_seconds"].get<double>(), 7.0);  // median of 4 s and 10 s
  EXPECT_TRUE(o.contains("window"));

  auto se = s.get("/analytics/conversations/sentiment" + window + "&interval=hour", kTenant);
  ASSERT_EQ(se.status, 200) << se.body;
  auto sj = se.json();
  EXPECT_EQ(sj["distribution"]["positive"], 2);  // thanks/great, 😀😀😀
  EXPECT_EQ(sj["distribution"]["negative"], 2);  // caro demais 😡, never arrived
  EXPECT_EQ(sj["distribution"]["neutral"], 1);   // "!!! ???"
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
  EXPECT_DOUBLE_EQ(rj["conversations"][0]["last_sentiment"].get<double>(), 0.0);  // "!!! ???"

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
      event("m1", "message", t0 + 1, {{"conversation_id", "c1"}, {"sender", "lead"}, {"text", big}}),
      event("m2", "message", t0 + 2, {{"conversation_id", "c1"}, {"sender", "lead"}, {"text", ""}}),
      event("m3", "message", t0 + 3, {{"conversation_id", "c1"}, {"sender", "lead"}, {"text", "🙂"}}),
  });
  auto r = s.post_json("/analytics/process/batch", {{"events", events}}, kTenant);
  ASSERT_EQ(r.status, 200) << r.body;
  auto se = s.get("/analytics/conversations/sentiment?from=" + rfc3339(t0 - 1000) + "&to=" + rfc3339(t0 + 1000), kTenant);
  ASSERT_EQ(se.status, 200) << se.body;
  auto sj = se.json();
  const auto total = sj["distribution"]["positive"].get<int>() + sj["distribution"]["neutral"].get<int>() +
                     sj["distribution"]["negative"].get<int>();
  EXPECT_EQ(total, r.json()["accepted"].get<int>() - 1);  // every accepted lead message counted
}

INSTANTIATE_TEST_SUITE_P(Backends, ConversationIntegration, ::testing::ValuesIn(backends()));

}  // namespace
}  // namespace zaplify::testing
