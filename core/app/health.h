#pragma once
// GET /health (docs/api.md, Core routes) as a pure function of what the probes found.
//
// status: "unavailable" (HTTP 503) when the database ping fails; else "degraded" (200) when writes
// are failing (reads still answer), the cache backend reports unhealthy or any configured plugin is
// `failed`; else "ok" (200).
// A disabled plugin does not degrade: the operator asked for it. Errors are not shown here (the
// route is public); GET /admin/plugins has them.

#include <string>
#include <vector>

#include "plugins/plugin_manager.h"
#include "zaplify/sdk/http.h"

namespace zaplify::core {

struct HealthProbe {
  std::string version;
  double uptime_seconds = 0;
  std::string database_backend;
  bool database_ok = false;
  bool database_writable = true;  ///< False while writes fail for an outage (disk full, read-only).
  std::string cache_backend;
  bool cache_ok = false;
  std::vector<PluginStatus> plugins;
};

std::string health_status(const HealthProbe& probe);
sdk::Response health_response(const HealthProbe& probe);

}  // namespace zaplify::core
