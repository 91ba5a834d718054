#include "app/application.h"

#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include "app/core_routes.h"
#include "app/retention_purger.h"
#include "auth/authenticator.h"
#include "cache/response_cache.h"
#include "calendar/calendar.h"
#include "config/config_reference.h"
#include "demo/demo_generator.h"
#include "funnels/funnel_catalog.h"
#include "http/server.h"
#include "ingest/ingest_service.h"
#include "observability/prometheus.h"
#include "plugins/config_check.h"
#include "plugins/config_reference_scan.h"
#include "plugins/loaded_plugin.h"
#include "plugins/plugin_manager.h"
#include "projections/projection_coordinator.h"
#include "storage/database.h"

#ifndef ZAPLIFY_VERSION
#define ZAPLIFY_VERSION "0.0.0"
#endif

namespace zaplify::core {
namespace fs = std::filesystem;

namespace {

sigset_t handled_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

/// SQLite creates the file but not its folder (`var/` of the shipped config).
void make_sqlite_folder(const std::string& url) {
  const std::string scheme = "sqlite3://";
  if (url.rfind(scheme, 0) != 0) return;
  std::string path = url.substr(scheme.size());
  path = path.substr(0, path.find('?'));
  fs::path parent = fs::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) fs::create_directories(parent, ec);
}

sdk::HostSettings host_settings(const Settings& s) {
  sdk::HostSettings h;
  h.retention_days = s.metrics.retention_days;
  h.realtime_window_minutes = s.metrics.realtime_window_minutes;
  h.cache_ttl_seconds = s.cache.ttl_seconds;
  h.cache_backend = s.cache.backend;
  h.redis_url = s.cache.redis_url;
  h.cache_max_bytes = s.cache.max_bytes;
  h.version = ZAPLIFY_VERSION;
  return h;
}

/// Keys read only at start-up: a reload that changes them says a restart is needed.
std::vector<std::string> restart_only_changes(const Settings& a, const Settings& b) {
  std::vector<std::string> out;
  auto check = [&](bool differs, const char* key) {
    if (differs) out.push_back(key);
  };
  check(a.server.host != b.server.host || a.server.port != b.server.port, "server");
  check(a.server.threads != b.server.threads ||
            a.server.max_concurrent_requests != b.server.max_concurrent_requests ||
            a.server.queue_size != b.server.queue_size ||
            a.server.max_request_bytes != b.server.max_request_bytes,
        "server");
  check(a.database.url != b.database.url || a.database.pool_size != b.database.pool_size ||
            a.database.sqlite_synchronous != b.database.sqlite_synchronous ||
            a.database.sqlite_cache_mb != b.database.sqlite_cache_mb,
        "database");
  check(a.auth.mode != b.auth.mode || a.auth.secret_key != b.auth.secret_key ||
            a.auth.jwt_leeway_seconds != b.auth.jwt_leeway_seconds,
        "auth");
  check(a.ingest.batch_size != b.ingest.batch_size ||
            a.ingest.max_events_per_batch != b.ingest.max_events_per_batch,
        "ingest");
  check(a.cache.ttl_seconds != b.cache.ttl_seconds, "cache.ttl_seconds");
  check(a.metrics.retention_days != b.metrics.retention_days, "metrics.retention_days");
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void set_log_level(const std::string& level) { spdlog::set_level(spdlog::level::from_str(level)); }

}  // namespace

void block_handled_signals() {
  sigset_t set = handled_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a write or sendfile to a peer that closed would kill the process
}

Application::Application(CommandLine command_line)
    : command_line_(std::move(command_line)),
      default_plugins_dir_(default_plugins_dir_for_executable()),
      started_(std::chrono::steady_clock::now()) {}

Application::~Application() = default;

int Application::run() {
  if (command_line_.help) return std::cout << usage_text(), 0;
  if (command_line_.version) return std::cout << "zaplify-analytics " << ZAPLIFY_VERSION << "\n", 0;
  if (command_line_.print_config_reference)
    return std::cout << config_reference_markdown() << "\n"
                     << plugins_config_reference_markdown(default_plugins_dir_),
           0;
  try {
    settings_ =
        load_settings(command_line_.config_path, process_environment(), default_plugins_dir_);
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  set_log_level(settings_.logging.level);
  for (const auto& w : settings_.warnings) spdlog::warn("{}", w);
  if (command_line_.check_config) return check_config();
  try {
    build_services();
    start_serving();
  } catch (const std::exception& e) {
    spdlog::critical("start-up failed: {}", e.what());
    return 1;
  }
  wait_for_signals();
  shut_down();
  return 0;
}

int Application::check_config() {
  std::vector<std::string> problems;
  try {
    make_sqlite_folder(settings_.database.url);
    Database db(DatabaseSettings{settings_.database.url, settings_.database.pool_size,
                                 settings_.database.sqlite_synchronous,
                                 settings_.database.sqlite_cache_mb});
    if (!db.ping()) problems.push_back("database.url: the database does not answer");
  } catch (const std::exception& e) {
    problems.push_back(std::string("database.url: ") + e.what());
  }
  const SystemCalendar calendar;
  for (const auto& p : settings_.plugins) {
    if (!p.enabled) continue;
    try {
      auto lp = LoadedPlugin::open(p.library_path);
      if (lp->name() != p.name)
        problems.push_back("plugins: '" + p.name + "' names a library holding plugin '" +
                           lp->name() + "'");
      else if (lp->config_spec())
        if (auto why = check_plugin_config(
                p.name, *lp->config_spec(), p.config,
                sdk::ConfigCheckContext{
                    calendar, std::filesystem::path(p.library_path).parent_path().string()});
            !why.empty())
          problems.push_back(why);
    } catch (const std::exception& e) {
      problems.push_back("plugins: '" + p.name + "': " + e.what());
    }
  }
  if (!problems.empty()) {
    std::cerr << ConfigError(problems, command_line_.config_path).what() << "\n";
    return 1;
  }
  std::cout << "configuration OK: " << command_line_.config_path << "\n";
  return 0;
}

void Application::build_services() {
  const auto& s = settings_;
  if (s.auth.mode == "none")
    spdlog::warn(
        "auth.mode is none: every caller is an admin of the tenant it names in "
        "X-Tenant-ID (else 'default'); use jwt in production");
  make_sqlite_folder(s.database.url);
  db_ = std::make_unique<Database>(DatabaseSettings{s.database.url, s.database.pool_size,
                                                    s.database.sqlite_synchronous,
                                                    s.database.sqlite_cache_mb});
  funnels_ = std::make_unique<StoreFunnelCatalog>(*db_);
  calendar_ = std::make_unique<SystemCalendar>();
  metrics_ = std::make_unique<PrometheusRegistry>();
  cache_ = std::make_unique<ResponseCache>(s.cache.ttl_seconds, metrics_.get());

  projections_ = std::make_unique<ProjectionCoordinator>(
      *db_, [cal = calendar_.get()] { return cal->now_ms(); },
      [cache = cache_.get()](const std::string& plugin) {
        spdlog::info("plugin '{}' caught up with the event log", plugin);
        cache->invalidate_all();
      });
  PluginServices ps;
  ps.store = db_.get();
  ps.funnels = funnels_.get();
  ps.calendar = calendar_.get();
  ps.metrics = metrics_.get();
  ps.cache = cache_.get();
  ps.install_cache_backend = [cache = cache_.get()](std::shared_ptr<sdk::CacheBackend> b) {
    if (b)
      cache->set_backend(std::move(b));
    else
      cache->clear_backend();
  };
  ps.write = [db = db_.get()](const std::function<void(sdk::SqlWriter&)>& work) {
    db->write(work);
  };
  ps.purge_with_events = [db = db_.get()](const std::string& table, const std::string& column) {
    db->add_purge_table(table, column);
  };
  ps.migrate = [db = db_.get()](const std::string& plugin, const std::vector<sdk::Migration>& m) {
    db->migrate(plugin, m);
  };
  ps.attach_projections = [p = projections_.get()](const std::string& plugin,
                                                   const std::vector<sdk::ProjectionSpec>& specs,
                                                   std::shared_ptr<CatchUpStatus> status) {
    p->attach(plugin, specs, std::move(status));
  };
  ps.detach_projections = [p = projections_.get()](const std::string& plugin) {
    p->detach(plugin);
  };
  ps.settings = host_settings(s);
  plugins_ = std::make_unique<PluginManager>(std::move(ps));
  ingest_ = std::make_unique<IngestService>(
      *db_,
      IngestSettings{s.ingest.batch_size, s.ingest.max_events_per_batch, s.metrics.retention_days},
      [plugins = plugins_.get()] { return plugins->ingest_hooks(); }, projections_.get());
  auth_ = std::make_unique<Authenticator>(
      AuthSettings{s.auth.mode, s.auth.secret_key, s.auth.jwt_leeway_seconds});

  CoreRouteServices cs{db_.get(),
                       cache_.get(),
                       metrics_.get(),
                       plugins_.get(),
                       ingest_.get(),
                       calendar_.get(),
                       [this] { return reload(); },
                       calendar_->now_ms(),
                       ZAPLIFY_VERSION,
                       nullptr};
  if (command_line_.demo)
    cs.demo_status = [this] {
      return nlohmann::json{{"loading", demo_loading_.load()}, {"events", demo_events_.load()}};
    };
  plugins_->set_core_routes(make_core_routes(cs));
  auto changes = plugins_->apply(s.plugins);
  spdlog::info("plugins: {}", changes.to_json().dump());
  projections_->retire_unattached();
}

namespace {

// Written to a temporary name and renamed, so a reader never sees a half-written number.
void write_port_file(const std::string& path, std::uint16_t port) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << port << "\n";
    if (!out.flush()) throw std::runtime_error("cannot write the port file " + path);
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) throw std::runtime_error("cannot write the port file " + path + ": " + ec.message());
}

}  // namespace

