#include "docs/openapi.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "docs/event_schemas.h"
#include "docs/openapi_examples.h"
#include "docs/schema_publisher.h"
#include "http/pipeline.h"

namespace zaplify::core {
namespace {

using nlohmann::json;

/// The terms the API is offered under (OpenAPI info.license.url).
constexpr const char* kLicenseUrl = "https://zaplify.ai/terms";

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
  if (p.minimum)
    schema["minimum"] =
        type == "integer" ? json(static_cast<std::int64_t>(*p.minimum)) : json(*p.minimum);
  if (p.maximum)
    schema["maximum"] =
        type == "integer" ? json(static_cast<std::int64_t>(*p.maximum)) : json(*p.maximum);
  if (p.max_length) schema["maxLength"] = p.max_length;
  if (!p.pattern.empty()) schema["pattern"] = p.pattern;
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

/// Whether `interval` does something on this route: its answer declares a `series` (sdk/series.h),
/// or it is not a declared JSON object (export rows of data sources, which read the interval; a
/// route without a schema). Elsewhere the host accepts and ignores it, and the document is silent.
bool offers_series(const sdk::RouteSpec& spec) {
  const sdk::Schema& s = spec.response_schema;
  if (s.type != sdk::SchemaType::Object) return true;
  return std::any_of(s.properties.begin(), s.properties.end(),
                     [](const sdk::SchemaProperty& p) { return p.name == "series"; });
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
    for (const auto& p : window_params())
      if (p.name != "interval" || offers_series(e.spec)) query.push_back(p);
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

std::string method_key(sdk::Method m) {
  std::string k = sdk::method_name(m);
  for (auto& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return k;
}

json error_response(const std::string& description) {
  return {
      {"description", description},
      {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

/// The name a route's response schema is published under when it declares none: the path's
/// literal segments in CamelCase (the plugin prefix is added by the publisher).
std::string default_response_name(const sdk::RouteSpec& s) {
  std::string name;
  for (const auto& seg : split_path(s.path))
    if (seg.front() != '{') name += camel_case(seg);
  if (s.method != sdk::Method::Get) name = camel_case(method_key(s.method)) + name;
  return name + "Response";
}

/// What the host adds to a windowed JSON object answer (pipeline.cpp's decorate_window).
sdk::Schema with_window_fields(sdk::Schema s) {
  for (const auto& p : s.properties)
    if (p.name == "window") return s;
  s.field("window", sdk::schema::host_component("Window"));
  s.field("data_as_of",
          sdk::schema::timestamp("When the result was computed (a cached one says how old it is)"));
  return s;
}

/// The route's own example, else the one recorded from the demo data for this operation.
const json* example_of(const RouteEntry& e) {
  if (!e.spec.response_example.is_null()) return &e.spec.response_example;
  const json& shipped = shipped_openapi_examples();
  auto it = shipped.find(std::string(sdk::method_name(e.spec.method)) + " " + e.spec.path);
  return it == shipped.end() ? nullptr : &*it;
}

json success_response(const RouteEntry& e, SchemaPublisher& publisher) {
  const auto& s = e.spec;
  json content = json::object();
  if (s.response_schema.type != sdk::SchemaType::Unspecified) {
    sdk::Schema declared = s.response_schema;
    if (s.windowed && declared.type == sdk::SchemaType::Object)
      declared = with_window_fields(std::move(declared));
    if (declared.name.empty()) declared.name = default_response_name(s);
    content["application/json"] = {{"schema", publisher.render(declared, e.plugin)}};
  } else if (s.other_responses.empty()) {
    content["application/json"] = {
        {"schema", {{"type", "object"}, {"description", "Not declared by the route."}}}};
  }
  const json* example = example_of(e);
  if (example != nullptr && content.contains("application/json"))
    content["application/json"]["example"] = *example;
  std::string description = s.response_description.empty() ? "OK" : s.response_description;
  for (const auto& body : s.other_responses) {
    json media = {{"schema", publisher.render(body.schema, e.plugin)}};
    if (!body.description.empty())
      description += ". " + body.content_type + ": " + body.description;
    content[body.content_type] = std::move(media);
  }
  return {{"description", description}, {"content", content}};
}

json request_body(const RouteEntry& e, SchemaPublisher& publisher) {
  const auto& s = e.spec;
  json schema = {{"type", "object"}};
  bool required = false;
  if (s.request_schema.type != sdk::SchemaType::Unspecified) {
    schema = publisher.render(s.request_schema, e.plugin);
    required =
        s.request_schema.type == sdk::SchemaType::Ref || !s.request_schema.properties.empty();
  }
  return {{"required", required}, {"content", {{"application/json", {{"schema", schema}}}}}};
}

bool writes_json_body(sdk::Method m) {
  return m == sdk::Method::Post || m == sdk::Method::Put || m == sdk::Method::Patch;
}

json operation_of(const RouteEntry& e, const std::string& op_id, SchemaPublisher& publisher) {
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
  if (writes_json_body(s.method)) op["requestBody"] = request_body(e, publisher);
  json responses = {{"200", success_response(e, publisher)}};
  // Any request may be refused before a route runs (RFC 9112 framing, headers): 400 everywhere.
  responses["400"] = error_response(!params.empty() || s.method != sdk::Method::Get
                                        ? "Invalid parameter or body, or a malformed request"
                                        : "Malformed request (HTTP framing or headers)");
  if (!is_public) {
    responses["401"] = error_response("Missing, invalid or expired token");
    responses["403"] = error_response("The token's role may not use this route");
  }
  if (!params.empty()) responses["404"] = error_response("Not found (e.g. an unknown id)");
  if (writes_json_body(s.method)) {
    responses["413"] = error_response("Body larger than server.max_request_bytes");
    responses["415"] = error_response("Content-Type is not application/json");
  }
  if (s.heavy)
    responses["503"] = error_response("Overloaded or database unavailable (Retry-After)");
  if (e.plugin == "core" && s.path == "/health" && s.method == sdk::Method::Get) {
    // The health answer itself, with status "unavailable" (pipeline.cpp serves it like a 200).
    responses["503"] = responses["200"];
    responses["503"]["description"] = "The database cannot be reached: status is unavailable";
    responses["503"]["content"]["application/json"].erase("example");
  }
  responses["500"] = error_response("Internal error (no details are leaked)");
  op["responses"] = responses;
  op["security"] = is_public ? json::array() : json::array({{{"bearerAuth", json::array()}}});
  return op;
}

/// The host's own components: the error envelope every 4xx/5xx carries, the window of every
/// analytics answer, the events of the batch body, and one row schema per data source.
void publish_host_components(SchemaPublisher& publisher,
                             const std::vector<sdk::DataSourceInfo>& data_sources) {
  json error_body = {
      {"type", "object"},
      {"additionalProperties", false},
      {"required", {"code", "message", "field"}},
      {"properties",
       {{"code",
         {{"type", "string"},
          {"description", "Stable machine-readable code"},
          {"example", "invalid_parameter"}}},
        {"message", {{"type", "string"}, {"description", "What went wrong, for a person"}}},
        {"field",
         {{"type", "string"},
          {"nullable", true},
          {"description", "The offending parameter, when one is; else null."}}}}}};
  publisher.publish("Error", {{"type", "object"},
                              {"description", "The error envelope of every 4xx and 5xx answer."},
                              {"additionalProperties", false},
                              {"required", {"error"}},
                              {"properties", {{"error", error_body}}}});
  const json instant = {{"type", "string"}, {"format", "date-time"}};
  publisher.publish(
      "Window",
      {{"type", "object"},
       {"description", "The window W = [from, to) of the answer, as RFC 3339 UTC instants."},
       {"additionalProperties", false},
       {"required", {"from", "to", "tz"}},
       {"properties",
        {{"from", instant}, {"to", instant}, {"tz", {{"type", "string"}, {"example", "UTC"}}}}}});
  publish_event_schemas(publisher);
  json rows = json::array();
  for (const auto& source : data_sources) {
    json row = publisher.render(data_source_row_schema(source), source.plugin);
    // Tells a client (and the contract test) which `dataset` this row schema belongs to.
    row["x-zaplify-dataset"] = source.name;
    std::string name = publisher.publish(
        SchemaPublisher::component_name(source.plugin, camel_case(source.name) + "Row"), row);
    json ref = {{"$ref", "#/components/schemas/" + name}};
    rows.push_back(std::move(ref));
  }
  json any_row = rows.empty() ? json{{"type", "object"}} : json{{"anyOf", rows}};
  any_row["description"] = "A row of one of the registered data sources (the `dataset` chosen).";
  publisher.publish("DataSourceRow", any_row);
}

json security_schemes() {
  return {{"bearerAuth",
           {{"type", "http"},
            {"scheme", "bearer"},
            {"bearerFormat", "JWT"},
            {"description", "HS256 JWT with claims tenant_id (or *), role, exp."}}}};
}

}  // namespace

nlohmann::json build_openapi(const RouteTable& table, const std::string& server_version,
                             const std::vector<sdk::DataSourceInfo>& data_sources) {
  json doc = {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "Zaplify Analytics API"},
        {"version", server_version},
        {"description",
         "Analytics of the Zaplify AI Flow platform: KPIs, funnels, conversations, "
         "exports. Generated from the live route table, plugins included; every response "
         "schema is the one its route declares."},
        {"license", {{"name", "Proprietary"}, {"url", kLicenseUrl}}}}},
      {"servers",
       json::array({{{"url", "/"}, {"description", "The server that serves this document"}}})},
      {"paths", json::object()},
      {"components", {{"schemas", json::object()}, {"securitySchemes", security_schemes()}}}};
  SchemaPublisher publisher(doc["components"]["schemas"]);
  publish_host_components(publisher, data_sources);
  std::set<std::string> op_ids;
  std::set<std::string> tags;
  for (const auto& e : table.entries()) {
    std::string id = operation_id(*e);
    for (int n = 2; !op_ids.insert(id).second; ++n) id = operation_id(*e) + "_" + std::to_string(n);
    doc["paths"][e->spec.path][method_key(e->spec.method)] = operation_of(*e, id, publisher);
    tags.insert(e->spec.tag.empty() ? e->plugin : e->spec.tag);
  }
  doc["tags"] = json::array();
  for (const auto& t : tags)
    doc["tags"].push_back({{"name", t},
                           {"description", t == "core" ? "The host's own routes"
                                                       : "Routes of the " + t + " plugin"}});
  return doc;
}

}  // namespace zaplify::core
