#pragma once
// Requests, responses and route declarations: how a plugin exposes HTTP endpoints.
//
// The host owns the HTTP server. Before a handler runs, the host has already authenticated the
// caller, resolved the tenant, checked the role, parsed the common window parameters (for windowed
// routes) and consulted the cache. A handler is a computation from a Request to a Response; it
// never parses tokens, builds error envelopes or counts requests.

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "zaplify/sdk/calendar.h"
#include "zaplify/sdk/schema.h"
#include "zaplify/sdk/version.h"

namespace zaplify::sdk {

enum class Method { Get, Post, Put, Delete, Patch };

/// Roles are ordered: each one has every right of the ones before it.
/// `Public` (SDK 1.2, same ABI) as a route's required_role: no token at all, for GET routes that
/// hold no tenant data (a static page and its files). The host refuses it on any other method.
enum class Role { Public = -1, Viewer = 0, Ingest = 1, Admin = 2 };

/// Thrown by a handler (or a host service) to answer with the JSON error envelope
/// `{"error": {"code", "message", "field"}}`. Any other exception becomes a generic 500 whose body
/// leaks nothing of the exception.
class ZAPLIFY_SDK_API HttpError : public std::runtime_error {
 public:
  HttpError(int status, std::string code, const std::string& message, std::string field = {})
      : std::runtime_error(message),
        status_(status),
        code_(std::move(code)),
        field_(std::move(field)) {}
  int status() const noexcept { return status_; }
  const std::string& code() const noexcept { return code_; }
  const std::string& field() const noexcept { return field_; }

 private:
  int status_;
  std::string code_;
  std::string field_;
};

/// 400 invalid_parameter naming the offending query parameter.
inline HttpError invalid_parameter(const std::string& field, const std::string& message) {
  return HttpError(400, "invalid_parameter", message, field);
}
inline HttpError not_found(const std::string& message, const std::string& field = {}) {
  return HttpError(404, "not_found", message, field);
}

/// One HTTP request as a handler sees it. Built by the host; read-only for the handler.
struct Request {
  Method method = Method::Get;
  std::string path;                                ///< Decoded path, without the query string.
  std::map<std::string, std::string> path_params;  ///< `{name}` segments of the route template.
  std::map<std::string, std::string> query;        ///< Decoded query parameters (last one wins).
  std::map<std::string, std::string> headers;      ///< Header names lower-cased.
  std::string body;
  std::string tenant_id;  ///< The caller's tenant; already authorised.
  Role role = Role::Viewer;
  std::string request_id;
  /// Set for routes declared `windowed`: from/to/tz/interval, parsed and validated by the host.
  Window window;

  std::optional<std::string> param(const std::string& name) const {
    auto it = query.find(name);
    if (it == query.end()) return std::nullopt;
    return it->second;
  }
  std::string path_param(const std::string& name) const {
    auto it = path_params.find(name);
    return it == path_params.end() ? std::string() : it->second;
  }
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
  /// A declared "integer" parameter, typed: the host already checked it (and applied its
  /// default), so this only converts. nullopt when absent; HttpError 400 when it is not an
  /// integer (an undeclared parameter is not checked by the host).
  std::optional<std::int64_t> integer(const std::string& name) const {
    auto raw = param(name);
    if (!raw) return std::nullopt;
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), v);
    if (raw->empty() || ec != std::errc() || p != raw->data() + raw->size())
      throw invalid_parameter(name, name + " must be an integer");
    return v;
  }
  /// A declared "boolean" parameter, typed ("true" / "false"); nullopt when absent.
  std::optional<bool> boolean(const std::string& name) const {
    auto raw = param(name);
    if (!raw) return std::nullopt;
    if (*raw != "true" && *raw != "false")
      throw invalid_parameter(name, name + " must be true or false");
    return *raw == "true";
  }
  /// `limit`: a positive integer up to `max` (digits only); absent → `fallback`. Anything else
  /// throws HttpError 400 invalid_parameter naming the parameter.
  std::int64_t limit(std::int64_t fallback, std::int64_t max,
                     const std::string& name = "limit") const {
    auto raw = param(name);
    if (!raw) return fallback;
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), v);
    if (ec != std::errc() || p != raw->data() + raw->size() || v < 1 || v > max)
      throw invalid_parameter(name, name + " must be an integer from 1 to " + std::to_string(max));
    return v;
  }
};

/// Receives a streamed body chunk by chunk. Not thread-safe; used by one producer at a time.
class ZAPLIFY_SDK_API ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void write(std::string_view bytes) = 0;
};

/// What a handler answers. Exactly one body form is used, in this order of precedence:
/// `stream` (large bodies: the host pulls them without holding the whole body in memory),
/// then `raw` (with `content_type`), then `json`.
struct Response {
  int status = 200;
  nlohmann::json json = nlohmann::json::object();
  std::string raw;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  /// Optional. Called once, on the worker thread that ran the handler, after the handler returned.
  /// It may run for a long time; it must only write to the sink it is given.
  std::function<void(ByteSink&)> stream;

