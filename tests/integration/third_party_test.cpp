// A third party's plugin, built out of tree against the installed SDK alone
// (docs/examples/event_counter), loaded through YAML: its route answers, and it shows in
// /openapi.json, /health and the export plugin's datasets. Its own unit tests (on the SDK's test
// kit) pass, and its custom event type and host-checked route parameter work over HTTP.
#include <gtest/gtest.h>

#include <sys/wait.h>

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

struct CommandResult {
  int exit_code = -1;
  std::string output;     ///< stdout and stderr together, trailing newlines removed.
  std::string last_line;  ///< The script prints the .so path last.
};

CommandResult run_example_script(const std::string& args) {
  std::string cmd = std::string(ZAPLIFY_SOURCE_DIR) + "/scripts/build-example-plugin.sh " + args +
                    " " + ZAPLIFY_BINARY_DIR + " 2>&1";
  CommandResult r;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  while (fgets(buf.data(), buf.size(), pipe)) r.output += buf.data();
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  while (!r.output.empty() && (r.output.back() == '\n' || r.output.back() == '\r'))
    r.output.pop_back();
  auto nl = r.output.rfind('\n');
  r.last_line = nl == std::string::npos ? r.output : r.output.substr(nl + 1);
  return r;
}

std::string build_example_plugin() { return run_example_script("").last_line; }

// The example's unit tests (docs/examples/event_counter/tests), built against the installed SDK
// and its test kit like the plugin, must pass.
TEST(ThirdPartyPluginTest, ExampleUnitTestsPassOnTheTestKit) {
  const CommandResult r = run_example_script("--test");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("100% tests passed"), std::string::npos) << r.output;
  EXPECT_NE(r.last_line.find("event_counter.so"), std::string::npos) << r.output;
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
    events.push_back({{"id", "l" + std::to_string(i)},
                      {"type", "lead_created"},
                      {"tenant_id", "default"},
                      {"timestamp", rfc3339(now - 1000 * (i + 1))},
                      {"lead_id", "lead" + std::to_string(i)}});
  events.push_back({{"id", "c0"},
                    {"type", "conversation_started"},
                    {"tenant_id", "default"},
                    {"timestamp", rfc3339(now - 500)},
                    {"conversation_id", "c"},
                    {"lead_id", "lead0"}});
  ASSERT_EQ(server.post_json("/analytics/process/batch", {{"events", events}}).json()["accepted"],
            4);

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

// The example's own event type, booking_made, accepted while it runs; GET /examples/bookings counts
// and sums them, and the host refuses a bad min_amount before the handler runs.
TEST(ThirdPartyPluginTest, CustomEventTypeAndDeclaredParameter) {
  std::string so = build_example_plugin();
  ASSERT_NE(so.find("event_counter.so"), std::string::npos) << so;
  ServerOptions o;
  o.plugins = {"event_counter"};
  o.library_paths["event_counter"] = so;
  ServerProcess server(o);

  const std::int64_t now = now_ms();
  auto booking = [&](const std::string& id, std::int64_t ago_ms, json properties) {
    return json{{"id", id},
                {"type", "booking_made"},
                {"tenant_id", "default"},
                {"timestamp", rfc3339(now - ago_ms)},
                {"properties", std::move(properties)}};
  };
  const json events = json::array({
      booking("b1", 1000, {{"amount", 1500}, {"service", "haircut"}}),
      booking("b2", 2000, {{"amount", 4000}}),
      booking("b3", 3000, {{"amount", 250}, {"service", nullptr}}),
      booking("b4", 8 * 86400000ll, {{"amount", 9999}}),  // before the default window (7 days)
      booking("b5", 1000, {{"service", "massage"}}),      // no amount: rejected
      booking("b6", 1000, {{"amount", 12.5}}),            // not an integer: rejected
  });
  auto posted = server.post_json("/analytics/process/batch", {{"events", events}});
  ASSERT_EQ(posted.status, 200) << posted.body;
  EXPECT_EQ(posted.json()["accepted"], 4) << posted.body;
  ASSERT_EQ(posted.json()["rejected"].size(), 2u) << posted.body;
  const json answer = posted.json();  // kept: a range-for over a temporary's member would dangle
  for (const auto& rejected : answer["rejected"])
    EXPECT_NE(rejected["error"].get<std::string>().find("amount"), std::string::npos)
        << rejected.dump();

  auto all = server.get("/examples/bookings");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.json()["bookings"], 3) << all.body;
  EXPECT_EQ(all.json()["amount"], 1500 + 4000 + 250) << all.body;
  EXPECT_TRUE(all.json().contains("window")) << all.body;
  auto large = server.get("/examples/bookings?min_amount=1500");
  ASSERT_EQ(large.status, 200) << large.body;
  EXPECT_EQ(large.json()["bookings"], 2) << large.body;
  EXPECT_EQ(large.json()["amount"], 1500 + 4000) << large.body;
  auto longer = server.get("/examples/bookings?from=" + rfc3339(now - 10 * 86400000ll) +
                           "&to=" + rfc3339(now + 1));
  ASSERT_EQ(longer.status, 200) << longer.body;
  EXPECT_EQ(longer.json()["bookings"], 4) << longer.body;
  EXPECT_EQ(longer.json()["amount"], 1500 + 4000 + 250 + 9999) << longer.body;

  for (const std::string bad : {"abc", "-5", "1.5", ""}) {
    auto r = server.get("/examples/bookings?min_amount=" + bad);
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
    const json error = r.json()["error"];
    EXPECT_EQ(error["code"], "invalid_parameter") << r.body;
    EXPECT_EQ(error["field"], "min_amount") << r.body;
  }

  const json doc = server.get("/openapi.json").json();
  EXPECT_TRUE(doc["paths"].contains("/examples/bookings"));
  EXPECT_TRUE(doc["components"]["schemas"]["BatchRequest"]["properties"]["events"]["items"]
                 ["discriminator"]["mapping"]
                     .contains("booking_made"))
      << "the batch body documents the example's event type";
}

// The example's projection: counts per day and type, kept by the host; what it missed while the
// plugin was off is replayed when it comes back.
std::map<std::pair<std::string, std::string>, std::int64_t> daily_counts(
    const ServerProcess& server, std::int64_t now) {
  const std::string from = rfc3339(now - 2 * 86400000).substr(0, 10);
  const std::string to = rfc3339(now + 2 * 86400000).substr(0, 10);
  auto r =
      server.get("/analytics/export/metrics?dataset=event_counts_daily&format=json&from=" + from +
                 "&to=" + to);
  EXPECT_EQ(r.status, 200) << r.body;
  std::map<std::pair<std::string, std::string>, std::int64_t> out;
  for (const auto& row : r.json())
    out[{row["date"], row["type"]}] = row["events"].get<std::int64_t>();
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
      json e = {{"id", prefix + std::to_string(i)},
                {"type", type},
                {"tenant_id", "default"},
                {"timestamp", rfc3339(ts)},
                {"lead_id", "lead" + std::to_string(i)}};
      if (type == "stage_changed") e.update({{"funnel_id", "f"}, {"stage", "new"}});
      events.push_back(e);
      ++expected[{rfc3339(ts).substr(0, 10), type}];
    }
    ASSERT_EQ(server.post_json("/analytics/process/batch", {{"events", events}}).json()["accepted"],
              n);
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
  EXPECT_EQ(daily_counts(server, now), expected)
      << "the events ingested while it was off are missing";
}

}  // namespace
}  // namespace zaplify::testing
