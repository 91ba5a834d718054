// How declared schemas (sdk/schema.h) become OpenAPI: closed objects, nullability, units, stable
// per-plugin component names, and what the host adds to a route's answer.
#include "docs/schema_publisher.h"

#include <gtest/gtest.h>

#include "docs/openapi.h"

namespace zaplify::core {
namespace {

using nlohmann::json;
namespace schema = sdk::schema;

TEST(SchemaPublisherTest, ObjectsAreClosedAndNullsAreExplicit) {
  json components = json::object();
  SchemaPublisher publisher(components);
  auto s = schema::object("A KPI")
               .field("value", schema::number("Mean").with_unit("ms").or_null())
               .field("label", schema::string().one_of({"a", "b"}).or_null())
               .optional_field("series", schema::array_of(schema::integer()));
  json out = publisher.render(s, "metrics");
  EXPECT_EQ(out["type"], "object");
  EXPECT_EQ(out["additionalProperties"], false);
  EXPECT_EQ(out["required"], json({"value", "label"}));
  EXPECT_EQ(out["properties"]["value"]["nullable"], true);
  EXPECT_EQ(out["properties"]["value"]["x-unit"], "ms");
  EXPECT_EQ(out["properties"]["value"]["description"], "Mean. Unit: ms.");
  // OpenAPI 3.0: a nullable enum must list null, or null is not a valid value.
  EXPECT_EQ(out["properties"]["label"]["enum"], json({"a", "b", nullptr}));
  EXPECT_EQ(out["properties"]["series"]["items"]["type"], "integer");
  EXPECT_TRUE(components.empty());  // nothing named, nothing published
}

TEST(SchemaPublisherTest, NamedSchemasArePublishedOncePerPluginPrefix) {
  json components = json::object();
  SchemaPublisher publisher(components);
  auto kpi = schema::object().field("value", schema::integer()).named("CountKpi");
  json a = publisher.render(schema::object().field("x", kpi).field("y", kpi), "metrics");
  EXPECT_EQ(a["properties"]["x"]["$ref"], "#/components/schemas/MetricsCountKpi");
  EXPECT_EQ(a["properties"]["y"]["$ref"], "#/components/schemas/MetricsCountKpi");
  EXPECT_EQ(components.size(), 1u);
  // The same name with another shape is not silently merged.
  auto other = schema::object().field("other", schema::string()).named("CountKpi");
  EXPECT_EQ(publisher.render(other, "metrics")["$ref"], "#/components/schemas/MetricsCountKpi2");
  // A name that already carries the prefix is not prefixed twice; the core's are used as given.
  EXPECT_EQ(SchemaPublisher::component_name("funnel", "FunnelStagesRow"), "FunnelStagesRow");
  EXPECT_EQ(SchemaPublisher::component_name("event_counter", "CountsResponse"),
            "EventCounterCountsResponse");
  EXPECT_EQ(SchemaPublisher::component_name("core", "HealthResponse"), "HealthResponse");
}

TEST(SchemaPublisherTest, MapsAndMalformedSchemas) {
  json components = json::object();
  SchemaPublisher publisher(components);
  json map = publisher.render(schema::map_of(schema::integer()), "conversation");
  EXPECT_EQ(map["additionalProperties"]["type"], "integer");
  sdk::Schema no_items;
  no_items.type = sdk::SchemaType::Array;
  EXPECT_THROW(publisher.render(no_items, "x"), std::invalid_argument);
  EXPECT_THROW(publisher.render(schema::integer().example("{not json"), "x"),
               std::invalid_argument);
}

std::shared_ptr<const RouteEntry> entry(sdk::RouteSpec spec, const std::string& plugin) {
  spec.handler = [](const sdk::Request&) { return sdk::Response{}; };
  return std::make_shared<const RouteEntry>(RouteEntry{nullptr, std::move(spec), plugin});
}

TEST(OpenApiSchemaTest, RoutesPublishTheirDeclaredAnswers) {
  sdk::RouteSpec kpi;
  kpi.path = "/metrics/kpi";
  kpi.windowed = true;
  kpi.response_schema = schema::object().field("total", schema::integer()).named("KpiResponse");
  sdk::RouteSpec flow;
  flow.path = "/analytics/funnel/{funnel_id}/conversion-flow";
  flow.response_schema = schema::object().field("nodes", schema::array_of(schema::string()));
  flow.other_responses = {{"image/svg+xml", "with format=svg", schema::text("SVG")}};
  sdk::RouteSpec bare;
  bare.path = "/x/undocumented";
  sdk::DataSourceInfo source{
      "kpi_daily", "metrics", "Per day", {{"date", sdk::ColumnType::Date, "", "", false}}, {}};
  auto doc = build_openapi(
      RouteTable({entry(kpi, "metrics"), entry(flow, "funnel"), entry(bare, "third")}), "1.0.0",
      {source});
  const json& schemas = doc["components"]["schemas"];
  // The host adds window and data_as_of to a windowed route's object.
  const json& response = schemas["MetricsKpiResponse"];
  EXPECT_EQ(response["required"], json({"total", "window", "data_as_of"}));
  EXPECT_EQ(response["properties"]["window"]["$ref"], "#/components/schemas/Window");
  const json& content = doc["paths"]["/analytics/funnel/{funnel_id}/conversion-flow"]["get"]
                           ["responses"]["200"]["content"];
  EXPECT_EQ(content["application/json"]["schema"]["$ref"],
            "#/components/schemas/FunnelAnalyticsFunnelConversionFlowResponse");
  EXPECT_EQ(content["image/svg+xml"]["schema"]["type"], "string");
  EXPECT_EQ(doc["paths"]["/x/undocumented"]["get"]["responses"]["200"]["content"]
               ["application/json"]["schema"]["description"],
            "Not declared by the route.");
  EXPECT_EQ(schemas["MetricsKpiDailyRow"]["properties"]["date"]["format"], "date");
  EXPECT_EQ(schemas["MetricsKpiDailyRow"]["x-zaplify-dataset"], "kpi_daily");
  EXPECT_EQ(schemas["Error"]["properties"]["error"]["properties"]["field"]["nullable"], true);
}

}  // namespace
}  // namespace zaplify::core
