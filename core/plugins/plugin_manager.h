#pragma once
// Loads, validates, publishes, reloads and retires plugins; owns the route table snapshot.
//
// A plugin goes live only whole: start() → registrations validated against core and the other
// plugins (unique method+path, unique data-source names, one cache backend) → its migrations →
// one new RouteTable snapshot swapped in. Any failure marks it `failed` with its error; nothing of
// it is registered and the others keep serving. A plugin that leaves (disabled, removed, or
// restarted because its `config:` changed) is taken out of the snapshot first; a reaper thread
// waits until nothing holds it any more (requests in flight), then calls stop() and destroys it.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "config/settings.h"
#include "plugins/data_source_catalog.h"
#include "plugins/plugin_host.h"
#include "routing/route_table.h"

namespace zaplify::core {

struct PluginInstance;  // plugins/plugin_instance.h

struct PluginStatus {
  std::string name;
  std::string version;
  std::uint32_t sdk_abi_version = 0;
  std::string status = "disabled";  ///< "running" | "catching_up" | "failed" | "disabled"
  std::string library;              ///< Resolved path.
  std::vector<std::string> routes;  ///< "GET /path"
  std::vector<std::string> route_paths;
  std::vector<std::string> data_sources;
  std::int64_t loaded_at_ms = 0;  ///< 0: never loaded.
  std::string last_error;
  /// While "catching_up": log positions replayed into its projections so far, and in all.
  std::int64_t catch_up_applied = 0;
  std::int64_t catch_up_total = 0;
  nlohmann::json to_json() const;  ///< The GET /admin/plugins item.
};

/// What one apply() changed, for logs and POST /admin/reload.
struct PluginChanges {
  std::vector<std::string> loaded, unloaded, restarted, failed, unchanged;
  /// Running plugins whose changed `config:` block was refused by their declaration: they keep
  /// serving with the previous block (the reason is their status's last_error).
  std::vector<std::string> refused;
  nlohmann::json to_json() const;
};

/// Thread-safe. current(), statuses(), ingest_hooks() and data_sources() may be called from any
/// thread at any time; apply() calls are serialised.
class PluginManager final : public RouteTableSource {
 public:
  explicit PluginManager(PluginServices services);
  /// Calls stop_all() with a short drain if it has not run.
  ~PluginManager() override;

  /// The core's own routes, present in every snapshot. REQUIRES: called before the first apply().
  void set_core_routes(std::vector<std::shared_ptr<const RouteEntry>> routes);
  /// Settings handed to plugins started from now on.
  void set_host_settings(const sdk::HostSettings& settings);

  /// Brings the running set in line with `plugins` (the whole `plugins:` list, in order): loads
  /// newly enabled ones, retries failed ones, retires disabled or removed ones, restarts those
  /// whose config block or library changed, and publishes one new snapshot.
  PluginChanges apply(const std::vector<PluginConfig>& plugins);

  std::shared_ptr<const RouteTable> current() const override;
  std::vector<PluginStatus> statuses() const;
  /// Every running plugin's ingest hooks; each keeps its plugin loaded while it is held.
  std::vector<sdk::IngestHook> ingest_hooks() const;
  const DataSourceCatalog& data_sources() const { return catalog_; }

  /// Blocks until every retired plugin has been stopped and destroyed, or `timeout` passed.
  /// Returns true when none is left.
  bool wait_retired(std::chrono::milliseconds timeout);
  /// Retires every plugin (snapshot with core routes only) and waits up to `drain` for them; a
  /// plugin still busy after that is stopped never and leaked on purpose (unloading it would
  /// crash the request using it).
  void stop_all(std::chrono::milliseconds drain);

 private:
  using Instance = PluginInstance;
  struct Slot {
    PluginConfig config;
    PluginStatus status;
    std::shared_ptr<Instance> instance;  ///< Null unless running.
  };

  /// Running plugins whose changed block their own declaration refuses (recorded in `changes` and
  /// their status); they stay as they are.
  std::set<std::string> refuse_bad_configs(const std::vector<PluginConfig>& plugins,
                                           PluginChanges& changes);
  std::vector<std::shared_ptr<Instance>> take_leaving(const std::vector<PluginConfig>& plugins,
                                                      const std::set<std::string>& refused,
                                                      PluginChanges& changes,
                                                      std::set<std::string>& restarting);
  void bring_up(const PluginConfig& config, bool restarting, PluginChanges& changes);
  std::shared_ptr<Instance> start_plugin(const PluginConfig& config, PluginStatus& status);
  /// "" or why `cfg.config` breaks `spec` (config_check.h).
  std::string config_problem(const PluginConfig& cfg, const sdk::ConfigSpec& spec) const;
  std::string check_registrations(const std::string& plugin, Instance& inst) const;
  void retire(std::shared_ptr<Instance> inst);
  void publish_locked();
  void reaper_loop();
  std::int64_t now_ms() const;

  PluginServices services_;
  DataSourceCatalog catalog_;
  std::vector<std::shared_ptr<const RouteEntry>> core_routes_;

  std::mutex apply_mutex_;          // serialises apply() and stop_all()
  mutable std::mutex state_mutex_;  // slots_, order_
  std::map<std::string, Slot> slots_;
  std::vector<std::string> order_;  // config order, for statuses()

  mutable std::mutex snapshot_mutex_;
  std::shared_ptr<const RouteTable> snapshot_;

  std::shared_ptr<sdk::CacheBackend> installed_backend_;

  std::mutex reaper_mutex_;
  std::condition_variable reaper_cv_;
  std::vector<std::shared_ptr<Instance>> retiring_;
  int in_teardown_ = 0;
  bool stopping_ = false;
  bool stopped_all_ = false;
  std::thread reaper_;
};

}  // namespace zaplify::core
