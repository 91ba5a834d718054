#pragma once
// sdk::Host for one plugin: hands out the host's services and collects the plugin's registrations
// into a staging area, which the PluginManager validates and publishes after start() returns.

#include <spdlog/logger.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ingest/event_type_catalog.h"
#include "projections/projection_coordinator.h"
#include "zaplify/sdk/plugin.h"

namespace zaplify::core {

/// The host services every plugin shares. All pointers must outlive the PluginManager.
struct PluginServices {
  const sdk::Store* store = nullptr;
  /// The current funnel definitions (StoreFunnelCatalog over the same store). May be null in tests
  /// whose plugins never read funnels: Host::funnels() then throws.
  const sdk::FunnelCatalog* funnels = nullptr;
  const sdk::Calendar* calendar = nullptr;
  sdk::MetricsRegistry* metrics = nullptr;
  /// The response cache's controls (invalidate, warm; set_backend is staged, see below).
  sdk::CacheControl* cache = nullptr;
  /// Installs (non-null) or drops (null) the live cache backend. Null function: ignored.
  std::function<void(std::shared_ptr<sdk::CacheBackend>)> install_cache_backend;
  /// Applies a plugin's migrations (Database::migrate). Null function: migrations are ignored.
  std::function<void(const std::string&, const std::vector<sdk::Migration>&)> migrate;
  /// Runs a write transaction (Database::write). Null function: writes throw.
  std::function<void(const std::function<void(sdk::SqlWriter&)>&)> write;
  /// Registers a plugin table for the retention purge (Database::add_purge_table). May be null.
  std::function<void(const std::string&, const std::string&)> purge_with_events;
  /// Hands a started plugin's projections to the ProjectionCoordinator (attach). May be null:
  /// projections are then ignored.
  std::function<void(const std::string&, const std::vector<sdk::ProjectionSpec>&,
                     std::shared_ptr<CatchUpStatus>)>
      attach_projections;
  /// Takes a leaving plugin's projections off ingestion (ProjectionCoordinator::detach). May be
  /// null.
  std::function<void(const std::string&)> detach_projections;
  /// Where the running plugins' event types are published for ingestion and /openapi.json.
  /// Null: EventTypeCatalog::process(), the one the server's ingest service and OpenAPI read.
  EventTypeCatalog* event_types = nullptr;
  sdk::HostSettings settings;
};

/// What one plugin registered during start().
struct StagedRegistrations {
  std::vector<sdk::RouteSpec> routes;
  std::vector<sdk::DataSourceSpec> data_sources;
  std::vector<sdk::Migration> migrations;
  std::vector<sdk::IngestHook> ingest_hooks;
  std::vector<sdk::ProjectionSpec> projections;
  std::vector<sdk::EventTypeSpec> event_types;
  std::shared_ptr<sdk::CacheBackend> cache_backend;
};

/// Owned by the plugin's LoadedPlugin (attach_context), so it lives as long as the plugin object.
/// Registration methods may be called only until seal(); afterwards they throw std::logic_error.
class PluginHost final : public sdk::Host {
 public:
  /// `live_sources` answers list()/produce() of the plugin's DataSourceRegistry (e.g. the export
  /// plugin reading every plugin's data sources); it must outlive this host.
  PluginHost(std::string plugin_name, std::string plugin_dir, nlohmann::json config,
             const PluginServices& services, const sdk::DataSourceRegistry& live_sources);
  ~PluginHost() override;

  const nlohmann::json& config() const override { return config_; }
  const sdk::HostSettings& settings() const override { return services_.settings; }
  sdk::RouteRegistry& routes() override;
  sdk::DataSourceRegistry& data_sources() override;
  sdk::MigrationRegistry& migrations() override;
  sdk::IngestHookRegistry& ingest_hooks() override;
  sdk::ProjectionRegistry& projections() override;
  sdk::EventTypeRegistry& event_types() override;
  sdk::CacheControl& cache() override;
  const sdk::Store& store() const override;
  const sdk::FunnelCatalog& funnels() const override;
  void write(const std::function<void(sdk::SqlWriter&)>& work) override;
  const sdk::Calendar& calendar() const override;
  sdk::Logger& logger() override;
  sdk::MetricsRegistry& metrics() override;
  std::string plugin_dir() const override { return plugin_dir_; }

  /// Ends the registration phase and hands over what was staged.
  StagedRegistrations seal();
  const std::string& plugin_name() const { return name_; }

 private:
  struct Registries;
  void require_open(const char* what);
  /// Appends `item` to one staged list, under the lock, while registration is open.
  template <class T>
  void stage(const char* what, std::vector<T> StagedRegistrations::*list, T item) {
    std::lock_guard lock(mutex_);
    require_open(what);
    (staged_.*list).push_back(std::move(item));
  }

  std::string name_;
  std::string plugin_dir_;
  nlohmann::json config_;
  PluginServices services_;  // a copy: settings are those at start
  std::mutex mutex_;
  bool sealed_ = false;
  StagedRegistrations staged_;
  std::unique_ptr<Registries> registries_;
};

}  // namespace zaplify::core
