#include "app/core_route_schemas.h"

#include <utility>

namespace zaplify::core {
namespace {

namespace schema = sdk::schema;

const std::vector<std::string> kPluginStatuses = {"running", "catching_up", "failed", "disabled"};

sdk::Schema catch_up_progress() {
  return schema::object("Replay of the event log into the plugin's derived tables")
      .field("applied", schema::integer("Events replayed so far").with_unit("count"))
      .field("total", schema::integer("Events to replay").with_unit("count"));
}

sdk::Schema name_list(std::string description) {
  return schema::array_of(schema::string(), std::move(description));
}

}  // namespace

sdk::Schema health_schema() {
  sdk::Schema plugin =
      schema::object("A configured plugin")
          .field("name", schema::string("Plugin name").example("\"metrics\""))
          .field("version", schema::string("The plugin's own version").example("\"1.0.0\""))
          .field("status", schema::string("Its state").one_of(kPluginStatuses))
          .field("routes", name_list("Paths of its live routes"))
          .optional_field("catch_up", catch_up_progress().describe("Only while catching_up"));
  sdk::Schema body =
      schema::object(
          "ok; degraded (writes failing, cache backend down or a plugin failed); "
          "unavailable (database unreachable, with HTTP 503)")
          .field("status",
                 schema::string("Overall state").one_of({"ok", "degraded", "unavailable"}))
          .field("version", schema::string("Server version"))
          .field("uptime_seconds", schema::number("Time since start").with_unit("seconds"))
          .field("database",
                 schema::object("The event store")
                     .field("backend",
                            schema::string("Database kind").one_of({"sqlite", "postgresql"}))
                     .field("ok", schema::boolean("Reachable"))
                     .field("writable", schema::boolean("Reachable and accepting writes")))
          .field("cache",
                 schema::object("The response cache")
                     .field("backend",
                            schema::string("memory, redis, a third party's backend, or none "
                                           "(cache plugin off)"))
                     .field("ok", schema::boolean("Backend healthy")))
          .field("plugins", schema::array_of(plugin, "Every configured plugin"))
          .optional_field(
              "demo", schema::object("Only with --demo: the demo data load")
                          .field("loading", schema::boolean("Still loading"))
                          .field("events", schema::integer("Events loaded").with_unit("count")));
  return body.named("HealthResponse");
}

sdk::Schema admin_plugins_schema() {
  sdk::Schema plugin =
      schema::object("A configured plugin, with what it registered")
          .field("name", schema::string("Plugin name"))
          .field("version", schema::string("The plugin's own version; empty when never loaded"))
          .field("sdk_abi_version",
                 schema::integer("SDK ABI version it was built for; 0 when never loaded"))
          .field("status", schema::string("Its state").one_of(kPluginStatuses))
          .field("library", schema::string("Resolved path of its shared library"))
          .field("routes", name_list("Its routes as \"METHOD /path\""))
          .field("data_sources", name_list("Names of its data sources"))
          .field("loaded_at", schema::timestamp("When it was loaded").or_null())
          .field(
              "last_error",
              schema::string("Why it failed, or why its last config change was refused").or_null())
          .field("catch_up", catch_up_progress().or_null());
  return schema::object()
      .field("plugins", schema::array_of(plugin, "Every configured plugin"))
      .named("AdminPluginsResponse");
}

sdk::Schema admin_reload_schema() {
  return schema::object("Plugin names by what the reload did to them")
      .field("loaded", name_list("Newly enabled and loaded"))
      .field("unloaded", name_list("Disabled and unloaded (after their in-flight requests)"))
      .field("restarted", name_list("Restarted because their config block or library changed"))
      .field("failed", name_list("Failed to load or start (see GET /admin/plugins)"))
      .field("refused", name_list("Kept running with their previous config block: the new one "
                                  "breaks their declared keys (see GET /admin/plugins)"))
      .field("unchanged", name_list("Left as they were"))
      .field("restart_required_for",
             name_list("Changed config keys that only a restart applies (e.g. server.port)"))
      .named("AdminReloadResponse");
}

sdk::Schema openapi_document_schema() {
  return schema::object("An OpenAPI 3.0.3 document (this one)")
      .field("openapi", schema::string("OpenAPI version").example("\"3.0.3\""))
      .field("info", schema::object().allow_more())
      .field("paths", schema::object().allow_more())
      .field("components", schema::object().allow_more())
      .optional_field("servers", schema::array_of(schema::object().allow_more()))
      .optional_field("tags", schema::array_of(schema::object().allow_more()))
      .allow_more()
      .named("OpenApiDocument");
}

sdk::ResponseBody docs_page_body() {
  return {"text/html", "the Swagger UI page", schema::text("HTML page")};
}

std::vector<sdk::ResponseBody> docs_asset_bodies() {
  sdk::Schema png = schema::string("PNG image");
  png.format = "binary";
  return {{"application/javascript", "a script", schema::text("JavaScript")},
          {"text/css", "the style sheet", schema::text("CSS")},
          {"image/png", "an icon", png}};
}

sdk::ResponseBody prometheus_text_body() {
  return {"text/plain", "Prometheus text format 0.0.4",
          schema::text("Metric families: requests and latency per route and status, cache hits "
                       "and misses, ingested/duplicate/rejected events, plugin_up, database query "
                       "time")};
}

}  // namespace zaplify::core
