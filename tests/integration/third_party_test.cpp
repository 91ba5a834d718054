// A third party's plugin, built out of tree against the installed SDK alone
// (docs/examples/event_counter), loaded through YAML: its route answers, and it shows in
// /openapi.json, /health and the export plugin's datasets.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>

#include "support/server.h"

namespace zaplify::testing {
namespace {

using nlohmann::json;

std::string build_example_plugin() {
  std::string cmd = std::string(ZAPLIFY_SOURCE_DIR) + "/scripts/build-example-plugin.sh " +
                    ZAPLIFY_BINARY_DIR + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  std::array<char, 4096> buf{};
  while (pipe && fgets(buf.data(), buf.size(), pipe.get())) out += buf.data();
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  auto nl = out.rfind('\n');
  return nl == std::string::npos ? out : out.substr(nl + 1);
}

TEST(ThirdPartyPluginTest, BuiltOutOfTreeLoadsAndServes) {
  std::string so = build_example_plugin();
  ASSERT_NE(so.find("event_counter.so"), std::string::npos) << so;

  ServerOptions o;
  o.plugins.push_back("event_counter");
  o.library_paths["event_counter"] = so;
  o.plugin_config["event_counter"] = json{{"label", "events"}};
  ServerProcess server(o);

  std::int64_t now = now_ms();
  json events = json::array();
  for (int i = 0; i < 3; ++i)
    events.push_back({{"id", "l" + std::to_string(i)}, {"type", "lead_created"}, {"tenant_id", "default"},
                      {"timestamp", rfc3339(now - 1000 * (i + 1))}, {"lead_id", "lead" + std::to_string(i)}});
  events.push_back({{"id", "c0"}, {"type", "conversation_started"}, {"tenant_id", "default"},
                    {"timestamp", rfc3339(now - 500)}, {"conversation_id", "c"}, {"lead_id", "lead0"}});
  ASSERT_EQ(server.post_json("/analytics/process/batch", {{"events", events}}).json()["accepted"], 4);

  auto r = server.get("/examples/event-counts");
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.json();
  EXPECT_EQ(body["total"], 4);
  EXPECT_TRUE(body.contains("window"));
  json expected = json::array({{{"type", "conversation_started"}, {"events", 1}},
                               {{"type", "lead_created"}, {"events", 3}}});
  EXPECT_EQ(body["counts"], expected);

  EXPECT_TRUE(server.get("/openapi.json").json()["paths"].contains("/examples/event-counts"));
  bool in_health = false;
  const auto health = server.get("/health").json();
  for (const auto& p : health["plugins"])
    in_health |= p["name"] == "event_counter" && p["status"] == "running";
  EXPECT_TRUE(in_health) << server.get("/health").body;
  bool in_datasets = false;
  const auto datasets = server.get("/analytics/export/datasets").json();
  for (const auto& d : datasets["datasets"])
    in_datasets |= d["name"] == "event_counts" && d["plugin"] == "event_counter";
  EXPECT_TRUE(in_datasets) << server.get("/analytics/export/datasets").body;
  auto csv = server.get("/analytics/export/metrics?dataset=event_counts&format=csv");
  EXPECT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body, "type,events\r\nconversation_started,1\r\nlead_created,3\r\n");
}

}  // namespace
}  // namespace zaplify::testing
