#pragma once
// The live data sources of every running plugin (sdk::DataSourceRegistry for consumers such as the
// export plugin). The set is an immutable snapshot, swapped whole by the PluginManager.

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "plugins/loaded_plugin.h"
#include "zaplify/sdk/data_source.h"

namespace zaplify::core {

/// One registered data source and what keeps its producer's code loaded.
struct DataSourceRecord {
  std::shared_ptr<LoadedPlugin> owner;  // declared first: released after `spec` (plugin code)
  std::string plugin;
  sdk::DataSourceSpec spec;
};

using DataSourceMap = std::map<std::string, std::shared_ptr<const DataSourceRecord>>;

/// Thread-safe. add() is not offered here (plugins register through their PluginHost).
class DataSourceCatalog final : public sdk::DataSourceRegistry {
 public:
  DataSourceCatalog();
  /// Throws std::logic_error: registration goes through a plugin's PluginHost during start().
  void add(sdk::DataSourceSpec spec) override;
  std::vector<sdk::DataSourceInfo> list() const override;
  /// Keeps the producing plugin loaded for the whole call. An exception of the producer is
  /// re-thrown as a host-made copy (HttpError, StoreError, or std::runtime_error), so no exception
  /// object of the plugin outlives this call. Unknown name → sdk::not_found (field "dataset").
  void produce(const std::string& name, const sdk::DataSourceRequest& request,
               sdk::RowSink& sink) const override;

  void publish(DataSourceMap next);
  std::shared_ptr<const DataSourceMap> snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const DataSourceMap> current_;
};

/// Runs `f`, re-throwing any exception of plugin code as a host-made copy (see produce()).
template <typename F>
decltype(auto) call_plugin_code(const std::string& plugin, F&& f);

}  // namespace zaplify::core

#include "plugins/plugin_call.inl"
