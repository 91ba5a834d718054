// /openapi.json as a contract: every GET route of the real server (real plugin .so files, demo
// data) is called, and every 2xx and 4xx answer is validated with valijson against the schema the
// same server publishes for that route and status. A field the schema does not declare fails:
// each object of each live answer gets an undeclared field injected, and the answer must then be
// refused. Also on an empty tenant (the null branches), for every export dataset (JSON rows and
// CSV header), and for the POST routes' answers.

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

// Errors in a schema throw (with the reason) instead of aborting the test binary.
#define VALIJSON_USE_EXCEPTIONS 1
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "support/server.h"

namespace zaplify::testing {
namespace {

using nlohmann::json;

/// OpenAPI 3.0 schema objects → JSON Schema (draft 7), which valijson reads: `nullable: true`
/// becomes a null alternative; OpenAPI-only keywords are dropped.
json to_json_schema(const json& node) {
  if (node.is_array()) {
    json out = json::array();
    for (const auto& x : node) out.push_back(to_json_schema(x));
    return out;
  }
  if (!node.is_object()) return node;
  json out = json::object();
  for (const auto& [key, value] : node.items()) {
    if (key == "nullable" || key == "discriminator" || key == "example" || key.rfind("x-", 0) == 0)
      continue;
    // `properties` maps names to schemas: convert the values, never treat the names as keywords.
    if (key == "properties" || key == "schemas") {
      out[key] = json::object();
      for (const auto& [name, sub] : value.items()) out[key][name] = to_json_schema(sub);
    } else {
      out[key] = to_json_schema(value);
    }
  }
  if (node.value("nullable", false)) return json{{"anyOf", {out, {{"type", "null"}}}}};
  return out;
}

/// Validates values against schemas of one OpenAPI document (its components resolve `$ref`s).
class ContractValidator {
 public:
  explicit ContractValidator(const json& openapi)
      : components_(to_json_schema(openapi["components"]["schemas"])) {}

  /// "" when `value` is valid against the OpenAPI schema `schema`, else valijson's reasons.
  std::string check(const json& value, const json& schema) {
    const std::string key = schema.dump();
    auto it = parsed_.find(key);
    if (it == parsed_.end()) {
      root_docs_.push_back(std::make_unique<json>(
          json{{"components", {{"schemas", components_}}}, {"allOf", json::array({to_json_schema(schema)})}}));
      auto compiled = std::make_unique<valijson::Schema>();
      valijson::SchemaParser parser;
      valijson::adapters::NlohmannJsonAdapter adapter(*root_docs_.back());
      try {
        parser.populateSchema(adapter, *compiled);
      } catch (const std::exception& e) {
        return std::string("schema not readable by valijson: ") + e.what() + "\n" + key;
      }
      it = parsed_.emplace(key, std::move(compiled)).first;
    }
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter target(value);
    if (validator.validate(*it->second, target, &results)) return "";
    std::string why;
    valijson::ValidationResults::Error error;
    for (int n = 0; n < 6 && results.popError(error); ++n) {
      std::string where;
      for (const auto& c : error.context) where += c;
      why += "  " + where + ": " + error.description + "\n";
    }
    return why;
  }

