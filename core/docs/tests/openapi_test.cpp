#include "docs/openapi.h"

#include <gtest/gtest.h>

#include <set>

#include "docs/openapi_examples.h"

namespace zaplify::core {
namespace {

using nlohmann::json;

std::shared_ptr<const RouteEntry> entry(sdk::RouteSpec spec, const std::string& plugin) {
  spec.handler = [](const sdk::Request&) { return sdk::Response{}; };
  return std::make_shared<const RouteEntry>(RouteEntry{nullptr, std::move(spec), plugin});
}

RouteTable sample_table() {
  sdk::RouteSpec funnel;
  funnel.path = "/analytics/funnel/{funnel_id}/dropped";
  funnel.summary = "Dropped leads";
  funnel.windowed = true;
  funnel.params.push_back(
      {"stage", sdk::ParamLocation::Query, "string", true, "Stage name", "", {}});
  funnel.params.push_back({"limit", sdk::ParamLocation::Query, "integer", false, "", "100", {}});
  funnel.response_example = {{"leads", json::array()}};
  sdk::RouteSpec funnel_post = funnel;
  funnel_post.method = sdk::Method::Post;
  funnel_post.path = "/analytics/funnel/{funnel_id}/dropped";
  sdk::RouteSpec export_route;
  export_route.path = "/analytics/export/metrics";
  export_route.tag = "exports";
  export_route.params.push_back(
      {"format", sdk::ParamLocation::Query, "string", false, "", "json", {"csv", "json"}});
  sdk::RouteSpec health;
  health.path = "/health";
  health.heavy = false;
  sdk::RouteSpec asset;
  asset.path = "/docs/{asset}";
  return RouteTable({entry(funnel, "funnel"), entry(funnel_post, "funnel"),
                     entry(export_route, "export"), entry(health, "core"), entry(asset, "core")});
}

/// Every `{name}` of every path is declared exactly once as a required path parameter, and no
/// path parameter is declared that the template lacks (OpenAPI 3.0.3 §4.7.12).
TEST(OpenApiTest, PathParametersMatchTheTemplates) {
  auto doc = build_openapi(sample_table(), "9.9.9");
  ASSERT_FALSE(doc["paths"].empty());
  for (auto& [path, ops] : doc["paths"].items()) {
    std::set<std::string> in_template;
    for (std::size_t pos = path.find('{'); pos != std::string::npos; pos = path.find('{', pos + 1))
      in_template.insert(path.substr(pos + 1, path.find('}', pos) - pos - 1));
    for (auto& [method, op] : ops.items()) {
      std::multiset<std::string> declared;
      for (const auto& p : op.value("parameters", json::array()))
        if (p["in"] == "path") {
          declared.insert(p["name"].get<std::string>());
          EXPECT_EQ(p["required"], true);
        }
      EXPECT_EQ(std::set<std::string>(declared.begin(), declared.end()), in_template) << path;
      EXPECT_EQ(declared.size(), in_template.size()) << path;
    }
  }
}

TEST(OpenApiTest, OperationIdsAreUniqueAndMethodsAreLowerCase) {
  auto doc = build_openapi(sample_table(), "9.9.9");
  std::set<std::string> ids;
  int operations = 0;
  for (auto& [path, ops] : doc["paths"].items())
    for (auto& [method, op] : ops.items()) {
      ++operations;
      EXPECT_TRUE(method == "get" || method == "post") << method;
      EXPECT_TRUE(ids.insert(op["operationId"].get<std::string>()).second) << op["operationId"];
    }
  EXPECT_EQ(operations, 5);
}

TEST(OpenApiTest, WindowedRoutesDocumentTheWindowParameters) {
  auto doc = build_openapi(sample_table(), "9.9.9");
  const auto& op = doc["paths"]["/analytics/funnel/{funnel_id}/dropped"]["get"];
  std::map<std::string, json> query;
  for (const auto& p : op["parameters"])
    if (p["in"] == "query") query[p["name"]] = p;
  for (const char* name : {"from", "to", "tz", "interval", "stage", "limit"})
    EXPECT_TRUE(query.count(name)) << name;
  EXPECT_EQ(query["interval"]["schema"]["enum"], json({"hour", "day", "week"}));
  EXPECT_EQ(query["limit"]["schema"]["default"], 100);  // typed, not "100"
  EXPECT_EQ(query["stage"]["required"], true);
  EXPECT_EQ(op["tags"], json({"funnel"}));
  EXPECT_EQ(op["responses"]["200"]["content"]["application/json"]["example"],
            json({{"leads", json::array()}}));
}

// `interval` is promised only where it does something: a declared `series` (sdk/series.h).
TEST(OpenApiTest, IntervalIsDocumentedOnlyOnRoutesThatDeclareASeries) {
  namespace s = sdk::schema;
  sdk::RouteSpec plain;
  plain.path = "/x/plain";
  plain.windowed = true;
  plain.response_schema = s::object().field("total", s::integer());
  sdk::RouteSpec with_series = plain;
  with_series.path = "/x/series";
  with_series.response_schema.optional_field("series",
                                             s::array_of(s::object().field("bucket", s::string())));
  auto doc = build_openapi(RouteTable({entry(plain, "x"), entry(with_series, "x")}), "9.9.9");
  auto names = [&](const std::string& path) {
    std::set<std::string> out;
    for (const auto& p : doc["paths"][path]["get"]["parameters"]) out.insert(p["name"]);
    return out;
  };
  EXPECT_EQ(names("/x/plain"), (std::set<std::string>{"from", "to", "tz"}));
  EXPECT_EQ(names("/x/series"), (std::set<std::string>{"from", "to", "tz", "interval"}));
}

TEST(OpenApiTest, SecurityAndErrorsFollowTheRouteKind) {
  auto doc = build_openapi(sample_table(), "9.9.9");
  EXPECT_EQ(doc["openapi"], "3.0.3");
  EXPECT_EQ(doc["info"]["version"], "9.9.9");
  EXPECT_TRUE(doc["components"]["schemas"].contains("Error"));
  EXPECT_EQ(doc["components"]["securitySchemes"]["bearerAuth"]["scheme"], "bearer");
  const auto& health = doc["paths"]["/health"]["get"];
  EXPECT_TRUE(health["security"].empty());
  EXPECT_FALSE(health["responses"].contains("401"));
  const auto& exp = doc["paths"]["/analytics/export/metrics"]["get"];
  EXPECT_EQ(exp["security"][0].contains("bearerAuth"), true);
  EXPECT_EQ(exp["responses"]["401"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Error");
  EXPECT_EQ(exp["tags"], json({"exports"}));
  std::set<std::string> tags;
  for (const auto& t : doc["tags"]) tags.insert(t["name"].get<std::string>());
  EXPECT_EQ(tags, (std::set<std::string>{"core", "exports", "funnel"}));
}

TEST(OpenApiTest, RoutesWithoutTheirOwnExampleShowTheOneRecordedFromTheDemo) {
  const json& shipped = shipped_openapi_examples();
  ASSERT_TRUE(shipped.contains("GET /health"))
      << "core/docs/openapi_examples.json is not compiled in";
  EXPECT_GE(shipped.size(), 20u);
  auto doc = build_openapi(sample_table(), "9.9.9");
  const auto& health = doc["paths"]["/health"]["get"]["responses"];
  EXPECT_EQ(health["200"]["content"]["application/json"]["example"], shipped["GET /health"]);
  // /health answers 503 with its own body (status unavailable), not the error envelope.
  EXPECT_EQ(health["503"]["content"]["application/json"]["schema"],
            health["200"]["content"]["application/json"]["schema"]);
  // A route's own example wins (a third party's plugin, or one replacing a built-in route).
  const auto& dropped = doc["paths"]["/analytics/funnel/{funnel_id}/dropped"]["get"];
  EXPECT_EQ(dropped["responses"]["200"]["content"]["application/json"]["example"],
            json({{"leads", json::array()}}));
}

TEST(OpenApiTest, EveryOperationDocumentsA4xxAndTheLicenseHasAUrl) {
  auto doc = build_openapi(sample_table(), "9.9.9");
  for (auto& [path, ops] : doc["paths"].items())
    for (auto& [method, op] : ops.items())
      EXPECT_EQ(op["responses"]["400"]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/Error")
          << method << " " << path;
  EXPECT_FALSE(doc["info"]["license"].value("url", "").empty());
}

TEST(DocsAssetTest, IndexPageLoadsLocalFilesOnly) {
  auto page = docs_asset("");
  ASSERT_TRUE(page);
  EXPECT_NE(page->content_type.find("text/html"), std::string::npos);
  EXPECT_NE(page->body.find("/openapi.json"), std::string::npos);
  EXPECT_NE(page->body.find("/docs/swagger-ui-bundle.js"), std::string::npos);
  EXPECT_EQ(page->body.find("http"), std::string::npos);  // no absolute (CDN) URL at all
  EXPECT_FALSE(docs_asset("../CMakeCache.txt"));
  EXPECT_FALSE(docs_asset("nope.js"));
}

TEST(DocsAssetTest, SwaggerBundleIsInstalledAtBuildTime) {
  auto js = docs_asset("swagger-ui-bundle.js");
  ASSERT_TRUE(js) << "run the docs_assets target";
  EXPECT_GT(js->body.size(), 100000u);
  EXPECT_NE(js->content_type.find("javascript"), std::string::npos);
}

}  // namespace
}  // namespace zaplify::core
