#include "docs/openapi.h"

#include <cctype>
#include <charconv>
#include <set>

#include "http/pipeline.h"

namespace zaplify::core {
namespace {

using nlohmann::json;

const char* role_name(sdk::Role r) {
  switch (r) {
    case sdk::Role::Public:
      return "public";
    case sdk::Role::Viewer:
      return "viewer";
    case sdk::Role::Ingest:
      return "ingest";
    case sdk::Role::Admin:
      return "admin";
  }
  return "viewer";
}

const char* cache_name(sdk::CachePolicy c) {
  switch (c) {
    case sdk::CachePolicy::None:
      return "none";
    case sdk::CachePolicy::Standard:
      return "standard";
    case sdk::CachePolicy::Realtime:
      return "realtime";
  }
  return "none";
}

/// A default or enum value in the parameter's own type, so the document validates.
json typed_value(const std::string& type, const std::string& text) {
  if (type == "integer") {
    long long v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc() && p == text.data() + text.size()) return v;
  } else if (type == "number") {
    try {
      std::size_t used = 0;
      double d = std::stod(text, &used);
      if (used == text.size()) return d;
    } catch (const std::exception&) {
    }
  } else if (type == "boolean") {
    if (text == "true" || text == "false") return text == "true";
  }
  return text;
}

json parameter_object(const sdk::ParamSpec& p) {
  std::string type = p.type.empty() ? "string" : p.type;
  json schema = {{"type", type}};
  if (!p.default_value.empty()) schema["default"] = typed_value(type, p.default_value);
  if (!p.allowed.empty()) {
    schema["enum"] = json::array();
    for (const auto& a : p.allowed) schema["enum"].push_back(typed_value(type, a));
  }
  bool in_path = p.in == sdk::ParamLocation::Path;
  json out = {{"name", p.name},
              {"in", in_path ? "path" : "query"},
              {"required", in_path || p.required},
              {"schema", schema}};
  if (!p.description.empty()) out["description"] = p.description;
  return out;
}

std::vector<sdk::ParamSpec> window_params() {
  using sdk::ParamLocation;
  return {
      {"from",
       ParamLocation::Query,
       "string",
       false,
       "Start of the window W = [from, to): RFC 3339 or YYYY-MM-DD (midnight in tz). "
       "Default: to − 7 days.",
       "",
       {}},
      {"to",
       ParamLocation::Query,
       "string",
       false,
       "End of the window (exclusive): RFC 3339 or YYYY-MM-DD. Default: now.",
       "",
       {}},
      {"tz",
       ParamLocation::Query,
       "string",
       false,
       "IANA time zone for dates and buckets, e.g. America/Sao_Paulo.",
       "UTC",
       {}},
      {"interval",
       ParamLocation::Query,
       "string",
       false,
       "Adds a `series` of calendar buckets in tz (weeks are ISO, Monday).",
       "",
       {"hour", "day", "week"}},
  };
}

/// Path parameters in template order; a declared ParamSpec of the same name gives the details.
json parameters_of(const RouteEntry& e) {
  json params = json::array();
  std::set<std::string> seen;
  for (const auto& seg : split_path(e.spec.path)) {
    if (seg.size() < 3 || seg.front() != '{' || seg.back() != '}') continue;
    std::string name = seg.substr(1, seg.size() - 2);
    sdk::ParamSpec spec{name, sdk::ParamLocation::Path, "string", true, "", "", {}};
    for (const auto& p : e.spec.params)
      if (p.name == name && p.in == sdk::ParamLocation::Path) spec = p;
    spec.in = sdk::ParamLocation::Path;
    if (seen.insert("path:" + name).second) params.push_back(parameter_object(spec));
  }
  std::vector<sdk::ParamSpec> query;
  for (const auto& p : e.spec.params)
    if (p.in == sdk::ParamLocation::Query) query.push_back(p);
  if (e.spec.windowed)
    for (const auto& p : window_params()) query.push_back(p);
  for (const auto& p : query)
    if (seen.insert("query:" + p.name).second) params.push_back(parameter_object(p));
  return params;
}

std::string operation_id(const RouteEntry& e) {
  std::string id = sdk::method_name(e.spec.method);
  for (auto& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& seg : split_path(e.spec.path)) {
    id += "_";
    for (char c : seg)
      if (std::isalnum(static_cast<unsigned char>(c)))
        id += c;
      else if (c == '-' || c == '_' || c == '.')
        id += '_';
  }
  return id;
}

json error_response(const std::string& description) {
  return {
      {"description", description},
      {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

/// Content types of the core's non-JSON answers.
std::string content_type_of(const RouteEntry& e) {
  if (e.plugin != "core") return "application/json";
  if (e.spec.path == "/metrics") return "text/plain";
  if (e.spec.path == "/docs") return "text/html";
  if (e.spec.path == "/docs/{asset}") return "application/octet-stream";
  return "application/json";
}

json operation_of(const RouteEntry& e, const std::string& op_id) {
  const auto& s = e.spec;
  bool is_public = is_public_route(e);
  json op = {{"operationId", op_id},
             {"summary", s.summary.empty() ? std::string(sdk::method_name(s.method)) + " " + s.path
                                           : s.summary},
             {"tags", {s.tag.empty() ? e.plugin : s.tag}},
             {"x-zaplify-plugin", e.plugin},
             {"x-zaplify-role", is_public ? "public" : role_name(s.required_role)},
             {"x-zaplify-cache", cache_name(s.cache)}};
  if (!s.description.empty()) op["description"] = s.description;
  json params = parameters_of(e);
  if (!params.empty()) op["parameters"] = params;
  if (s.method == sdk::Method::Post || s.method == sdk::Method::Put ||
      s.method == sdk::Method::Patch)
    op["requestBody"] = {{"required", false},
                         {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
  std::string ct = content_type_of(e);
  json media = ct == "application/json" ? json{{"schema", {{"type", "object"}}}}
                                        : json{{"schema", {{"type", "string"}}}};
  if (!s.response_example.is_null()) media["example"] = s.response_example;
  json responses = {
      {"200",
       {{"description", s.response_description.empty() ? "OK" : s.response_description},
        {"content", {{ct, media}}}}}};
  if (!params.empty() || s.method != sdk::Method::Get)
    responses["400"] = error_response("Invalid parameter or body");
  if (!is_public) {
    responses["401"] = error_response("Missing, invalid or expired token");
    responses["403"] = error_response("The token's role may not use this route");
  }
  if (s.path.find('{') != std::string::npos) responses["404"] = error_response("Not found");
  if (s.heavy)
    responses["503"] = error_response("Overloaded or database unavailable (Retry-After)");
  responses["500"] = error_response("Internal error (no details are leaked)");
  op["responses"] = responses;
  op["security"] = is_public ? json::array() : json::array({{{"bearerAuth", json::array()}}});
  return op;
}

json components() {
  json error_body = {
      {"type", "object"},
      {"required", {"code", "message"}},
      {"properties",
       {{"code", {{"type", "string"}, {"example", "invalid_parameter"}}},
        {"message", {{"type", "string"}}},
        {"field",
         {{"type", "string"}, {"description", "The offending parameter, when one is."}}}}}};
  return {
      {"schemas",
       {{"Error",
         {{"type", "object"}, {"required", {"error"}}, {"properties", {{"error", error_body}}}}}}},
      {"securitySchemes",
       {{"bearerAuth",
         {{"type", "http"},
          {"scheme", "bearer"},
          {"bearerFormat", "JWT"},
          {"description", "HS256 JWT with claims tenant_id (or *), role, exp."}}}}}};
}

std::string method_key(sdk::Method m) {
  std::string k = sdk::method_name(m);
  for (auto& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return k;
}

}  // namespace

nlohmann::json build_openapi(const RouteTable& table, const std::string& server_version) {
  json doc = {{"openapi", "3.0.3"},
              {"info",
               {{"title", "Zaplify Analytics API"},
                {"version", server_version},
                {"description",
                 "Analytics of the Zaplify AI Flow platform: KPIs, funnels, conversations, "
                 "exports. Generated from the live route table, plugins included."}}},
              {"servers", json::array({{{"url", "/"}}})},
              {"paths", json::object()},
              {"components", components()}};
  std::set<std::string> op_ids;
  std::set<std::string> tags;
  for (const auto& e : table.entries()) {
    std::string id = operation_id(*e);
    for (int n = 2; !op_ids.insert(id).second; ++n) id = operation_id(*e) + "_" + std::to_string(n);
    doc["paths"][e->spec.path][method_key(e->spec.method)] = operation_of(*e, id);
    tags.insert(e->spec.tag.empty() ? e->plugin : e->spec.tag);
  }
  doc["tags"] = json::array();
  for (const auto& t : tags) doc["tags"].push_back({{"name", t}});
  return doc;
}

}  // namespace zaplify::core
