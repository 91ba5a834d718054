// /openapi.json as a contract: the real server (every built-in plugin .so) is called on every
// documented route, and every 2xx and 4xx answer is validated with valijson against the schema the
// same server publishes for that route and status. A field the schema does not declare fails: each
// object of each live answer gets an undeclared field injected, and the answer must then be
// refused. On SQLite and PostgreSQL, each with two datasets: the --demo data, and the adversarial
// test dataset of the projection drills (support/projection_drill_support.h: redefined and stale
// funnels, unknown stages, repeated starts, duplicates) read under several windows, zones and
// intervals. Also an empty tenant (the null branches and 404s), every export dataset (JSON rows and
// CSV header), the POST routes, and the media types of the answers that are not JSON.

#include "support/openapi_contract.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "support/projection_drill_support.h"
#include "support/server.h"

namespace zaplify::testing {
namespace {

using nlohmann::json;

/// What one (backend, dataset) instance serves: a running server, its document, the tenant whose
/// data it holds and a funnel of that tenant.
struct ContractEnv {
  std::unique_ptr<ServerProcess> server;
  json openapi;
  std::unique_ptr<ContractValidator> validator;
  Headers tenant;
  std::string funnel;
  std::vector<std::string> dataset_targets;  ///< Reads beyond the generic ones (test dataset).
};

using ContractParam = std::tuple<std::string, std::string>;  // backend, dataset

class OpenApiContract : public ::testing::TestWithParam<ContractParam> {
 protected:
  void SetUp() override {
    const auto& [backend, dataset] = GetParam();
    auto& slot = envs_[backend + "/" + dataset];
    if (!slot) ASSERT_NO_FATAL_FAILURE(slot = start(backend, dataset));
    env_ = slot.get();
  }
  static void TearDownTestSuite() { envs_.clear(); }

  static std::unique_ptr<ContractEnv> start(const std::string& backend,
                                            const std::string& dataset) {
    auto env = std::make_unique<ContractEnv>();
    ServerOptions o = contract_server_options(backend);
    if (dataset == "demo") o.args = {"--demo"};
    env->server = std::make_unique<ServerProcess>(o);
    if (dataset == "demo") {
      EXPECT_TRUE(wait_demo_loaded(*env->server)) << "demo data not loaded";
      env->funnel = "sales";
    } else {
      const std::int64_t end = now_ms() / kHourMs * kHourMs;
      const auto events = drill_events(end, 120, 80);
      ingest(*env->server, events, 0, events.size());
      env->tenant = kDrillTenant;
      env->funnel = "sales";
      env->dataset_targets = read_targets(*env->server, end);
      const std::string w = "from=" + day_text(end - 20 * kDayMs) + "&to=" + day_text(end + kDayMs);
      for (const char* f : {"sales", "support", "re", "late"})
        for (const char* interval : {"day", "week", "month"})
          env->dataset_targets.push_back(std::string("/analytics/cohorts?funnel_id=") + f +
                                         "&interval=" + interval + "&" + w);
      for (const char* p : {"/metrics/cost?", "/analytics/conversations/whatsapp-window?limit=500&",
                            "/analytics/real-time/conversations?limit=500&"})
        env->dataset_targets.push_back(p + w);
    }
    env->openapi = env->server->get("/openapi.json").json();
    env->validator = std::make_unique<ContractValidator>(env->openapi);
    return env;
  }

  const json& op_of(const std::string& path, const std::string& method = "get") const {
    return env_->openapi["paths"][path][method];
  }

  /// Calls `target` and validates the answer against the schema declared for its status; then
  /// proves the schema closed by injecting an undeclared field into each object of the answer.
  /// Returns the answer's status.
  int check_get(const std::string& target, const Headers& headers,
                bool expect_closed = true) const {
    SCOPED_TRACE(target);
    const std::string path = path_template(env_->openapi, target);
    if (path.empty()) {
      ADD_FAILURE() << target << " matches no documented path";
      return 0;
    }
    auto r = env_->server->get(target, headers);
    const json* schema = response_schema(op_of(path), r.status);
    if (schema == nullptr) {
      ADD_FAILURE() << "status " << r.status << " is not documented with a JSON body for GET "
                    << path << "\n"
                    << r.body.substr(0, 400);
      return r.status;
    }
    const json body = r.json();
    const std::string why = env_->validator->check(body, *schema);
    EXPECT_EQ(why, "") << "GET " << target << " → " << r.status << "\n" << r.body.substr(0, 600);
    if (!why.empty() || !expect_closed) return r.status;
    std::vector<std::string> pointers;
    object_pointers(body, "", pointers);
    for (const auto& at : pointers) {
      json tampered = body;
      tampered[json::json_pointer(at)]["zz_undeclared_field"] = "x";
      EXPECT_NE(env_->validator->check(tampered, *schema), "")
          << "an undeclared field at '" << at << "' of GET " << target << " passes its schema";
    }
    return r.status;
  }
  int check_get(const std::string& target) const { return check_get(target, env_->tenant); }

