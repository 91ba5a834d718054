#include "http/stages.h"

#include "cache/response_cache.h"
#include "calendar/calendar.h"
#include "http/param_check.h"
#include "http/query_string.h"
#include "plugins/build_fingerprint.h"

namespace zaplify::core {
namespace {

bool method_from(const std::string& m, sdk::Method& out) {
  if (m == "GET")
    out = sdk::Method::Get;
  else if (m == "POST")
    out = sdk::Method::Post;
  else if (m == "PUT")
    out = sdk::Method::Put;
  else if (m == "DELETE")
    out = sdk::Method::Delete;
  else if (m == "PATCH")
    out = sdk::Method::Patch;
  else
    return false;
  return true;
}

// Reads of tenant data need a tenant; the host's admin reads (/metrics, /admin/*) are
// server-wide, so a "*" admin token may call them without X-Tenant-ID.
bool needs_tenant(const RouteEntry& entry, sdk::Method method) {
  if (method != sdk::Method::Get) return false;
  return !(entry.plugin == "core" && entry.spec.required_role == sdk::Role::Admin);
}

bool is_json_content_type(const std::string& ct) {
  std::string base = ct.substr(0, ct.find(';'));
  while (!base.empty() && base.back() == ' ') base.pop_back();
  for (auto& c : base) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return base == "application/json";
}

std::string header_or_empty(const std::map<std::string, std::string>& h, const char* name) {
  auto it = h.find(name);
  return it == h.end() ? std::string() : it->second;
}

Outgoing method_not_allowed(const std::string& path, const std::vector<sdk::Method>& allowed) {
  std::string allow;
  for (auto m : allowed) allow += (allow.empty() ? "" : ", ") + std::string(sdk::method_name(m));
  auto out = error_outgoing(405, "method_not_allowed", "method not allowed for " + path);
  out.headers.emplace_back("Allow", allow);
  return out;
}

}  // namespace

StageResult route_stage(const RouteTable& routes, const WireRequest& wire, RequestState& state) {
  bool known_method = method_from(wire.method, state.method);
  RouteMatch match = routes.match(state.method, wire.path);
  if (!known_method && match.entry)
    return method_not_allowed(wire.path, {match.entry->spec.method});
  if (match.method_not_allowed) return method_not_allowed(wire.path, match.allowed);
  if (!match.entry) return error_outgoing(404, "not_found", "no route for " + wire.path);
  state.entry = std::move(match.entry);
  state.path_params = std::move(match.path_params);
  return std::nullopt;
}

StageResult body_stage(const WireRequest& wire, std::size_t max_body_bytes,
                       const RequestState& state) {
  if (wire.body.size() > max_body_bytes)
    return error_outgoing(413, "payload_too_large",
                          "the body exceeds " + std::to_string(max_body_bytes) + " bytes");
  std::string content_type = header_or_empty(wire.headers, "content-type");
  if (state.method != sdk::Method::Get && (!wire.body.empty() || !content_type.empty()) &&
      !is_json_content_type(content_type))
    return error_outgoing(415, "unsupported_media_type", "the body must be application/json");
  // A raw NUL is never JSON text, but parsers reading C strings stop at it and accept the rest.
  if (wire.body.find('\0') != std::string::npos)
    return error_outgoing(400, "invalid_body", "request body is not valid JSON");
  return std::nullopt;
}

StageResult authenticate_stage(const Authenticator& auth, const WireRequest& wire,
                               std::int64_t now_ms, RequestState& state) {
  if (is_public_route(*state.entry)) return std::nullopt;
  state.principal = auth.authenticate(header_or_empty(wire.headers, "authorization"),
                                      header_or_empty(wire.headers, "x-tenant-id"),
                                      needs_tenant(*state.entry, state.method), now_ms / 1000);
  return std::nullopt;
}

StageResult authorise_stage(const RequestState& state) {
  if (is_public_route(*state.entry) || state.principal.role >= state.entry->spec.required_role)
    return std::nullopt;
  return error_outgoing(403, "forbidden", "this route needs a higher role");
}

void parameters_stage(WireRequest& wire, const std::map<std::string, std::string>& query,
                      const std::string& request_id, std::int64_t now_ms, int retention_days,
                      RequestState& state) {
  auto req = std::make_shared<sdk::Request>();
  req->method = state.method;
  req->path = url_decode(wire.path, false);
  req->path_params = state.path_params;
  req->query = query;
  check_declared_params(state.entry->spec.params, req->query, req->path_params);
  req->headers = wire.headers;
  req->body = std::move(wire.body);
  req->tenant_id = state.principal.tenant_id;
  req->role = state.principal.role;
  req->request_id = request_id;
  if (state.entry->spec.windowed) {
    auto window_query = req->query;
    if (route_parses_interval(state.entry->spec)) window_query.erase("interval");
    req->window = parse_window(window_query, now_ms, retention_days);
  }
  state.request = std::move(req);
}

std::optional<std::string> cache_key_stage(const RequestState& state) {
  const auto& spec = state.entry->spec;
  if (state.method != sdk::Method::Get || spec.cache == sdk::CachePolicy::None) return std::nullopt;
  const sdk::Request& req = *state.request;
  // The builds that computed an answer are part of its key: after a plugin (or host) upgrade or
  // a reload of a rebuilt library, answers of the old build are never served (they age out).
  return "build=" + host_fingerprint() + "." + state.entry->build_id + " " +
         ResponseCache::make_key(
             spec.path, req.path,
             cache_query(spec, req.query, spec.windowed ? &req.window : nullptr));
}

}  // namespace zaplify::core
