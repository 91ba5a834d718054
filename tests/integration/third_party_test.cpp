// A third party's plugin, built out of tree against the installed SDK alone
// (docs/examples/event_counter), loaded through YAML: its route answers, and it shows in
// /openapi.json, /health and the export plugin's datasets.
#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <utility>

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

  // Its declared config key: a bad value on reload is refused naming the key (by the host's type
  // check, then by the plugin's own check) and the running instance keeps serving.
  for (const json& bad : {json(5), json("type")}) {
    ServerOptions next = o;
    next.plugin_config["event_counter"] = json{{"label", bad}};
    server.rewrite_config(next);
    auto reload = server.post_json("/admin/reload", json::object());
    EXPECT_EQ(reload.json()["refused"], json::array({"event_counter"})) << reload.body;
    const json listed = server.get("/admin/plugins").json();
    for (const auto& p : listed["plugins"])
      if (p["name"] == "event_counter")
        EXPECT_NE(p["last_error"].get<std::string>().find("plugins[event_counter].config"),
                  std::string::npos)
            << p.dump();
    EXPECT_EQ(server.get("/examples/event-counts").json()["counts"], expected);
  }
}

// The example's projection: counts per day and type, kept by the host; what it missed while the
// plugin was off is replayed when it comes back.
std::map<std::pair<std::string, std::string>, std::int64_t> daily_counts(const ServerProcess& server,
                                                                         std::int64_t now) {
  const std::string from = rfc3339(now - 2 * 86400000).substr(0, 10);
  const std::string to = rfc3339(now + 2 * 86400000).substr(0, 10);
  auto r = server.get("/analytics/export/metrics?dataset=event_counts_daily&format=json&from=" + from +
                      "&to=" + to);
  EXPECT_EQ(r.status, 200) << r.body;
  std::map<std::pair<std::string, std::string>, std::int64_t> out;
  for (const auto& row : r.json()) out[{row["date"], row["type"]}] = row["events"].get<std::int64_t>();
  return out;
}

TEST(ThirdPartyPluginTest, ProjectionCatchesUpAfterBeingOff) {
  std::string so = build_example_plugin();
  ServerOptions on;
  on.plugins.push_back("event_counter");
  on.library_paths["event_counter"] = so;
  ServerProcess server(on);
  const std::int64_t now = now_ms();
  std::map<std::pair<std::string, std::string>, std::int64_t> expected;
  auto ingest = [&](const std::string& prefix, int n) {
    json events = json::array();
    for (int i = 0; i < n; ++i) {
      const std::int64_t ts = now - 3'600'000ll * (i % 30);  // spans about a day and a half
      const std::string type = i % 3 ? "lead_created" : "stage_changed";
      json e = {{"id", prefix + std::to_string(i)}, {"type", type}, {"tenant_id", "default"},
                {"timestamp", rfc3339(ts)}, {"lead_id", "lead" + std::to_string(i)}};
      if (type == "stage_changed") e.update({{"funnel_id", "f"}, {"stage", "new"}});
      events.push_back(e);
      ++expected[{rfc3339(ts).substr(0, 10), type}];
    }
    ASSERT_EQ(server.post_json("/analytics/process/batch", {{"events", events}}).json()["accepted"], n);
  };
  ingest("before-", 40);
  EXPECT_EQ(daily_counts(server, now), expected);

  ServerOptions off = on;
  off.plugins.pop_back();
  off.disabled = {"event_counter"};
  server.rewrite_config(off);
  server.signal(SIGHUP);
  ASSERT_TRUE(wait_for_status(server, "/examples/event-counts", 404));
  ingest("while-off-", 70);
  server.rewrite_config(on);
  server.signal(SIGHUP);
  ASSERT_TRUE(wait_for_status(server, "/examples/event-counts", 200));
  ASSERT_TRUE(server.wait_caught_up());
  EXPECT_EQ(daily_counts(server, now), expected) << "the events ingested while it was off are missing";
}

}  // namespace
}  // namespace zaplify::testing
