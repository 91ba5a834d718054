// The examples /docs shows for the built-in routes are answers of a real server on its --demo data
// (core/docs/openapi_examples.json, compiled into the host; docs/api-notes.md). This test records
// them and keeps them honest: every JSON operation has one, the server serves it, it validates
// against the operation's schema, and it shows every field a fresh demo answer has. A changed
// answer shape therefore fails here until the file is recorded again:
//
//   ZAPLIFY_WRITE_OPENAPI_EXAMPLES=core/docs/openapi_examples.json \
//     build/tests/integration_tests --gtest_filter='OpenApiExamples.*'
//
// then rebuild (the file is compiled in). Values change with each recording (the demo data ends
// "now"); shapes do not.

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include "support/openapi_contract.h"
#include "support/server.h"

namespace zaplify::testing {
namespace {

using nlohmann::json;

const char* kShippedExamples = ZAPLIFY_SOURCE_DIR "/core/docs/openapi_examples.json";
constexpr const char* kDemoFunnel = "sales";

/// The request an operation's example answers: its path parameters and required query parameters
/// filled from the demo data, and `interval=day` where the route takes it (to show `series`).
std::string example_target(const ServerProcess& server, const std::string& path, const json& op) {
  std::string target = path;
  if (auto pos = target.find("{funnel_id}"); pos != std::string::npos)
    target.replace(pos, std::string("{funnel_id}").size(), kDemoFunnel);
  std::string query;
  for (const auto& p : op.value("parameters", json::array())) {
    if (p["in"] != "query") continue;
    const std::string name = p["name"];
    if (name == "funnel_id" && p.value("required", false))
      query += "&funnel_id=" + std::string(kDemoFunnel);
    if (name == "text")
      query += "&text=" + url_encode("Thanks, that was quick! But the price is too high.");
    if (name == "interval" &&
        p["schema"].value("enum", json::array()).dump().find("\"day\"") != std::string::npos)
      query += "&interval=day";
    if (name == "stage") {
      const json funnels = server.get("/analytics/funnels").json()["funnels"];
      for (const auto& f : funnels)
        if (f["funnel_id"] == kDemoFunnel)
          query += "&stage=" + url_encode(f["stages"][0].get<std::string>());
    }
  }
  return query.empty() ? target : target + "?" + query.substr(1);
}

/// A path of this machine's build tree says nothing to a reader: keep the file name.
void strip_build_paths(json& plugins_answer) {
  for (auto& p : plugins_answer["plugins"]) {
    std::string lib = p.value("library", "");
    if (auto slash = lib.rfind('/'); slash != std::string::npos)
      p["library"] = "plugins" + lib.substr(slash);
  }
}

/// Live demo answers, one per operation with a JSON answer ("METHOD /path" → trimmed body).
std::map<std::string, json> live_answers(const ServerProcess& server, const json& doc) {
  std::map<std::string, json> out;
  for (const auto& [path, ops] : doc["paths"].items()) {
    if (!ops.contains("get") || path == "/openapi.json") continue;
    const json& op = ops["get"];
    if (!op["responses"]["200"]["content"].contains("application/json")) continue;
    const std::string target = example_target(server, path, op);
    auto r = server.get(target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body.substr(0, 300);
    out["GET " + path] = trimmed(r.json());
  }
  strip_build_paths(out["GET /admin/plugins"]);
  const std::string ts = rfc3339(now_ms() - 60000);
  const json batch = {{"events",
                       {{{"id", "evt-1001"},
                         {"type", "lead_created"},
                         {"tenant_id", "default"},
                         {"timestamp", ts},
                         {"lead_id", "lead-1001"},
                         {"source", "instagram_ads"}},
                        {{"id", "evt-1002"},
                         {"type", "message"},
                         {"tenant_id", "default"},
                         {"timestamp", ts},
                         {"conversation_id", "conv-1001"},
                         {"sender", "robot"},
                         {"text", "hi"}}}}};
  const std::map<std::string, json> posts = {
      {"/analytics/process/batch", batch},
      {"/analytics/cache/refresh", {{"scope", "tenant"}, {"warm", true}}},
      {"/admin/reload", json::object()}};
  for (const auto& [path, body] : posts) {
    auto r = server.post_json(path, body);
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    out["POST " + path] = trimmed(r.json());
  }
  return out;
}

TEST(OpenApiExamples, ShippedExamplesAreDemoAnswersOfTodaysShape) {
  ServerOptions options = contract_server_options("sqlite");
  options.args = {"--demo"};
  ServerProcess server(options);
  ASSERT_TRUE(wait_demo_loaded(server));
  const json doc = server.get("/openapi.json").json();
  const auto live = live_answers(server, doc);
  ASSERT_GE(live.size(), 24u);  // 21 GET and 3 POST operations of the built-in plugins

  if (const char* out = std::getenv("ZAPLIFY_WRITE_OPENAPI_EXAMPLES")) {
    json file = {{"about",
                  "Generated, do not edit: answers of a --demo server recorded by "
                  "tests/integration/openapi_examples_test.cpp (docs/api-notes.md)."},
                 {"examples", json(live)}};
    std::ofstream(out) << file.dump(1) << "\n";
    GTEST_SKIP() << "recorded " << live.size() << " examples into " << out
                 << ": rebuild to ship them";
  }

  std::ifstream in(kShippedExamples);
  ASSERT_TRUE(in) << "no " << kShippedExamples;
  const json shipped = json::parse(in)["examples"];
  ContractValidator validator(doc);
  for (const auto& [key, answer] : live) {
    SCOPED_TRACE(key);
    ASSERT_TRUE(shipped.contains(key))
        << "no shipped example: record the file again (see the top of this test)";
    const json& example = shipped[key];
    const std::string method = key.substr(0, key.find(' ')), path = key.substr(key.find(' ') + 1);
    std::string lower = method;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const json& media =
        doc["paths"][path][lower]["responses"]["200"]["content"]["application/json"];
    EXPECT_EQ(media.value("example", json()), example)
        << "the server does not serve the shipped example: rebuild";
    EXPECT_EQ(validator.check(example, media["schema"]), "")
        << "the shipped example no longer validates";
    const auto shown = field_paths(example);
    for (const auto& field : field_paths(answer))
      EXPECT_TRUE(shown.count(field))
          << "the live answer has " << field << ", the shipped example does not: record it again";
  }
  for (const auto& [key, _] : shipped.items())
    EXPECT_TRUE(live.count(key)) << key << " is shipped but no longer a JSON operation";
}

}  // namespace
}  // namespace zaplify::testing
