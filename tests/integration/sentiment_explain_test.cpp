// GET /analytics/conversations/sentiment/explain on the real server: admin only, the declared
// `text` parameter enforced by the host, and contributions that add up to the score it reports —
// the same score ingest stores for that text as a lead message.
#include <gtest/gtest.h>

#include <cmath>

#include "support/harness/http_client.h"
#include "support/server.h"

namespace zaplify::testing {
namespace {

const char* kPath = "/analytics/conversations/sentiment/explain?text=";

TEST(SentimentExplain, ContributionsAddUpToTheScoreIngestStores) {
  ServerOptions o;
  o.plugins = {"metrics", "conversation"};
  o.auth_mode = "jwt";
  o.secret_key = "explain-test-secret-0123456789abcdef";
  ServerProcess s(o);
  auto token = [&](const std::string& role) {
    return Headers{{"Authorization",
                    "Bearer " + make_jwt(o.secret_key, {{"tenant_id", "ex"}, {"role", role}})}};
  };
  const std::string text = "The delivery was great but the support was TERRIBLE, never again!!";

  auto r = s.get(kPath + url_encode(text), token("admin"));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = r.json();
  double sum = 0;
  for (const auto& t : body["terms"]) sum += t["contribution"].get<double>();
  EXPECT_NEAR(sum, body["score"].get<double>(), 1e-9);
  EXPECT_EQ(body["label"], "negative");
  EXPECT_EQ(body["language"], "en");
  EXPECT_FALSE(body["terms"].empty());

  // Ingest the same text as a lead message: the stored score is the explained one.
  const std::int64_t ts = now_ms() - 60000;
  nlohmann::json batch = {{"events", nlohmann::json::array({{{"id", "e1"},
                                                             {"type", "conversation_started"},
                                                             {"tenant_id", "ex"},
                                                             {"conversation_id", "c1"},
                                                             {"lead_id", "l1"},
                                                             {"timestamp", rfc3339(ts)}},
                                                            {{"id", "e2"},
                                                             {"type", "message"},
                                                             {"tenant_id", "ex"},
                                                             {"conversation_id", "c1"},
                                                             {"lead_id", "l1"},
                                                             {"sender", "lead"},
                                                             {"text", text},
                                                             {"timestamp", rfc3339(ts + 1)}}})}};
  ASSERT_EQ(s.post_json("/analytics/process/batch", batch, token("ingest")).status, 200);
  auto sentiment = s.get("/analytics/conversations/sentiment", token("viewer")).json();
  EXPECT_EQ(sentiment["avg_score"].get<double>(), body["score"].get<double>());

  EXPECT_EQ(s.get(kPath + url_encode(text), token("viewer")).status, 403);
  auto missing = s.get("/analytics/conversations/sentiment/explain", token("admin"));
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.json()["error"]["field"], "text");
  EXPECT_EQ(s.get(kPath + std::string(5000, 'a'), token("admin")).status, 400);
}

}  // namespace
}  // namespace zaplify::testing
