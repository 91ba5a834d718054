// GET /metrics/cost and the cost_daily export over HTTP: the real server and costs.so on SQLite and
// PostgreSQL, random events (sent shuffled, with repeated starts, ties, unknown and human-only
// conversations) against the naive reference written from docs/api.md, costs plugin (naive_cost.h).

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "naive_cost.h"
#include "support/server.h"

namespace zaplify::testing {
namespace {

using costs::testing::Ev;
using nlohmann::json;
constexpr std::int64_t kHourMs = 3'600'000, kDayMs = 24 * kHourMs;

json to_json(const Ev& e) {
  json j = {{"id", e.id}, {"type", e.type}, {"tenant_id", "t1"}, {"timestamp", rfc3339(e.ts)}};
  if (!e.lead.empty()) j["lead_id"] = e.lead;
  if (!e.conv.empty()) j["conversation_id"] = e.conv;
  if (e.type == "conversation_started")
    j["assistant_id"] = e.assistant.empty() ? json(nullptr) : json(e.assistant);
  if (e.type == "message") j["sender"] = e.sender, j["text"] = "hi";
  if (e.tokens) j["tokens"] = *e.tokens;
  if (!e.outcome.empty()) j["outcome"] = e.outcome;
  if (!e.funnel.empty()) j["funnel_id"] = e.funnel, j["stage"] = e.stage;
  return j;
}

std::vector<Ev> random_events(std::int64_t base, unsigned seed) {
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const std::vector<std::string> assistants = {"a1", "a2", "a3", ""};
  const std::vector<std::string> senders = {"lead", "assistant", "agent", "assistant"};
  const std::vector<std::string> outcomes = {"resolved", "handoff", "abandoned", "resolved"};
  const std::vector<std::string> stages = {"new", "won", "lost"};
  std::vector<Ev> out;
  auto ts = [&] { return base + static_cast<std::int64_t>(pick(240)) * kHourMs / 2; };  // 5 days
  auto id = [&] { return std::to_string(pick(100000)) + "-" + std::to_string(out.size()); };
  for (int i = 0; i < 900; ++i) {
    const int c = pick(120);  // c100 and above are never started
    const std::string conv = "c" + std::to_string(c);
    const std::string lead = "L" + std::to_string(pick(60));
    const int kind = pick(10);
    Ev e;
    e.id = id();
    e.ts = ts();
    if (kind < 2 && c < 100) {
      e.type = "conversation_started", e.conv = conv, e.lead = lead,
      e.assistant = assistants[pick(4)];
    } else if (kind == 2) {
      e.type = "conversation_ended", e.conv = conv, e.outcome = outcomes[pick(4)];
    } else if (kind == 3) {
      e.type = "stage_changed", e.lead = lead, e.funnel = "f1", e.stage = stages[pick(3)];
    } else {
      e.type = "message", e.conv = conv, e.sender = senders[pick(4)];
      if (pick(6)) e.tokens = pick(2000);
    }
    out.push_back(e);
  }
  return out;
}

class CostsHttp : public ::testing::TestWithParam<std::string> {};

TEST_P(CostsHttp, MatchesTheNaiveReference) {
  ServerOptions o;
  o.database = GetParam();
  o.plugins = {"costs", "export"};
  o.plugin_config["costs"] = {{"currency", "BRL"},
                              {"default_per_1k_tokens", 0.4},
                              {"assistants", {{"a1", 1.5}, {"a2", 0.02}}}};
  ServerProcess s(o);
  const Headers h{{"X-Tenant-ID", "t1"}};
  const std::int64_t base = (now_ms() / kDayMs - 8) * kDayMs;
  auto events = random_events(base, 3);
  std::vector<json> bodies = {{{"id", "def"},
                               {"type", "funnel_defined"},
                               {"tenant_id", "t1"},
                               {"timestamp", rfc3339(base)},
                               {"funnel_id", "f1"},
                               {"name", "Sales"},
                               {"stages", {"new", "won"}}}};
  for (const auto& e : events) bodies.push_back(to_json(e));
  std::shuffle(bodies.begin(), bodies.end(), std::mt19937(9));
  auto ingest = s.post_json("/analytics/process/batch", {{"events", bodies}}, h);
  ASSERT_EQ(ingest.status, 200) << ingest.body;
  ASSERT_EQ(ingest.json()["rejected"].size(), 0u) << ingest.body;

  for (std::int64_t offset : {0, 1, 2}) {
    const std::int64_t from = base + offset * kDayMs + 7 * kHourMs,
                       to = from + 2 * kDayMs + 30 * 60'000;
    const std::string q = "?from=" + url_encode(rfc3339(from)) + "&to=" + url_encode(rfc3339(to));
    const auto want = costs::testing::naive_cost(events, {{"f1", "won"}}, 0.4,
                                                 {{"a1", 1.5}, {"a2", 0.02}}, from, to);
    auto r = s.get("/metrics/cost" + q, h);
    ASSERT_EQ(r.status, 200) << r.body;
    const json got = r.json();
    SCOPED_TRACE(q);
    EXPECT_EQ(got["currency"], "BRL");
    EXPECT_EQ(got["tokens"], want.tokens);
    EXPECT_NEAR(got["cost"].get<double>(), want.cost, 1e-9);
    EXPECT_EQ(got["unattributed"]["tokens"], want.unattributed_tokens);
    ASSERT_EQ(got["assistants"].size(), want.lines.size()) << got.dump();
    for (const auto& a : got["assistants"]) {
      const auto& line = want.lines.at(a["assistant_id"].get<std::string>());
      EXPECT_EQ(a["tokens"], line.tokens);
      EXPECT_NEAR(a["cost"].get<double>(), line.cost, 1e-9);
      EXPECT_EQ(a["conversations"], line.conversations);
      EXPECT_EQ(a["resolutions"], line.resolutions);
      EXPECT_EQ(a["conversions"], line.conversions);
    }

    // cost_daily: per (date, assistant) rows whose sums per assistant are the report's tokens.
    auto d = s.get("/analytics/export/metrics?format=json&dataset=cost_daily&" + q.substr(1), h);
    ASSERT_EQ(d.status, 200) << d.body;
    std::map<std::string, std::int64_t> per_assistant;
    for (const auto& row : d.json()) {
      EXPECT_GT(row["tokens"].get<std::int64_t>(), 0);
      per_assistant[row["assistant_id"].is_null() ? "" : row["assistant_id"].get<std::string>()] +=
          row["tokens"].get<std::int64_t>();
    }
    EXPECT_EQ(per_assistant[""], want.unattributed_tokens);
    for (const auto& [a, line] : want.lines) EXPECT_EQ(per_assistant[a], line.tokens) << a;
  }
}

TEST_P(CostsHttp, TheRouteAndDataSourceAreDocumented) {
  ServerOptions o;
  o.database = GetParam();
  o.plugins = {"costs", "export"};
  ServerProcess s(o);
  const json doc = s.get("/openapi.json").json();
  ASSERT_TRUE(doc["paths"].contains("/metrics/cost")) << doc["paths"].dump().substr(0, 300);
  std::set<std::string> names;
  for (const auto& p : doc["paths"]["/metrics/cost"]["get"]["parameters"]) names.insert(p["name"]);
  EXPECT_TRUE(names.count("from") && names.count("to") && names.count("tz"));
  const json ds = s.get("/analytics/export/datasets", {{"X-Tenant-ID", "t1"}}).json();
  bool listed = false;
  for (const auto& d : ds["datasets"])
    listed |= d["name"] == "cost_daily" && d["plugin"] == "costs";
  EXPECT_TRUE(listed) << ds.dump();
  // No prices configured: everything at the default 0, currency USD.
  const json empty = s.get("/metrics/cost", {{"X-Tenant-ID", "t1"}}).json();
  EXPECT_EQ(empty["currency"], "USD");
  EXPECT_EQ(empty["assistants"], json::array());
}

TEST_P(CostsHttp, ABadPriceFailsOnlyThisPlugin) {
  ServerOptions o;
  o.database = GetParam();
  o.plugins = {"costs", "export"};
  o.plugin_config["costs"] = {{"default_per_1k_tokens", -1}};
  ServerProcess s(o);
  const json health = s.get("/health").json();
  std::map<std::string, std::string> status;
  for (const auto& p : health["plugins"]) status[p["name"]] = p["status"];
  EXPECT_EQ(status["costs"], "failed") << health.dump();
  EXPECT_EQ(status["export"], "running") << health.dump();
  EXPECT_EQ(s.get("/metrics/cost", {{"X-Tenant-ID", "t1"}}).status, 404);
  const json listed = s.get("/admin/plugins").json();
  for (const auto& p : listed["plugins"])
    if (p["name"] == "costs")
      EXPECT_NE(p["last_error"].get<std::string>().find(
                    "plugins[costs].config.default_per_1k_tokens: must be at least 0"),
                std::string::npos)
          << p.dump();
}

// The config block is declared (costs_config): the host checks a changed block before the running
// plugin goes, so a bad one is refused naming its key and the running prices keep serving.
TEST_P(CostsHttp, ABadBlockOnReloadIsRefusedAndTheRunningPricesKeepServing) {
  ServerOptions o;
  o.database = GetParam();
  o.plugins = {"costs"};
  o.plugin_config["costs"] = {{"currency", "BRL"}, {"default_per_1k_tokens", 0.4}};
  ServerProcess s(o);
  const Headers tenant = {{"X-Tenant-ID", "t1"}};
  ASSERT_EQ(s.get("/metrics/cost", tenant).json()["currency"], "BRL");
  auto plugin_error = [&] {
    const json listed = s.get("/admin/plugins").json();
    for (const auto& p : listed["plugins"])
      if (p["name"] == "costs")
        return p["last_error"].is_string() ? p["last_error"].get<std::string>() : "";
    return std::string("(costs not listed)");
  };
  const std::vector<std::pair<json, std::string>> bad = {
      {{{"curency", "EUR"}}, "plugins[costs].config.curency: not a key of this plugin"},
      {{{"currency", 3}}, "plugins[costs].config.currency: must be a string"},
      {{{"default_per_1k_tokens", -5}},
       "plugins[costs].config.default_per_1k_tokens: must be at least 0"},
      {{{"default_per_1k_tokens", "abc"}}, "default_per_1k_tokens: must be a number"},
      {{{"assistants", {{"a1", "cheap"}}}},
       "plugins[costs].config.assistants.a1: must be a number"},
      {{{"assistants", {{"a1", -1}}}}, "assistants.a1 must be a number >= 0"},
      {{{"currency", ""}}, "currency must be a non-empty string"}};
  for (const auto& [block, message] : bad) {
    SCOPED_TRACE(block.dump());
    ServerOptions next = o;
    next.plugin_config["costs"] = block;
    s.rewrite_config(next);
    auto reload = s.post_json("/admin/reload", json::object());
    ASSERT_EQ(reload.status, 200) << reload.body;
    EXPECT_EQ(reload.json()["refused"], json::array({"costs"})) << reload.body;
    EXPECT_NE(plugin_error().find(message), std::string::npos) << plugin_error();
    auto r = s.get("/metrics/cost", tenant);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["currency"], "BRL");
  }
  ServerOptions good = o;
  good.plugin_config["costs"] = {{"currency", "EUR"}};
  s.rewrite_config(good);
  auto reload = s.post_json("/admin/reload", json::object());
  EXPECT_EQ(reload.json()["restarted"], json::array({"costs"})) << reload.body;
  EXPECT_EQ(reload.json()["refused"], json::array()) << reload.body;
  EXPECT_EQ(s.get("/metrics/cost", tenant).json()["currency"], "EUR");
  EXPECT_EQ(plugin_error(), "");
}

INSTANTIATE_TEST_SUITE_P(Backends, CostsHttp, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace zaplify::testing