void Application::start_serving() {
  const auto& s = settings_;
  HttpSettings hs;
  hs.host = s.server.host;
  hs.port = static_cast<std::uint16_t>(s.server.port);
  hs.threads = s.server.threads;
  hs.max_request_bytes = static_cast<std::size_t>(s.server.max_request_bytes);
  hs.max_concurrent_requests = s.server.max_concurrent_requests;
  hs.queue_size = s.server.queue_size;
  hs.retention_days = s.metrics.retention_days;
  server_ = std::make_unique<HttpServer>(
      hs, HttpServices{plugins_.get(), auth_.get(), cache_.get(), metrics_.get(), calendar_.get()});
  cache_->set_recompute([server = server_.get()](const std::string& tenant, const std::string& path,
                                                 const std::map<std::string, std::string>& query) {
    return server->recompute(tenant, path, query);
  });
  server_->start();
  purger_ = std::make_unique<RetentionPurger>(
      [db = db_.get(), projections = projections_.get()](std::int64_t cutoff) {
        projections->purge_before(cutoff);
        return db->purge_events_before(cutoff);
      },
      [cal = calendar_.get()] { return cal->now_ms(); }, s.metrics.retention_days,
      s.metrics.purge_interval_seconds);
  purger_->start();
  if (command_line_.demo) start_demo_loader();
  auto ready_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started_)
                      .count();
  spdlog::info("zaplify-analytics {} serving on {}:{} (ready in {} ms, database {}, cache {})",
               ZAPLIFY_VERSION, s.server.host, server_->port(), ready_ms, db_->backend_name(),
               cache_->backend_name());
  if (!command_line_.port_file.empty()) write_port_file(command_line_.port_file, server_->port());
}