  static Response of_json(nlohmann::json body, int status = 200) {
    Response r;
    r.status = status;
    r.json = std::move(body);
    return r;
  }
  static Response of_text(std::string body, std::string content_type, int status = 200) {
    Response r;
    r.status = status;
    r.raw = std::move(body);
    r.content_type = std::move(content_type);
    return r;
  }
};

/// Where a documented parameter lives.
enum class ParamLocation { Query, Path };

/// One parameter: documented in OpenAPI and enforced by the host before the handler runs (SDK
/// 2.0). `type` is an OpenAPI scalar type name ("string", "integer", "number", "boolean").
///
/// The host answers 400 `invalid_parameter` (with `field` = name) when a required parameter is
/// missing or empty, when a value is not of `type` (integer: optional sign and digits, 64-bit;
/// number: a finite decimal; boolean: `true` or `false`), not one of `allowed`, or outside
/// [minimum, maximum]. An absent query parameter with a `default_value` reaches the handler as if
/// the client had sent the default. So a handler may parse declared parameters without checking.
struct ParamSpec {
  std::string name;
  ParamLocation in = ParamLocation::Query;
  std::string type = "string";
  bool required = false;
  std::string description;
  std::string default_value;         ///< Empty: no default. Applied, documented, in cache keys.
  std::vector<std::string> allowed;  ///< Optional enumeration of allowed values.
  std::optional<double> minimum;     ///< SDK 2.0: inclusive lower bound ("integer"/"number").
  std::optional<double> maximum;     ///< SDK 2.0: inclusive upper bound ("integer"/"number").
  /// SDK 2.0, "string": at most this many characters (UTF-8 code points); 0: no limit.
  std::size_t max_length = 0;
  /// SDK 2.0, "string": an ECMAScript regular expression (std::regex) the whole value must match,
  /// tested after max_length. The host compiles it when the route is registered: an invalid one
  /// fails the plugin's load. Keep it simple (no nested repetition): it runs on every request.
  std::string pattern;
};

/// How the host may cache a route's successful responses (per tenant and normalised query).
enum class CachePolicy {
  None,      ///< Never cached (writes, admin, exports).
  Standard,  ///< `cache.ttl_seconds`, invalidated by any accepted ingest of the tenant.
  Realtime,  ///< At most 5 seconds, also invalidated by ingest.
};

/// The handler type. Called concurrently from several threads: it must be thread-safe.
/// It may throw HttpError. It must not retain the Request after returning.
using Handler = std::function<Response(const Request&)>;

/// A route declaration. Paths use `{name}` for path parameters, e.g.
/// "/analytics/funnel/{funnel_id}".
struct RouteSpec {
  Method method = Method::Get;
  std::string path;
  std::string summary;            ///< One line, for OpenAPI and /health.
  std::string description;        ///< Optional longer text, for OpenAPI.
  std::string tag;                ///< OpenAPI tag; defaults to the plugin name.
  std::vector<ParamSpec> params;  ///< Beyond the window parameters (added by `windowed`).
  std::string response_description = "OK";
  nlohmann::json response_example;  ///< Optional example body, shown in /docs.
  /// SDK 2.0. The JSON body of the successful answer, every field declared (schema.h). The host
  /// publishes it under components/schemas and adds `window` and `data_as_of` for `windowed`
  /// routes itself. Unspecified: documented as "some JSON object" (an undocumented route).
  Schema response_schema;
  /// SDK 2.0. Other media types of the successful answer (CSV, SVG, plain text). When
  /// response_schema is Unspecified and this is not empty, the route answers no JSON at all.
  std::vector<ResponseBody> other_responses;
  /// SDK 2.0. The JSON request body of a POST/PUT/PATCH route; Unspecified: not documented.
  Schema request_schema;
  Role required_role = Role::Viewer;
  CachePolicy cache = CachePolicy::None;
  /// The host parses from/to/tz/interval into Request::window (400 on bad input), documents them,
  /// and adds "window" and "data_as_of" to a JSON object response.
  bool windowed = false;
  /// Run on the bounded worker pool under `server.max_concurrent_requests` (uncached analytics).
  /// Set to false only for handlers that answer in microseconds without touching the store.
  bool heavy = true;
  Handler handler;
};

/// Registration of routes. REQUIRES: called only from Plugin::start().
class ZAPLIFY_SDK_API RouteRegistry {
 public:
  virtual ~RouteRegistry() = default;
  /// Adds a route. A (method, path) already taken by another plugin fails the load of this plugin,
  /// naming both plugins.
  virtual void add(RouteSpec spec) = 0;
};

inline const char* method_name(Method m) {
  switch (m) {
    case Method::Get:
      return "GET";
    case Method::Post:
      return "POST";
    case Method::Put:
      return "PUT";
    case Method::Delete:
      return "DELETE";
    case Method::Patch:
      return "PATCH";
  }
  return "GET";
}

}  // namespace zaplify::sdk
