#include "refresh_route.h"

#include <nlohmann/json.hpp>

namespace zaplify::cache {

RefreshRequest parse_refresh_body(const std::string& body) {
  RefreshRequest out;
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return out;
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    throw sdk::HttpError(400, "invalid_body", "the body must be a JSON object", "body");
  if (auto it = j.find("scope"); it != j.end()) {
    if (!it->is_string() || (*it != "tenant" && *it != "all"))
      throw sdk::invalid_parameter("scope", "scope must be \"tenant\" or \"all\"");
    out.all = *it == "all";
  }
  if (auto it = j.find("warm"); it != j.end()) {
    if (!it->is_boolean()) throw sdk::invalid_parameter("warm", "warm must be true or false");
    out.warm = it->get<bool>();
  }
  return out;
}

sdk::RouteSpec make_refresh_route(sdk::CacheControl& cache) {
  sdk::RouteSpec spec;
  spec.method = sdk::Method::Post;
  spec.path = "/analytics/cache/refresh";
  spec.summary = "Invalidate cached analytics responses, optionally re-warming the most used ones";
  spec.description =
      "Body: {\"scope\": \"tenant\"|\"all\", \"warm\": bool}, both optional (tenant, false). "
      "scope \"all\" needs the admin role. Warming recomputes up to 20 of the caller's tenant's "
      "most used cached requests. `invalidated` counts the entries made stale when the backend "
      "knows it (the in-process store does; Redis answers 0).";
  spec.tag = "cache";
  spec.required_role = sdk::Role::Ingest;
  spec.cache = sdk::CachePolicy::None;
  spec.windowed = false;
  spec.heavy = true;  // warming recomputes requests

  namespace schema = sdk::schema;
  spec.request_schema =
      schema::object("Both fields optional; an empty body means {\"scope\": \"tenant\"}")
          .optional_field(
              "scope",
              schema::string("tenant (default) or all (admin only)").one_of({"tenant", "all"}))
          .optional_field("warm",
                          schema::boolean("Recompute the most used requests (default false)"))
          .named("RefreshRequest");
  spec.response_schema =
      schema::object()
          .field("invalidated", schema::integer("Entries made stale, when the backend knows "
                                                "(the in-process store does; Redis answers 0)")
                                    .with_unit("count"))
          .field("warmed", schema::integer("Requests recomputed").with_unit("count"))
          .named("RefreshResponse");
  spec.handler = [&cache](const sdk::Request& req) {
    RefreshRequest r = parse_refresh_body(req.body);
    if (r.all && req.role != sdk::Role::Admin)
      throw sdk::HttpError(403, "forbidden", "scope \"all\" needs the admin role", "scope");
    std::int64_t invalidated =
        r.all ? cache.invalidate_all() : cache.invalidate_tenant(req.tenant_id);
    std::int64_t warmed = r.warm ? cache.warm_tenant(req.tenant_id, kWarmEntries) : 0;
    return sdk::Response::of_json({{"invalidated", invalidated}, {"warmed", warmed}});
  };
  return spec;
}

}  // namespace zaplify::cache
