#include "app/core_routes.h"

#include "app/core_route_schemas.h"
#include "app/health.h"
#include "cache/response_cache.h"
#include "config/settings.h"
#include "docs/event_schemas.h"
#include "docs/openapi.h"
#include "ingest/ingest_service.h"
#include "observability/prometheus.h"
#include "plugins/plugin_manager.h"
#include "storage/database.h"
#include "zaplify/sdk/calendar.h"

namespace zaplify::core {
namespace {

using sdk::Method;
using sdk::Request;
using sdk::Response;
using sdk::RouteSpec;

std::shared_ptr<const RouteEntry> core_entry(RouteSpec spec) {
  if (spec.tag.empty()) spec.tag = "core";
  return std::make_shared<const RouteEntry>(RouteEntry{nullptr, std::move(spec), "core", {}});
}

RouteSpec health_route(const CoreRouteServices& s) {
  RouteSpec r;
  r.path = "/health";
  r.summary = "Service health";
  r.description =
      "ok, degraded (writes failing while reads work, e.g. a full disk; cache backend unhealthy; "
      "or a plugin failed) or unavailable "
      "(database unreachable: HTTP 503). Public.";
  r.heavy = false;
  r.response_schema = health_schema();
  r.handler = [s](const Request&) {
    HealthProbe probe;
    probe.version = s.version;
    probe.uptime_seconds = static_cast<double>(s.calendar->now_ms() - s.started_at_ms) / 1000.0;
    probe.database_backend = s.db->backend_name();
    probe.database_ok = s.db->ping();
    probe.database_writable = !s.db->writes_failing();
    probe.cache_backend = s.cache->backend_name();
    probe.cache_ok = s.cache->backend_healthy();
    probe.plugins = s.plugins->statuses();
    auto response = health_response(probe);
    if (s.demo_status) response.json["demo"] = s.demo_status();
    return response;
  };
  return r;
}

RouteSpec openapi_route(const CoreRouteServices& s) {
  RouteSpec r;
  r.path = "/openapi.json";
  r.summary = "OpenAPI 3 document of every live route";
  r.heavy = false;
  r.response_schema = openapi_document_schema();
  r.handler = [s](const Request&) {
    return Response::of_json(
        build_openapi(*s.plugins->current(), s.version, s.plugins->data_sources().list()));
  };
  return r;
}

Response asset_response(const std::string& name) {
  auto asset = docs_asset(name);
  if (!asset) throw sdk::not_found("no docs asset named '" + name + "'", "asset");
  auto r = Response::of_text(std::move(asset->body), asset->content_type);
  if (!name.empty()) r.headers.emplace_back("Cache-Control", "public, max-age=86400");
  return r;
}

std::vector<RouteSpec> docs_routes() {
  RouteSpec page;
  page.path = "/docs";
  page.summary = "Interactive API docs (Swagger UI, served locally)";
  page.heavy = false;
  page.other_responses = {docs_page_body()};
  page.handler = [](const Request&) { return asset_response(""); };
  RouteSpec asset;
  asset.path = "/docs/{asset}";
  asset.summary = "A static file of the docs viewer";
  asset.heavy = false;
  asset.other_responses = docs_asset_bodies();
  asset.params.push_back({"asset",
                          sdk::ParamLocation::Path,
                          "string",
                          true,
                          "File name, e.g. swagger-ui-bundle.js",
                          "",
                          {}});
  asset.handler = [](const Request& req) { return asset_response(req.path_param("asset")); };
  return {page, asset};
}

RouteSpec metrics_route(const CoreRouteServices& s) {
  RouteSpec r;
  r.path = "/metrics";
  r.summary = "Prometheus metrics (text format 0.0.4)";
  r.required_role = sdk::Role::Admin;
  r.heavy = false;
  r.other_responses = {prometheus_text_body()};
  r.handler = [s](const Request&) {
    for (const auto& p : s.plugins->statuses())
      s.metrics->set_gauge("plugin_up", "1 when the plugin is running, else 0",
                           {{"plugin", p.name}}, p.status == "running" ? 1.0 : 0.0);
    return Response::of_text(s.metrics->render(), "text/plain; version=0.0.4; charset=utf-8");
  };
  return r;
}

RouteSpec ingest_route(const CoreRouteServices& s) {
  RouteSpec r;
  r.method = Method::Post;
  r.path = "/analytics/process/batch";
  r.summary = "Ingest a batch of events";
  r.description =
      "Body {\"events\": [...]} (docs/api.md, Sending events). Valid events are stored (idempotent "
      "on "
      "(tenant_id, id)) and committed before the answer; invalid ones are listed "
      "with their index and reason. 413 beyond ingest.max_events_per_batch.";
  r.required_role = sdk::Role::Ingest;
  r.heavy = true;
  r.request_schema = sdk::schema::host_component("BatchRequest");
  r.response_schema = batch_response_schema();
  auto& accepted = s.metrics->counter("events_ingested_total", "Events accepted by ingestion");
  auto& duplicates =
      s.metrics->counter("events_duplicate_total", "Events already stored (ignored)");
  auto& rejected = s.metrics->counter("events_rejected_total", "Events rejected by validation");
  r.handler = [s, &accepted, &duplicates, &rejected](const Request& req) {
    // The HTTP layer resolves a "*" token without X-Tenant-ID to tenant "*" on writes.
    IngestCaller caller{req.tenant_id, req.tenant_id == "*"};
    IngestResult result = s.ingest->process(req.body, caller, s.calendar->now_ms());
    // Stale results must be gone before the writer hears "accepted" (read-your-writes).
    for (const auto& tenant : result.tenants_changed) s.cache->invalidate_tenant(tenant);
    accepted.inc(static_cast<double>(result.accepted));
    duplicates.inc(static_cast<double>(result.duplicates));
    rejected.inc(static_cast<double>(result.rejected.size()));
    return Response::of_json(result.to_json());
  };
  return r;
}

std::vector<RouteSpec> admin_routes(const CoreRouteServices& s) {
  RouteSpec reload;
  reload.method = Method::Post;
  reload.path = "/admin/reload";
  reload.summary = "Re-read the YAML and apply it (like SIGHUP)";
  reload.description =
      "Enabled plugins load, disabled ones unload after their in-flight requests, "
      "changed config blocks restart their plugin. A bad file is refused (400) "
      "and the running configuration keeps serving.";
  reload.required_role = sdk::Role::Admin;
  reload.heavy = true;
  reload.response_schema = admin_reload_schema();
  reload.handler = [s](const Request&) {
    try {
      return Response::of_json(s.reload());
    } catch (const ConfigError& e) {
      throw sdk::HttpError(400, "invalid_config", e.what());
    }
  };
  RouteSpec list;
  list.path = "/admin/plugins";
  list.summary = "Every configured plugin with its status, routes and last error";
  list.required_role = sdk::Role::Admin;
  list.heavy = false;
  list.response_schema = admin_plugins_schema();
  list.handler = [s](const Request&) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& p : s.plugins->statuses()) items.push_back(p.to_json());
    return Response::of_json({{"plugins", items}});
  };
  return {reload, list};
}

}  // namespace

std::vector<std::shared_ptr<const RouteEntry>> make_core_routes(const CoreRouteServices& s) {
  std::vector<std::shared_ptr<const RouteEntry>> out;
  out.push_back(core_entry(health_route(s)));
  out.push_back(core_entry(openapi_route(s)));
  for (auto& r : docs_routes()) out.push_back(core_entry(std::move(r)));
  out.push_back(core_entry(metrics_route(s)));
  out.push_back(core_entry(ingest_route(s)));
  for (auto& r : admin_routes(s)) out.push_back(core_entry(std::move(r)));
  return out;
}

}  // namespace zaplify::core
