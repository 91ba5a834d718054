#include "http/pipeline.h"

#include <spdlog/spdlog.h>

#include "zaplify/sdk/store.h"

namespace zaplify::core {

bool is_public_route(const RouteEntry& entry) {
  if (entry.spec.method != sdk::Method::Get) return false;
  if (entry.spec.required_role == sdk::Role::Public) return true;  // e.g. a plugin's static page
  const auto& p = entry.spec.path;
  if (entry.plugin != "core") return false;
  return p == "/health" || p == "/openapi.json" || p == "/docs" || p.rfind("/docs/", 0) == 0;
}

bool route_parses_interval(const sdk::RouteSpec& spec) {
  for (const auto& p : spec.params)
    if (p.in == sdk::ParamLocation::Query && p.name == "interval") return true;
  return false;
}

std::map<std::string, std::string> cache_query(const sdk::RouteSpec& spec,
                                               const std::map<std::string, std::string>& query,
                                               const sdk::Window* window) {
  std::map<std::string, std::string> out = query;
  for (const auto& p : spec.params)
    if (p.in == sdk::ParamLocation::Query && !p.default_value.empty())
      out.try_emplace(p.name, p.default_value);
  if (spec.windowed && window) {
    out["from"] = query.count("from") ? std::to_string(window->from_ms) : "default";
    out["to"] = query.count("to") ? std::to_string(window->to_ms) : "default";
    out["tz"] = window->tz;
    static const char* names[] = {"none", "hour", "day", "week"};
    if (!route_parses_interval(spec)) out["interval"] = names[static_cast<int>(window->interval)];
  }
  return out;
}

namespace {

std::string dump_json(const nlohmann::json& j) {
  // Replace invalid UTF-8 rather than throwing halfway through an answer.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void decorate_window(nlohmann::json& body, const sdk::Window& w, const sdk::Calendar* calendar,
                     std::int64_t now_ms) {
  if (!calendar) return;
  body["window"] = {{"from", calendar->format_utc(w.from_ms)},
                    {"to", calendar->format_utc(w.to_ms)},
                    {"tz", w.tz}};
  body["data_as_of"] = calendar->format_utc(now_ms);
}

}  // namespace

Outgoing invoke_route(const std::shared_ptr<const RouteEntry>& entry, const sdk::Request& request,
                      const sdk::Calendar* calendar, std::int64_t now_ms, StreamMode mode) {
  sdk::Response r = entry->spec.handler(request);
  Outgoing out;
  out.status = r.status;
  out.headers = std::move(r.headers);
  out.content_type = r.content_type.empty() ? "application/octet-stream" : r.content_type;
  if (r.stream) {
    if (mode == StreamMode::Spool) {
      auto spool = std::make_shared<SpoolFile>();
      r.stream(*spool);
      spool->finish();
      out.file = std::move(spool);
    } else {
      StringSink sink;
      r.stream(sink);
      out.body = std::move(sink.data);
    }
  } else if (!r.raw.empty()) {
    out.body = std::move(r.raw);
  } else {
    if (entry->spec.windowed && r.json.is_object() && r.status < 300)
      decorate_window(r.json, request.window, calendar, now_ms);
    out.body = dump_json(r.json);
    out.content_type = "application/json";
  }
  return out;
}

CachedResponse to_cached(const Outgoing& out, std::int64_t computed_at_ms) {
  return CachedResponse{out.status, out.content_type, out.body, computed_at_ms};
}

Outgoing from_cached(const CachedResponse& cached) {
  Outgoing out;
  out.status = cached.status;
  out.content_type = cached.content_type;
  out.body = cached.body;
  return out;
}

Outgoing error_outgoing(int status, const std::string& code, const std::string& message,
                        const std::string& field) {
  nlohmann::json error = {{"code", code}, {"message", message}};
  error["field"] = field.empty() ? nlohmann::json(nullptr) : nlohmann::json(field);
  Outgoing out;
  out.status = status;
  out.body = dump_json(nlohmann::json{{"error", error}});
  if (status == 429 || status == 503) out.retry_after_seconds = 1;
  return out;
}

Outgoing outgoing_for_exception(std::exception_ptr error, const std::string& request_id) {
  try {
    std::rethrow_exception(error);
  } catch (const sdk::HttpError& e) {
    return error_outgoing(e.status(), e.code(), e.what(), e.field());
  } catch (const sdk::StoreError& e) {
    spdlog::error("request {}: store error: {}", request_id, e.what());
    if (e.unavailable()) {
      auto out =
          error_outgoing(503, "database_unavailable", "the database is unavailable; retry later");
      out.retry_after_seconds = 5;
      return out;
    }
    return error_outgoing(500, "internal_error", "internal error");
  } catch (const std::exception& e) {
    spdlog::error("request {}: unhandled exception: {}", request_id, e.what());
  } catch (...) {
    spdlog::error("request {}: unhandled non-standard exception", request_id);
  }
  return error_outgoing(500, "internal_error", "internal error");
}

}  // namespace zaplify::core
