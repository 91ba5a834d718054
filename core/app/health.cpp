#include "app/health.h"

namespace zaplify::core {

std::string health_status(const HealthProbe& probe) {
  if (!probe.database_ok) return "unavailable";
  if (!probe.database_writable) return "degraded";
  if (!probe.cache_ok) return "degraded";
  for (const auto& p : probe.plugins)
    if (p.status == "failed") return "degraded";
  return "ok";
}

sdk::Response health_response(const HealthProbe& probe) {
  std::string status = health_status(probe);
  nlohmann::json plugins = nlohmann::json::array();
  for (const auto& p : probe.plugins) {
    nlohmann::json item = {
        {"name", p.name}, {"version", p.version}, {"status", p.status}, {"routes", p.route_paths}};
    if (p.status == "catching_up")
      item["catch_up"] = {{"applied", p.catch_up_applied}, {"total", p.catch_up_total}};
    plugins.push_back(std::move(item));
  }
  nlohmann::json body = {{"status", status},
                         {"version", probe.version},
                         {"uptime_seconds", probe.uptime_seconds},
                         {"database",
                          {{"backend", probe.database_backend},
                           {"ok", probe.database_ok},
                           {"writable", probe.database_ok && probe.database_writable}}},
                         {"cache", {{"backend", probe.cache_backend}, {"ok", probe.cache_ok}}},
                         {"plugins", std::move(plugins)}};
  return sdk::Response::of_json(std::move(body), status == "unavailable" ? 503 : 200);
}

}  // namespace zaplify::core
