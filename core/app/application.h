#pragma once
// The server process: wires Settings → logging → Database → Calendar → Prometheus → ResponseCache →
// PluginManager → IngestService → Authenticator → HttpServer, serves until SIGTERM/SIGINT,
// reloads on SIGHUP (and POST /admin/reload).

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "app/cli.h"
#include "config/settings.h"

namespace zaplify::core {

class Database;
class StoreFunnelCatalog;
class SystemCalendar;
class PrometheusRegistry;
class ResponseCache;
class PluginManager;
class ProjectionCoordinator;
class IngestService;
class Authenticator;
class HttpServer;
class RetentionPurger;

class Application {
 public:
  explicit Application(CommandLine command_line);
  ~Application();

  /// Runs the whole life of the process; returns its exit code (0 on a clean SIGTERM, 1 when the
  /// configuration or a dependency stops start-up).
  int run();

 private:
  int check_config();
  void build_services();
  void start_serving();
  /// --demo: loads demo events for tenant `default` on a background thread after serving starts
  /// (start-up stays fast); /health shows {"demo": {"loading", "events"}} meanwhile.
  void start_demo_loader();
  void load_demo_data_if_empty();
  void wait_for_signals();
  void shut_down();
  /// Re-reads and applies the YAML. Throws ConfigError (the running config keeps serving).
  nlohmann::json reload();

  CommandLine command_line_;
  Settings settings_;
  std::string default_plugins_dir_;
  std::chrono::steady_clock::time_point started_;
  std::mutex reload_mutex_;
  std::atomic<bool> demo_loading_{false};
  std::atomic<std::int64_t> demo_events_{0};
  std::thread demo_thread_;

  // Declaration order is construction order; destruction runs backwards (server first).
  std::unique_ptr<Database> db_;
  std::unique_ptr<StoreFunnelCatalog> funnels_;  // reads db_; shared by every plugin
  std::unique_ptr<SystemCalendar> calendar_;
  std::unique_ptr<PrometheusRegistry> metrics_;
  std::unique_ptr<ResponseCache> cache_;
  std::unique_ptr<PluginManager> plugins_;
  std::unique_ptr<IngestService> ingest_;
  // Declared after plugins_: destroyed first, so its replay thread stops and it lets go of the
  // plugins' code before the PluginManager unloads them (also when start-up fails half-way).
  std::unique_ptr<ProjectionCoordinator> projections_;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<RetentionPurger> purger_;
};

/// The signals the process handles synchronously (SIGTERM, SIGINT, SIGHUP): blocked in the calling
/// thread, so every thread started afterwards inherits the mask and sigwait() receives them.
void block_handled_signals();

}  // namespace zaplify::core
