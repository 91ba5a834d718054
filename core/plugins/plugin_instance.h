#pragma once
// A running plugin inside the PluginManager: its library and the host-side wrappers of everything
// it registered. Every wrapper holds the LoadedPlugin, so the library outlives its last use.

#include <memory>
#include <string>
#include <vector>

#include "plugins/data_source_catalog.h"
#include "plugins/loaded_plugin.h"
#include "plugins/plugin_host.h"
#include "routing/route_table.h"

namespace zaplify::core {

struct PluginInstance {
  std::shared_ptr<LoadedPlugin> lp;
  std::string name;
  std::vector<std::shared_ptr<const RouteEntry>> routes;
  std::vector<std::shared_ptr<const DataSourceRecord>> sources;
  std::vector<sdk::IngestHook> hooks;  ///< Host-made wrappers holding `lp`.
  /// The plugin's projections, `apply` wrapped to hold `lp`; handed to the coordinator.
  std::vector<sdk::ProjectionSpec> projections;
  /// Replay progress of those projections; routes and data sources answer 503 until ready.
  std::shared_ptr<CatchUpStatus> catch_up = std::make_shared<CatchUpStatus>();
  std::shared_ptr<sdk::CacheBackend> backend;  ///< Host-made wrapper holding `lp`.
  std::vector<sdk::Migration> migrations;
  /// The plugin's custom event types: plain data copied from it, so nothing here holds `lp`.
  std::vector<sdk::EventTypeSpec> event_types;

  /// Drops the instance's own references, so that `lp.use_count() == 1` means nothing of the
  /// plugin is in use any more.
  void release_registrations() {
    routes.clear();
    sources.clear();
    hooks.clear();
    projections.clear();
    backend.reset();
  }
};

/// Wraps what a plugin staged into host-owned objects that keep `inst.lp` alive: route entries
/// (tag defaulted to the plugin name), data-source records, guarded ingest hooks and projections,
/// the backend. With projections, routes and data sources answer 503 `catching_up` until
/// `inst.catch_up` is ready.
void adopt_registrations(StagedRegistrations staged, PluginInstance& inst);

}  // namespace zaplify::core