  std::string first_stage() const {
    const json funnels = env_->server->get("/analytics/funnels", env_->tenant).json()["funnels"];
    for (const auto& f : funnels)
      if (f["funnel_id"] == env_->funnel) return f["stages"][0].get<std::string>();
    return "";
  }

  /// Every documented GET route with a JSON answer as concrete targets: path parameters filled,
  /// required query parameters given; one more target per value of each optional enum parameter
  /// (interval, breakdown, ...) and per optional integer's declared minimum.
  std::vector<std::string> json_get_targets() const {
    std::vector<std::string> out;
    const std::string stage = first_stage();
    for (const auto& [path, ops] : env_->openapi["paths"].items()) {
      if (!ops.contains("get") || path == "/openapi.json") continue;
      const json& op = ops["get"];
      if (!op["responses"]["200"]["content"].contains("application/json")) continue;
      std::string base = path;
      if (auto pos = base.find("{funnel_id}"); pos != std::string::npos)
        base.replace(pos, std::string("{funnel_id}").size(), env_->funnel);
      std::string query;
      std::vector<std::string> variants;
      for (const auto& p : op.value("parameters", json::array())) {
        if (p["in"] != "query") continue;
        const std::string name = p["name"];
        if (p.value("required", false)) {
          if (name == "stage") query += "&stage=" + url_encode(stage);
          if (name == "funnel_id") query += "&funnel_id=" + env_->funnel;
          if (name == "text")
            query += "&text=" + url_encode("not great, but thanks for the quick answer!");
          continue;
        }
        if (name == "format") continue;  // the other formats are not JSON (checked below)
        for (const auto& v : p["schema"].value("enum", json::array()))
          variants.push_back(name + "=" + (v.is_string() ? v.get<std::string>() : v.dump()));
        if (p["schema"].contains("minimum") && p["schema"]["type"] == "integer")
          variants.push_back(name + "=" + p["schema"]["minimum"].dump());
      }
      const std::string sep = query.empty() ? "?" : "?" + query.substr(1) + "&";
      out.push_back(base + (query.empty() ? "" : "?" + query.substr(1)));
      for (const auto& v : variants) out.push_back(base + sep + v);
    }
    return out;
  }

