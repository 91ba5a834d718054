// Per-tenant sentiment overrides (the conversation plugin's `tenant_sentiment`) on the real server,
// on SQLite and PostgreSQL: a config change applied by SIGHUP re-scores the stored lead messages
// of that tenant only, its sentiment distribution moves as computed here from the documented
// rules, another tenant's does not, the explain route uses the tenant's lexicon, and a malformed
// override is refused naming its key.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "support/server.h"

namespace zaplify::testing {
namespace {

using nlohmann::json;

const std::string kA = "ovr_a", kB = "ovr_b";  // kA gets overrides, kB never does

Headers tenant(const std::string& t) { return {{"X-Tenant-ID", t}}; }

// The same five lead messages for both tenants, with the lexicon value each one's only valenced
// entry has before and after kA's overrides (lexicons/*.tsv and the overrides below):
struct Message {
  const char* text;
  double before, after;
};
const Message kMessages[] = {
    {"quero cancelar minha assinatura", -3, 0},  // phrase "quero cancelar" -3, removed
    {"I want to cancel my plan", -3, 0},         // phrase "want to cancel" -3, removed
    {"tô sem sinal desde ontem", 0, -3},         // phrase "sem sinal" added at -3
    {"adorei o atendimento", 4, 2},              // "adorei" 4, re-weighted to 2
    {"ok obrigado", 0, 0},                       // courtesy alone: neutral either way
};

json overrides() {
  return {{kA,
           {{"words", {{"cancelar", 0}, {"cancel", 0}, {"adorei", 2}}},
            {"phrases", {{"quero cancelar", 0}, {"want to cancel", 0}, {"sem sinal", -3}}}}}};
}

// A lone valenced entry v scores v / sqrt(v² + 15) on the 2^-24 grid (README, "Sentiment").
double squash(double v) { return std::round(v / std::sqrt(v * v + 15) * 16777216.0) / 16777216.0; }

struct Expected {
  int positive = 0, neutral = 0, negative = 0;
  double avg = 0;
};

Expected expected(bool after) {
  Expected e;
  double sum = 0;
  for (const auto& m : kMessages) {
    const double s = squash(after ? m.after : m.before);
    sum += s;
    (s >= 0.05 ? e.positive : s <= -0.05 ? e.negative : e.neutral)++;
  }
  e.avg = sum / std::size(kMessages);
  return e;
}

class SentimentOverrides : public ::testing::TestWithParam<std::string> {
 protected:
  ServerOptions options(const json& conversation_config) const {
    ServerOptions o;
    o.database = GetParam();
    o.plugins = {"metrics", "conversation", "cache"};
    o.plugin_config["conversation"] = conversation_config;
    return o;
  }
};

std::string window(std::int64_t now) {
  return "?from=" + rfc3339(now - 3600000) + "&to=" + rfc3339(now + 3600000);
}

bool matches(const json& body, const Expected& e) {
  const auto& d = body["distribution"];
  return d["positive"] == e.positive && d["neutral"] == e.neutral && d["negative"] == e.negative &&
         std::abs(body["avg_score"].get<double>() - e.avg) < 1e-12;
}

// Polls the tenant's sentiment until it matches `e` (the re-scoring runs in the background).
json wait_for(const ServerProcess& s, const std::string& t, const std::string& w,
              const Expected& e) {
  json body;
  for (int i = 0; i < 400; ++i) {
    auto r = s.get("/analytics/conversations/sentiment" + w, tenant(t));
    if (r.status == 200) {
      body = r.json();
      if (matches(body, e)) return body;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return body;
}

// The re-scored tenant's answers can change just before the rescorer logs its line.
bool wait_for_log(const ServerProcess& s, const std::string& line) {
  for (int i = 0; i < 200; ++i) {
    if (s.log().find(line) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return false;
}

std::string explained_label(const ServerProcess& s, const std::string& t, const std::string& text) {
  auto r = s.get("/analytics/conversations/sentiment/explain?text=" + url_encode(text), tenant(t));
  EXPECT_EQ(r.status, 200) << r.body;
  return r.status == 200 ? r.json()["label"].get<std::string>() : "";
}

TEST_P(SentimentOverrides, ReloadRescoresOnlyThatTenant) {
  ServerProcess s(options(json::object()));
  // The plugin's first lexicon check is over before anything is stored (else it could re-score
  // everything once more, racing with the reload below).
  ASSERT_TRUE(wait_for_log(s, "stored sentiment scores match the lexicons")) << s.log();
  const std::int64_t now = now_ms();
  for (const auto& t : {kA, kB}) {
    json events = json::array();
    events.push_back({{"id", "s1"},
                      {"type", "conversation_started"},
                      {"tenant_id", t},
                      {"conversation_id", "c1"},
                      {"lead_id", "l1"},
                      {"timestamp", rfc3339(now - 60000)}});
    int i = 0;
    for (const auto& m : kMessages) {
      ++i;
      events.push_back({{"id", "m" + std::to_string(i)},
                        {"type", "message"},
                        {"tenant_id", t},
                        {"conversation_id", "c1"},
                        {"lead_id", "l1"},
                        {"sender", "lead"},
                        {"text", m.text},
                        {"timestamp", rfc3339(now - 60000 + i * 1000)}});
    }
    auto ingest = s.post_json("/analytics/process/batch", {{"events", events}}, tenant(t));
    ASSERT_EQ(ingest.status, 200) << ingest.body;
  }
  const std::string w = window(now);
  const Expected before = expected(false), after = expected(true);
  ASSERT_EQ(before.negative, 2);  // the hand count: two cancellations, one praise, two neutral
  ASSERT_EQ(after.negative, 1);
  ASSERT_EQ(after.neutral, 3);
  const json a0 = wait_for(s, kA, w, before), b0 = wait_for(s, kB, w, before);
  ASSERT_TRUE(matches(a0, before)) << a0.dump();
  ASSERT_TRUE(matches(b0, before)) << b0.dump();
  EXPECT_EQ(explained_label(s, kA, "quero cancelar"), "negative");

  // Overrides for kA, applied by SIGHUP: kA's stored messages are re-scored, kB's are not.
  s.rewrite_config(options({{"tenant_sentiment", overrides()}}));
  s.signal(SIGHUP);
  const json a1 = wait_for(s, kA, w, after);
  EXPECT_TRUE(matches(a1, after)) << a1.dump() << "\n" << s.log();
  const json b1 = s.get("/analytics/conversations/sentiment" + w, tenant(kB)).json();
  EXPECT_EQ(b1["distribution"], b0["distribution"]);
  EXPECT_EQ(b1["avg_score"], b0["avg_score"]);
  EXPECT_TRUE(
      wait_for_log(s, "tenant_sentiment of 'ovr_a' changed: re-scored 5 of its lead messages"))
      << s.log();
  // The re-scoring can finish before the reload publishes the new routes: the old explain route
  // (old lexicon) answers until then.
  ASSERT_TRUE(wait_for_log(s, "SIGHUP reload applied")) << s.log();
  EXPECT_EQ(s.log().find("'ovr_b' changed"), std::string::npos);
  EXPECT_EQ(explained_label(s, kA, "quero cancelar"), "neutral");
  EXPECT_EQ(explained_label(s, kB, "quero cancelar"), "negative");
  EXPECT_EQ(explained_label(s, kA, "tô sem sinal"), "negative");
  EXPECT_EQ(explained_label(s, kB, "tô sem sinal"), "neutral");

  // A malformed override is refused, naming its key; the plugin keeps serving with the overrides
  // it had.
  json bad = overrides();
  bad[kA]["words"]["adorei"] = 9;
  s.rewrite_config(options({{"tenant_sentiment", bad}}));
  auto refused = s.post_json("/admin/reload", json::object());
  ASSERT_EQ(refused.status, 200) << refused.body;
  EXPECT_EQ(refused.json()["refused"], json::array({"conversation"})) << refused.body;
  EXPECT_EQ(refused.json()["failed"], json::array()) << refused.body;
  const auto plugins = s.get("/admin/plugins");
  std::string error;
  const json listed = plugins.json();
  for (const auto& p : listed["plugins"])
    if (p["name"] == "conversation" && p["last_error"].is_string())
      error = p["last_error"].get<std::string>();
  EXPECT_NE(error.find("tenant_sentiment.ovr_a.words.adorei: weight must be a number from -5 to 5"),
            std::string::npos)
      << plugins.body;
  EXPECT_EQ(explained_label(s, kA, "quero cancelar"), "neutral");

  // Overrides removed: kA is back to the shared lexicon, kB still untouched.
  s.rewrite_config(options(json::object()));
  s.signal(SIGHUP);
  const json a2 = wait_for(s, kA, w, before);
  EXPECT_TRUE(matches(a2, before)) << a2.dump() << "\n" << s.log();
  EXPECT_EQ(s.get("/analytics/conversations/sentiment" + w, tenant(kB)).json()["avg_score"],
            b0["avg_score"]);
}

INSTANTIATE_TEST_SUITE_P(Backends, SentimentOverrides, ::testing::ValuesIn(backends()));

}  // namespace
}  // namespace zaplify::testing
