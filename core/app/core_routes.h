#pragma once
// The core's built-in routes (plugin "core", no owner): /health, /openapi.json, /docs,
// /docs/{asset}, /metrics, POST /analytics/process/batch, POST /admin/reload, GET /admin/plugins.

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "routing/route_table.h"

namespace zaplify::sdk {
class Calendar;
}

namespace zaplify::core {

class Database;
class ResponseCache;
class PrometheusRegistry;
class PluginManager;
class IngestService;

/// Everything the handlers use; all must outlive the routes.
struct CoreRouteServices {
  Database* db = nullptr;
  ResponseCache* cache = nullptr;
  PrometheusRegistry* metrics = nullptr;
  PluginManager* plugins = nullptr;
  IngestService* ingest = nullptr;
  const sdk::Calendar* calendar = nullptr;
  /// Re-reads the YAML and applies it; returns the summary. Throws ConfigError (→ 400).
  std::function<nlohmann::json()> reload;
  std::int64_t started_at_ms = 0;
  std::string version;
  /// Optional (--demo): added to /health as "demo" while and after demo data loads.
  std::function<nlohmann::json()> demo_status;
};

std::vector<std::shared_ptr<const RouteEntry>> make_core_routes(const CoreRouteServices& services);

}  // namespace zaplify::core