  static std::map<std::string, std::unique_ptr<ContractEnv>> envs_;
  ContractEnv* env_ = nullptr;
};

std::map<std::string, std::unique_ptr<ContractEnv>> OpenApiContract::envs_;

TEST_P(OpenApiContract, EveryGetRouteAnswersWhatItDeclares) {
  auto targets = json_get_targets();
  ASSERT_GE(targets.size(), 30u) << "fewer JSON GET targets than the built-in routes give";
  targets.insert(targets.end(), env_->dataset_targets.begin(), env_->dataset_targets.end());
  std::set<std::string> paths_seen;
  for (const auto& target : targets) {
    EXPECT_EQ(check_get(target), 200) << target;
    paths_seen.insert(path_template(env_->openapi, target));
  }
  EXPECT_GE(paths_seen.size(), 20u);
  EXPECT_EQ(check_get("/openapi.json", {}, /*expect_closed=*/false), 200);  // open by design
  std::cerr << "contract: " << targets.size() << " GET answers on " << paths_seen.size()
            << " routes validated\n";
}

TEST_P(OpenApiContract, AnEmptyTenantAndClientErrorsAnswerWhatTheyDeclare) {
  const Headers empty_tenant = {{"X-Tenant-ID", "contract_empty"}};
  for (const auto& target : json_get_targets()) {
    int status = check_get(target, empty_tenant);
    // The dataset's funnel does not exist for this tenant: its routes answer a documented 404.
    const bool names_funnel =
        path_template(env_->openapi, target).find("{funnel_id}") != std::string::npos ||
        target.find("funnel_id=") != std::string::npos;
    EXPECT_EQ(status, names_funnel ? 404 : 200) << target;
  }
  int checked = 0;
  for (const auto& target : json_get_targets()) {
    std::set<std::string> params;
    for (const auto& p :
         op_of(path_template(env_->openapi, target)).value("parameters", json::array()))
      params.insert(p["name"]);
    const std::string sep = target.find('?') == std::string::npos ? "?" : "&";
    if (params.count("from")) {
      EXPECT_EQ(check_get(target + sep + "from=not-a-date"), 400);
      EXPECT_EQ(check_get(target + sep + "tz=Mars/Olympus"), 400);
      ++checked;
    }
    if (params.count("interval")) EXPECT_EQ(check_get(target + sep + "interval=fortnight"), 400);
    if (params.count("limit")) EXPECT_EQ(check_get(target + sep + "limit=0"), 400);
    if (params.count("conversion_window_days"))
      EXPECT_EQ(check_get(target + sep + "conversion_window_days=366"), 400);
  }
  EXPECT_GE(checked, 14);
  EXPECT_EQ(check_get("/analytics/funnel/no_such_funnel"), 404);
  EXPECT_EQ(check_get("/analytics/cohorts?funnel_id=no_such_funnel"), 404);
  EXPECT_EQ(check_get("/metrics/conversion?funnel_id=no_such_funnel"), 404);
  EXPECT_EQ(check_get("/analytics/export/metrics?dataset=no_such"), 404);
  EXPECT_EQ(check_get("/analytics/conversations/sentiment/explain"), 400);  // text is required
  // A malformed request is refused before any route runs, with the documented 400 envelope, also
  // on the public routes without parameters.
  for (const char* path : {"/health", "/openapi.json"}) {
    auto r = env_->server->request("GET", path, "", {{"Content-Length", "abc"}});
    ASSERT_EQ(r.status, 400) << path;
    EXPECT_EQ(env_->validator->check(r.json(), *response_schema(op_of(path), 400)), "") << path;
  }
}

TEST_P(OpenApiContract, EveryDatasetExportsRowsOfItsDeclaredShape) {
  const json& op = op_of("/analytics/export/metrics");
  ASSERT_TRUE(op["responses"]["200"]["content"].contains("text/csv"));
  const auto datasets =
      env_->server->get("/analytics/export/datasets", env_->tenant).json()["datasets"];
  ASSERT_GE(datasets.size(), 7u);  // kpi_daily ... cost_daily, cohorts
  for (const auto& d : datasets) {
    const std::string name = d["name"];
    SCOPED_TRACE(name);
    std::string row_component;
    for (const auto& [component, schema] : env_->openapi["components"]["schemas"].items())
      if (schema.value("x-zaplify-dataset", "") == name) row_component = component;
    ASSERT_NE(row_component, "") << "no published row schema for dataset " << name;
    std::string target = "/analytics/export/metrics?dataset=" + name;
    for (const auto& p : d["parameters"])
      if (p["name"] == "funnel_id") target += "&funnel_id=" + env_->funnel;
    auto rows = env_->server->get(target + "&format=json", env_->tenant);
    ASSERT_EQ(rows.status, 200) << rows.body;
    const json body = rows.json();
    ASSERT_TRUE(body.is_array());
    const json row_schema = {{"type", "array"},
                             {"items", {{"$ref", "#/components/schemas/" + row_component}}}};
    EXPECT_EQ(env_->validator->check(body, row_schema), "") << rows.body.substr(0, 600);
    EXPECT_EQ(env_->validator->check(body, *response_schema(op, 200)), "");
    if (!body.empty()) {
      json tampered = body;
      tampered[0]["zz_undeclared_field"] = 1;
      EXPECT_NE(env_->validator->check(tampered, row_schema), "")
          << "row schema of " << name << " is open";
    }
    // CSV: the header row is the dataset's columns, which are the row schema's fields.
    auto csv = env_->server->get(target + "&format=csv", env_->tenant);
    ASSERT_EQ(csv.status, 200);
    EXPECT_EQ(csv.header("content-type").rfind("text/csv", 0), 0u) << csv.header("content-type");
    std::set<std::string> declared;
    for (const auto& [field, _] :
         env_->openapi["components"]["schemas"][row_component]["properties"].items())
      declared.insert(field);
    std::set<std::string> header;
    std::string first_line = csv.body.substr(0, csv.body.find("\r\n"));
    for (std::size_t at = 0; at <= first_line.size();) {
      std::size_t comma = first_line.find(',', at);
      if (comma == std::string::npos) comma = first_line.size();
      header.insert(first_line.substr(at, comma - at));
      at = comma + 1;
    }
    for (const auto& column : header)
      EXPECT_TRUE(declared.count(column)) << column << " undeclared";
    std::set<std::string> listed;
    for (const auto& c : d["columns"]) listed.insert(c["name"].get<std::string>());
    EXPECT_EQ(listed, declared);
  }
}

TEST_P(OpenApiContract, PostRoutesAndNonJsonAnswersMatchTheDocument) {
  auto check_post = [&](const std::string& path, const json& body) {
    auto r = env_->server->post_json(path, body, env_->tenant);
    const json* schema = response_schema(op_of(path, "post"), r.status);
    if (schema == nullptr) {
      ADD_FAILURE() << path << " answered undocumented status " << r.status;
      return;
    }
    EXPECT_EQ(env_->validator->check(r.json(), *schema), "") << path << " → " << r.body;
  };
  const std::string tenant = env_->tenant.empty() ? "default" : env_->tenant.begin()->second;
  json events = json::array({{{"id", "contract-1"},
                              {"type", "lead_created"},
                              {"tenant_id", tenant},
                              {"timestamp", rfc3339(now_ms() - 60000)},
                              {"lead_id", "contract-lead"}},
                             {{"id", "contract-2"},
                              {"type", "no_such_type"},
                              {"tenant_id", tenant},
                              {"timestamp", rfc3339(now_ms())}},
                             "not an object"});
  check_post("/analytics/process/batch", {{"events", events}});
  check_post("/analytics/process/batch", {{"no_events", true}});  // 400 envelope
  check_post("/analytics/cache/refresh", {{"scope", "tenant"}, {"warm", true}});
  check_post("/analytics/cache/refresh", {{"scope", "everything"}});  // 400 envelope
  check_post("/admin/reload", json::object());

  // Answers that are not JSON come with a media type their operation documents.
  const std::vector<std::string> others = {
      "/docs",
      "/docs/swagger-ui.css",
      "/docs/swagger-ui-bundle.js",
      "/docs/favicon-32x32.png",
      "/dashboard",
      "/dashboard/app.js",
      "/dashboard/dashboard.css",
      "/metrics",
      "/analytics/export/metrics?format=csv",
      "/analytics/funnel/" + env_->funnel + "/conversion-flow?format=svg"};
  for (const auto& target : others) {
    auto r = env_->server->get(target, env_->tenant);
    ASSERT_EQ(r.status, 200) << target;
    std::string media = r.header("content-type");
    media = media.substr(0, media.find(';'));
    const json& content =
        op_of(path_template(env_->openapi, target))["responses"]["200"]["content"];
    EXPECT_TRUE(content.contains(media))
        << target << " answers " << media << ", documented: " << content.dump().substr(0, 300);
  }
}

TEST_P(OpenApiContract, DocumentDeclaresEveryResponseAndItsExamplesValidate) {
  int undeclared = 0, examples = 0;
  for (const auto& [path, ops] : env_->openapi["paths"].items())
    for (const auto& [method, op] : ops.items()) {
      SCOPED_TRACE(method + " " + path);
      for (const auto& [media, content] : op["responses"]["200"]["content"].items())
        if (content["schema"].value("description", "") == "Not declared by the route.")
          ++undeclared;
      bool has_4xx = false;
      for (const auto& [code, response] : op["responses"].items()) {
        has_4xx |= code[0] == '4';
        const json& schema = response["content"]["application/json"]["schema"];
        if (code == "503" && path == "/health")
          EXPECT_EQ(schema["$ref"], "#/components/schemas/HealthResponse");
        else if (code[0] == '4' || code[0] == '5')
          EXPECT_EQ(schema["$ref"], "#/components/schemas/Error");
        // Every example shown in /docs is a valid answer (the shipped ones come from the demo).
        for (const auto& [media, body] : response["content"].items())
          if (body.contains("example")) {
            ++examples;
            EXPECT_EQ(env_->validator->check(body["example"], body["schema"]), "")
                << code << " " << media;
          }
      }
      EXPECT_TRUE(has_4xx);
    }
  EXPECT_EQ(undeclared, 0);
  EXPECT_GE(examples, 24);  // every JSON operation of the built-in plugins
  const json& schemas = env_->openapi["components"]["schemas"];
  EXPECT_EQ(schemas["Error"]["properties"]["error"]["properties"]["field"]["nullable"], true);
  const json& batch = op_of("/analytics/process/batch", "post")["requestBody"];
  EXPECT_EQ(batch["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/BatchRequest");
  EXPECT_EQ(schemas["BatchRequest"]["properties"]["events"]["items"]["oneOf"].size(), 6u);
  for (const char* name :
       {"MetricsKpiResponse", "FunnelReportResponse", "ConversationSentimentResponse",
        "HealthResponse", "ExportDatasetsResponse", "MetricsKpiDailyRow", "CostsCostResponse",
        "CohortsResponse", "ConversationWhatsappWindowResponse",
        "ConversationSentimentExplainResponse", "FunnelTimeToConvert"})
    EXPECT_TRUE(schemas.contains(name)) << name;
}

std::vector<ContractParam> contract_params() {
  std::vector<ContractParam> out;
  for (const auto& backend : backends())
    for (const char* dataset : {"demo", "testdata"}) out.emplace_back(backend, dataset);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Backends, OpenApiContract, ::testing::ValuesIn(contract_params()),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_" + std::get<1>(info.param);
                         });

}  // namespace
}  // namespace zaplify::testing