void Application::start_demo_loader() {
  demo_loading_ = true;
  demo_thread_ = std::thread([this] {
    try {
      load_demo_data_if_empty();
    } catch (const std::exception& e) {
      spdlog::error("--demo: loading demo data failed: {}", e.what());
    }
    demo_loading_ = false;
  });
}

void Application::load_demo_data_if_empty() {
  bool has_events = false;
  db_->query("SELECT 1 FROM events WHERE tenant_id = ? LIMIT 1",
             {sdk::Value(std::string("default"))}, [&](const sdk::Row&) { has_events = true; });
  if (has_events) {
    spdlog::info("--demo: tenant 'default' already has events; nothing loaded");
    return;
  }
  DemoOptions options;
  options.tenant = "default";
  auto t0 = std::chrono::steady_clock::now();
  std::int64_t count = load_demo_data(*ingest_, options);
  demo_events_ = count;
  cache_->invalidate_tenant("default");
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  spdlog::info("--demo: loaded {} demo events for tenant 'default' in {} ms", count, ms);
}

void Application::wait_for_signals() {
  sigset_t set = handled_signals();
  while (true) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig != SIGHUP) {
      spdlog::info("signal {} received: shutting down", sig);
      return;
    }
    try {
      auto summary = reload();
      spdlog::info("SIGHUP reload applied: {}", summary.dump());
    } catch (const std::exception& e) {
      spdlog::error("SIGHUP reload refused, the running configuration keeps serving: {}", e.what());
    }
  }
}

nlohmann::json Application::reload() {
  std::lock_guard lock(reload_mutex_);
  Settings next =
      load_settings(command_line_.config_path, process_environment(), default_plugins_dir_);
  for (const auto& w : next.warnings) spdlog::warn("{}", w);
  auto restart = restart_only_changes(settings_, next);
  set_log_level(next.logging.level);
  plugins_->set_host_settings(host_settings(next));
  auto changes = plugins_->apply(next.plugins);
  settings_.plugins = next.plugins;
  settings_.logging = next.logging;
  auto out = changes.to_json();
  out["restart_required_for"] = restart;
  return out;
}

void Application::shut_down() {
  int drain_ms = settings_.server.drain_seconds * 1000;
  if (server_) server_->shutdown(drain_ms);
  if (demo_thread_.joinable()) demo_thread_.join();
  if (purger_) purger_->stop();
  if (projections_) projections_->stop();  // drops its hold on the plugins' libraries
  if (plugins_) plugins_->stop_all(std::chrono::milliseconds(drain_ms));
  spdlog::info("stopped");
}

}  // namespace zaplify::core