 private:
  json components_;
  std::vector<std::unique_ptr<json>> root_docs_;
  std::map<std::string, std::unique_ptr<valijson::Schema>> parsed_;
};

/// The JSON schema the operation declares for `status`; null when it declares none.
const json* response_schema(const json& op, int status) {
  const json::json_pointer at("/responses/" + std::to_string(status) +
                              "/content/application~1json/schema");
  return op.contains(at) ? &op.at(at) : nullptr;
}

/// Every object node of `value` (arrays: their first 5 items), as JSON pointers.
void object_pointers(const json& value, const std::string& at, std::vector<std::string>& out) {
  if (value.is_object()) {
    out.push_back(at);
    for (const auto& [k, v] : value.items()) object_pointers(v, at + "/" + k, out);
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size() && i < 5; ++i)
      object_pointers(value[i], at + "/" + std::to_string(i), out);
  }
}

class OpenApiContractTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ServerOptions o;
    o.args = {"--demo"};
    server_ = new ServerProcess(o);
    ASSERT_TRUE(wait_demo_loaded());
    openapi_ = server_->get("/openapi.json").json();
    validator_ = new ContractValidator(openapi_);
  }
  static void TearDownTestSuite() {
    delete validator_;
    delete server_;
  }

  static bool wait_demo_loaded() {
    for (int i = 0; i < 600; ++i) {
      auto health = server_->get("/health").json();
      const auto& demo = health.value("demo", json::object());
      if (!demo.value("loading", true) && demo.value("events", 0) > 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  /// Calls `target` (a GET of the operation at `path`) and validates the answer against the
  /// schema declared for its status; then proves the schema closed by injecting an undeclared
  /// field into each object of the answer. Returns the answer's status.
  static int check_get(const std::string& path, const std::string& target, const Headers& headers = {},
                       bool expect_closed = true) {
    SCOPED_TRACE(target);
    const json& op = openapi_["paths"][path]["get"];
    auto r = server_->get(target, headers);
    const json* schema = response_schema(op, r.status);
    if (schema == nullptr) {
      ADD_FAILURE() << "status " << r.status << " is not documented with a JSON body for GET " << path
                    << "\n" << r.body.substr(0, 400);
      return r.status;
    }
    const json body = r.json();
    const std::string why = validator_->check(body, *schema);
    EXPECT_EQ(why, "") << "GET " << target << " → " << r.status << "\n" << r.body.substr(0, 600);
    if (!why.empty() || !expect_closed) return r.status;
    std::vector<std::string> pointers;
    object_pointers(body, "", pointers);
    for (const auto& at : pointers) {
      json tampered = body;
      tampered[json::json_pointer(at)]["zz_undeclared_field"] = "x";
      EXPECT_NE(validator_->check(tampered, *schema), "")
          << "an undeclared field at '" << at << "' of GET " << target << " passes its schema";
    }
    return r.status;
  }

  static std::string a_funnel_id() {
    return server_->get("/analytics/funnels").json()["funnels"][0]["funnel_id"].get<std::string>();
  }
  static std::string first_stage(const std::string& funnel_id) {
    const json funnels = server_->get("/analytics/funnels").json()["funnels"];
    for (const auto& f : funnels)
      if (f["funnel_id"] == funnel_id) return f["stages"][0].get<std::string>();
    return "";
  }

  /// Every documented GET route with a JSON answer, as concrete targets (path params filled,
  /// required query params given), with and without `interval` where it applies.
  static std::vector<std::pair<std::string, std::string>> json_get_targets() {
    const std::string funnel = a_funnel_id();
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [path, ops] : openapi_["paths"].items()) {
      if (!ops.contains("get") || path.find("{asset}") != std::string::npos) continue;
      const json& op = ops["get"];
      if (!op["responses"]["200"]["content"].contains("application/json")) continue;
      std::string target = path;
      if (auto pos = target.find("{funnel_id}"); pos != std::string::npos)
        target.replace(pos, std::string("{funnel_id}").size(), funnel);
      std::string query;
      bool has_interval = false;
      for (const auto& p : op.value("parameters", json::array())) {
        if (p["in"] == "query" && p.value("required", false) && p["name"] == "stage")
          query += "&stage=" + url_encode(first_stage(funnel));
        if (p["in"] == "query" && p.value("required", false) && p["name"] == "text")
          query += "&text=" + url_encode("not great, but thanks for the quick answer!");
        has_interval |= p["name"] == "interval";
      }
      out.emplace_back(path, target + (query.empty() ? "" : "?" + query.substr(1)));
      if (has_interval)
        out.emplace_back(path, target + (query.empty() ? "?" : "?" + query.substr(1) + "&") + "interval=day");
    }
    return out;
  }

  static ServerProcess* server_;
  static json openapi_;
  static ContractValidator* validator_;
};

ServerProcess* OpenApiContractTest::server_ = nullptr;
json OpenApiContractTest::openapi_;
ContractValidator* OpenApiContractTest::validator_ = nullptr;

TEST_F(OpenApiContractTest, EveryGetRouteAnswersWhatItDeclaresOnDemoData) {
  auto targets = json_get_targets();
  ASSERT_GE(targets.size(), 17u) << "fewer JSON GET routes than the built-in ones";
  for (const auto& [path, target] : targets) {
    if (path == "/openapi.json") continue;  // open by design (an OpenAPI document), checked below
    EXPECT_EQ(check_get(path, target), 200) << target;
  }
  EXPECT_EQ(check_get("/openapi.json", "/openapi.json", {}, /*expect_closed=*/false), 200);
}

TEST_F(OpenApiContractTest, EveryGetRouteAnswersWhatItDeclaresForAnEmptyTenant) {
  const Headers empty_tenant = {{"X-Tenant-ID", "contract_empty"}};
  for (const auto& [path, target] : json_get_targets()) {
    if (path == "/openapi.json") continue;
    int status = check_get(path, target, empty_tenant);
    // The demo's funnel does not exist for this tenant: its routes answer a documented 404.
    if (path.find("{funnel_id}") != std::string::npos)
      EXPECT_EQ(status, 404) << target;
    else
      EXPECT_EQ(status, 200) << target;
  }
}

TEST_F(OpenApiContractTest, ClientErrorsCarryTheDocumentedErrorEnvelope) {
  int checked = 0;
  for (const auto& [path, target] : json_get_targets()) {
    const json& op = openapi_["paths"][path]["get"];
    std::set<std::string> params;
    for (const auto& p : op.value("parameters", json::array())) params.insert(p["name"]);
    const std::string sep = target.find('?') == std::string::npos ? "?" : "&";
    if (params.count("from")) {
      EXPECT_EQ(check_get(path, target + sep + "from=not-a-date"), 400);
      EXPECT_EQ(check_get(path, target + sep + "interval=fortnight"), 400);
      ++checked;
    }
    if (params.count("limit")) EXPECT_EQ(check_get(path, target + sep + "limit=0"), 400);
  }
  EXPECT_GE(checked, 12);
  EXPECT_EQ(check_get("/analytics/funnel/{funnel_id}", "/analytics/funnel/no_such_funnel"), 404);
  EXPECT_EQ(check_get("/metrics/conversion", "/metrics/conversion?funnel_id=no_such_funnel"), 404);
  EXPECT_EQ(check_get("/analytics/export/metrics", "/analytics/export/metrics?dataset=no_such"), 404);
  // An error without an offending field says so with "field": null, which the schema allows.
  auto r = server_->get("/analytics/funnel/no_such_funnel");
  EXPECT_TRUE(r.json()["error"].contains("field"));
}

TEST_F(OpenApiContractTest, EveryDatasetExportsRowsOfItsDeclaredShape) {
  const json& op = openapi_["paths"]["/analytics/export/metrics"]["get"];
  ASSERT_TRUE(op["responses"]["200"]["content"].contains("text/csv"));
  const std::string funnel = a_funnel_id();
  auto datasets = server_->get("/analytics/export/datasets").json()["datasets"];
  ASSERT_GE(datasets.size(), 5u);
  for (const auto& d : datasets) {
    const std::string name = d["name"];
    SCOPED_TRACE(name);
    std::string row_component;
    for (const auto& [component, schema] : openapi_["components"]["schemas"].items())
      if (schema.value("x-zaplify-dataset", "") == name) row_component = component;
    ASSERT_NE(row_component, "") << "no published row schema for dataset " << name;
    std::string target = "/analytics/export/metrics?dataset=" + name;
    for (const auto& p : d["parameters"])
      if (p["name"] == "funnel_id") target += "&funnel_id=" + funnel;
    auto rows = server_->get(target + "&format=json");
    ASSERT_EQ(rows.status, 200) << rows.body;
    const json body = rows.json();
    ASSERT_TRUE(body.is_array());
    const json row_schema = {{"type", "array"},
                             {"items", {{"$ref", "#/components/schemas/" + row_component}}}};
    EXPECT_EQ(validator_->check(body, row_schema), "") << rows.body.substr(0, 600);
    EXPECT_EQ(validator_->check(body, *response_schema(op, 200)), "");
    if (!body.empty()) {
      json tampered = body;
      tampered[0]["zz_undeclared_field"] = 1;
      EXPECT_NE(validator_->check(tampered, row_schema), "") << "row schema of " << name << " is open";
    }
    // CSV: the header row is the row schema's fields, in order.
    auto csv = server_->get(target + "&format=csv");
    ASSERT_EQ(csv.status, 200);
    std::set<std::string> declared;
    for (const auto& [field, _] : openapi_["components"]["schemas"][row_component]["properties"].items())
      declared.insert(field);
    std::string expected;
    std::set<std::string> listed;
    for (const auto& c : d["columns"]) {
      expected += (expected.empty() ? "" : ",") + c["name"].get<std::string>();
      listed.insert(c["name"].get<std::string>());
    }
    EXPECT_EQ(csv.body.substr(0, csv.body.find("\r\n")), expected);
    EXPECT_EQ(listed, declared);
  }
}

TEST_F(OpenApiContractTest, PostRoutesAnswerWhatTheyDeclare) {
  auto check_post = [](const std::string& path, const json& body) {
    const json& op = openapi_["paths"][path]["post"];
    auto r = server_->post_json(path, body);
    const json* schema = response_schema(op, r.status);
    if (schema == nullptr) {
      ADD_FAILURE() << path << " answered undocumented status " << r.status;
      return;
    }
    EXPECT_EQ(validator_->check(r.json(), *schema), "") << path << " → " << r.body;
  };
  json events = json::array(
      {{{"id", "contract-1"}, {"type", "lead_created"}, {"tenant_id", "default"},
        {"timestamp", rfc3339(now_ms() - 60000)}, {"lead_id", "contract-lead"}},
       {{"id", "contract-2"}, {"type", "no_such_type"}, {"tenant_id", "default"},
        {"timestamp", rfc3339(now_ms())}},
       "not an object"});
  check_post("/analytics/process/batch", {{"events", events}});
  check_post("/analytics/process/batch", {{"no_events", true}});  // 400 envelope
  check_post("/analytics/cache/refresh", {{"scope", "tenant"}, {"warm", false}});
  check_post("/analytics/cache/refresh", {{"scope", "everything"}});  // 400 envelope
  check_post("/admin/reload", json::object());
}

TEST_F(OpenApiContractTest, DocumentDeclaresEveryResponseAndTheBatchBody) {
  int undeclared = 0;
  for (const auto& [path, ops] : openapi_["paths"].items())
    for (const auto& [method, op] : ops.items()) {
      for (const auto& [media, content] : op["responses"]["200"]["content"].items())
        if (content["schema"].value("description", "") == "Not declared by the route.") ++undeclared;
      for (const auto& [code, response] : op["responses"].items())
        if (code[0] == '4' || code[0] == '5')
          EXPECT_EQ(response["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Error");
    }
  EXPECT_EQ(undeclared, 0);
  const json& error_field = openapi_["components"]["schemas"]["Error"]["properties"]["error"];
  EXPECT_EQ(error_field["properties"]["field"]["nullable"], true);
  const json& batch = openapi_["paths"]["/analytics/process/batch"]["post"]["requestBody"];
  EXPECT_EQ(batch["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/BatchRequest");
  const json& items = openapi_["components"]["schemas"]["BatchRequest"]["properties"]["events"]["items"];
  EXPECT_EQ(items["oneOf"].size(), 6u);
  for (const char* name : {"MetricsKpiResponse", "FunnelReportResponse", "ConversationSentimentResponse",
                           "HealthResponse", "ExportDatasetsResponse", "MetricsKpiDailyRow"})
    EXPECT_TRUE(openapi_["components"]["schemas"].contains(name)) << name;
}

}  // namespace
}  // namespace zaplify::testing
