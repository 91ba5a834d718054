#include "plugins/plugin_manager.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <ctime>
#include <filesystem>
#include <set>

#include "calendar/calendar.h"
#include "plugins/config_check.h"
#include "plugins/plugin_instance.h"

namespace zaplify::core {
namespace {

std::string format_utc_ms(std::int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

const PluginConfig* find_config(const std::vector<PluginConfig>& plugins, const std::string& name) {
  for (const auto& p : plugins)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace

nlohmann::json PluginStatus::to_json() const {
  return {{"name", name},
          {"version", version},
          {"sdk_abi_version", sdk_abi_version},
          {"status", status},
          {"library", library},
          {"routes", routes},
          {"data_sources", data_sources},
          {"loaded_at", loaded_at_ms ? nlohmann::json(format_utc_ms(loaded_at_ms)) : nullptr},
          {"last_error", last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(last_error)},
          {"catch_up", status == "catching_up" ? nlohmann::json{{"applied", catch_up_applied},
                                                                {"total", catch_up_total}}
                                               : nlohmann::json(nullptr)}};
}

nlohmann::json PluginChanges::to_json() const {
  return {{"loaded", loaded}, {"unloaded", unloaded}, {"restarted", restarted},
          {"failed", failed}, {"refused", refused},   {"unchanged", unchanged}};
}

PluginManager::PluginManager(PluginServices services)
    : services_(std::move(services)),
      snapshot_(
          std::make_shared<const RouteTable>(std::vector<std::shared_ptr<const RouteEntry>>{})) {
  reaper_ = std::thread([this] { reaper_loop(); });
}

PluginManager::~PluginManager() { stop_all(std::chrono::seconds(2)); }

void PluginManager::set_core_routes(std::vector<std::shared_ptr<const RouteEntry>> routes) {
  std::lock_guard apply_lock(apply_mutex_);
  core_routes_ = std::move(routes);
  publish_locked();
}

void PluginManager::set_host_settings(const sdk::HostSettings& settings) {
  std::lock_guard apply_lock(apply_mutex_);
  services_.settings = settings;
}

std::int64_t PluginManager::now_ms() const {
  if (services_.calendar) return services_.calendar->now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

PluginChanges PluginManager::apply(const std::vector<PluginConfig>& plugins) {
  std::lock_guard apply_lock(apply_mutex_);
  PluginChanges changes;
  std::set<std::string> restarting;
  const std::set<std::string> refused = refuse_bad_configs(plugins, changes);
  auto leaving = take_leaving(plugins, refused, changes, restarting);
  // Before anything else changes: from here on ingestion skips their projections, and the
  // coordinator has recorded where each one stopped.
  if (services_.detach_projections)
    for (const auto& inst : leaving) services_.detach_projections(inst->name);
  for (const auto& cfg : plugins)
    if (!refused.count(cfg.name)) bring_up(cfg, restarting.count(cfg.name) > 0, changes);
  {
    std::lock_guard lock(state_mutex_);
    order_.clear();
    for (const auto& cfg : plugins) order_.push_back(cfg.name);
  }
  publish_locked();  // the leaving ones are out of the new snapshot...
  for (auto& inst : leaving) retire(std::move(inst));  // ...and stop once idle
  // A cached answer was computed by a plugin build or a plugin set that may be gone (a reloaded
  // plugin may answer differently; one back from being off has to catch up first).
  const bool set_changed =
      !changes.loaded.empty() || !changes.unloaded.empty() || !changes.restarted.empty();
  if (set_changed && services_.cache) services_.cache->invalidate_all();
  return changes;
}

std::set<std::string> PluginManager::refuse_bad_configs(const std::vector<PluginConfig>& plugins,
                                                        PluginChanges& changes) {
  // A changed block is checked with the running build's declaration before that build goes: a bad
  // block must not take a serving plugin down. (A new library path is checked by the new build
  // when it starts.) The checks run outside state_mutex_: a plugin's check may read files.
  std::vector<std::pair<const PluginConfig*, std::shared_ptr<Instance>>> candidates;
  {
    std::lock_guard lock(state_mutex_);
    for (const auto& cfg : plugins) {
      auto it = slots_.find(cfg.name);
      if (it == slots_.end() || !it->second.instance || !cfg.enabled) continue;
      const PluginConfig& running = it->second.config;
      if (cfg.config != running.config && cfg.library_path == running.library_path)
        candidates.emplace_back(&cfg, it->second.instance);
    }
  }
  std::set<std::string> refused;
  for (const auto& [cfg, inst] : candidates) {
    const sdk::ConfigSpec* spec = inst->lp->config_spec();
    const std::string why = spec ? config_problem(*cfg, *spec) : "";
    if (why.empty()) continue;
    spdlog::error("plugin '{}' config refused, the running one keeps serving: {}", cfg->name, why);
    refused.insert(cfg->name);
    changes.refused.push_back(cfg->name);
    std::lock_guard lock(state_mutex_);
    slots_[cfg->name].status.last_error = "config refused, still running the previous one: " + why;
  }
  return refused;
}

std::vector<std::shared_ptr<PluginManager::Instance>> PluginManager::take_leaving(
    const std::vector<PluginConfig>& plugins, const std::set<std::string>& refused,
    PluginChanges& changes, std::set<std::string>& restarting) {
  std::vector<std::shared_ptr<Instance>> leaving;
  std::lock_guard lock(state_mutex_);
  for (auto it = slots_.begin(); it != slots_.end();) {
    const PluginConfig* cfg = find_config(plugins, it->first);
    auto& slot = it->second;
    if (!cfg) {  // removed from the YAML
      if (slot.instance) {
        leaving.push_back(std::move(slot.instance));
        changes.unloaded.push_back(it->first);
      }
      it = slots_.erase(it);
      continue;
    }
    bool changed =
        cfg->config != slot.config.config || cfg->library_path != slot.config.library_path;
    if (refused.count(it->first)) {  // keeps running with its previous block
      ++it;
      continue;
    }
    if (slot.instance && (!cfg->enabled || changed)) {
      leaving.push_back(std::move(slot.instance));
      if (cfg->enabled)
        restarting.insert(it->first);
      else
        changes.unloaded.push_back(it->first);
    }
    ++it;
  }
  return leaving;
}

void PluginManager::bring_up(const PluginConfig& cfg, bool restarting, PluginChanges& changes) {
  Slot* slot = nullptr;
  {
    std::lock_guard lock(state_mutex_);
    slot = &slots_[cfg.name];  // std::map: the address stays valid
    slot->config = cfg;
    if (!cfg.enabled) {
      PluginStatus disabled;
      disabled.name = cfg.name;
      disabled.version = slot->status.version;
      disabled.sdk_abi_version = slot->status.sdk_abi_version;
      disabled.library = cfg.library_path;
      slot->status = std::move(disabled);
      return;
    }
    if (slot->instance) {
      slot->status.last_error.clear();  // a running plugin's only error: a refused config block
      changes.unchanged.push_back(cfg.name);
      return;
    }
  }
  PluginStatus status;
  status.name = cfg.name;
  status.library = cfg.library_path;
  auto inst = start_plugin(cfg, status);  // slow (dlopen, start, migrations): outside the lock
  std::lock_guard lock(state_mutex_);
  slot->instance = inst;
  slot->status = std::move(status);
  if (!inst)
    changes.failed.push_back(cfg.name);
  else if (restarting)
    changes.restarted.push_back(cfg.name);
  else
    changes.loaded.push_back(cfg.name);
}

std::string PluginManager::config_problem(const PluginConfig& cfg,
                                          const sdk::ConfigSpec& spec) const {
  static const SystemCalendar system_calendar;  // when the services carry none (tests)
  const sdk::Calendar& calendar = services_.calendar ? *services_.calendar : system_calendar;
  const sdk::ConfigCheckContext context{
      calendar, std::filesystem::path(cfg.library_path).parent_path().string()};
  return check_plugin_config(cfg.name, spec, cfg.config, context);
}

std::shared_ptr<PluginManager::Instance> PluginManager::start_plugin(const PluginConfig& cfg,
                                                                     PluginStatus& status) {
  auto fail = [&](const std::string& message) -> std::shared_ptr<Instance> {
    status.status = "failed";
    status.last_error = message;
    spdlog::error("plugin '{}' failed: {}", cfg.name, message);
    return nullptr;
  };
  std::shared_ptr<LoadedPlugin> lp;
  try {
    lp = LoadedPlugin::open(cfg.library_path);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  status.version = lp->version();
  status.sdk_abi_version = lp->abi_version();
  if (lp->name() != cfg.name)
    return fail("library " + cfg.library_path + " holds plugin '" + lp->name() + "', not '" +
                cfg.name + "' as the config names it");
  nlohmann::json block = cfg.config;
  if (const sdk::ConfigSpec* spec = lp->config_spec()) {
    if (auto why = config_problem(cfg, *spec); !why.empty()) return fail(why);
    block = with_config_defaults(*spec, cfg.config);
  }
  auto dir = std::filesystem::path(cfg.library_path).parent_path().string();
  auto host = std::make_shared<PluginHost>(cfg.name, dir, block, services_, catalog_);
  lp->attach_context(host);
  std::string error;
  try {
    lp->plugin().start(*host);
  } catch (const std::exception& e) {
    error = e.what();  // copied while the exception object (maybe plugin code) is alive
  } catch (...) {
    error = "a non-standard exception";
  }
  if (!error.empty()) return fail("start() threw: " + error);

  auto inst = std::make_shared<Instance>();
  inst->name = cfg.name;
  inst->lp = lp;
  adopt_registrations(host->seal(), *inst);
  error = check_registrations(cfg.name, *inst);
  if (error.empty() && services_.migrate && !inst->migrations.empty()) {
    try {
      services_.migrate(cfg.name, inst->migrations);
    } catch (const std::exception& e) {
      error = std::string("migrations failed: ") + e.what();
    }
  }
  // Also without projections: the host forgets those an earlier build declared.
  if (error.empty() && services_.attach_projections) {
    try {
      services_.attach_projections(cfg.name, inst->projections, inst->catch_up);
    } catch (const std::exception& e) {
      error = std::string("projections failed: ") + e.what();
    }
  }
  if (!error.empty()) {
    inst->release_registrations();
    lp->plugin().stop();
    return fail(error);
  }
  status.status = "running";
  status.loaded_at_ms = now_ms();
  status.last_error.clear();
  for (const auto& r : inst->routes) {
    status.routes.push_back(std::string(sdk::method_name(r->spec.method)) + " " + r->spec.path);
    status.route_paths.push_back(r->spec.path);
  }
  for (const auto& s : inst->sources) status.data_sources.push_back(s->spec.name);
  spdlog::info("plugin '{}' {} running: {} routes, {} data sources", cfg.name, status.version,
               inst->routes.size(), inst->sources.size());
  return inst;
}

std::string PluginManager::check_registrations(const std::string& plugin, Instance& inst) const {
  std::vector<std::shared_ptr<const RouteEntry>> all = core_routes_;
  std::map<std::string, std::string> source_owner, type_owner;
  std::string backend_owner;
  for (const auto& [name, slot] : slots_) {
    if (!slot.instance) continue;
    all.insert(all.end(), slot.instance->routes.begin(), slot.instance->routes.end());
    for (const auto& s : slot.instance->sources) source_owner[s->spec.name] = name;
    for (const auto& t : slot.instance->event_types) type_owner[t.type] = name;
    if (slot.instance->backend) backend_owner = name;
  }
  for (const auto& r : inst.routes)
    if (!r->spec.handler)
      return "route " + std::string(sdk::method_name(r->spec.method)) + " " + r->spec.path +
             " has no handler";
  all.insert(all.end(), inst.routes.begin(), inst.routes.end());
  try {
    RouteTable probe(std::move(all));
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  for (const auto& s : inst.sources) {
    if (s->spec.name.empty() || !s->spec.produce)
      return "a data source needs a name and a producer";
    auto [it, inserted] = source_owner.emplace(s->spec.name, plugin);
    if (!inserted)
      return "data source '" + s->spec.name + "' is registered by both plugin '" + it->second +
             "' and plugin '" + plugin + "'";
  }
  for (const auto& t : inst.event_types) {
    if (auto e = check_event_type_spec(t); !e.empty()) return e;
    auto [it, inserted] = type_owner.emplace(t.type, plugin);
    if (!inserted)
      return "event type '" + t.type + "' is declared by both plugin '" + it->second +
             "' and plugin '" + plugin + "'";
  }
  if (inst.backend && !backend_owner.empty())
    return "a cache backend is already provided by plugin '" + backend_owner + "'";
  return "";
}

void PluginManager::publish_locked() {
  std::vector<std::shared_ptr<const RouteEntry>> routes = core_routes_;
  DataSourceMap sources;
  std::shared_ptr<sdk::CacheBackend> backend;
  auto types = std::make_shared<EventTypeSnapshot>();
  {
    std::lock_guard lock(state_mutex_);
    for (const auto& name : order_) {
      auto it = slots_.find(name);
      if (it == slots_.end() || !it->second.instance) continue;
      const auto& inst = *it->second.instance;
      routes.insert(routes.end(), inst.routes.begin(), inst.routes.end());
      for (const auto& s : inst.sources) sources.emplace(s->spec.name, s);
      for (const auto& t : inst.event_types) types->emplace(t.type, DeclaredEventType{name, t});
      if (inst.backend) backend = inst.backend;
    }
  }
  std::shared_ptr<const RouteTable> table;
  try {
    table = std::make_shared<const RouteTable>(std::move(routes));
  } catch (const std::exception& e) {  // each plugin was checked on load; this is a bug guard
    spdlog::error("route table not published: {}", e.what());
    return;
  }
  {
    std::lock_guard lock(snapshot_mutex_);
    snapshot_.swap(table);
  }
  catalog_.publish(std::move(sources));
  // Ingestion accepts exactly the types of the plugins in this snapshot from here on.
  EventTypeCatalog& event_types =
      services_.event_types ? *services_.event_types : EventTypeCatalog::process();
  event_types.publish(std::move(types));
  if (services_.install_cache_backend && backend != installed_backend_) {
    services_.install_cache_backend(backend);
    installed_backend_ = backend;
  }
}

std::shared_ptr<const RouteTable> PluginManager::current() const {
  std::lock_guard lock(snapshot_mutex_);
  return snapshot_;
}

std::vector<PluginStatus> PluginManager::statuses() const {
  std::lock_guard lock(state_mutex_);
  std::vector<PluginStatus> out;
  for (const auto& name : order_) {
    auto it = slots_.find(name);
    if (it == slots_.end()) continue;
    out.push_back(it->second.status);
    const auto& inst = it->second.instance;
    if (inst && inst->catch_up && !inst->catch_up->ready.load()) {
      out.back().status = "catching_up";
      out.back().catch_up_applied = inst->catch_up->applied.load();
      out.back().catch_up_total = inst->catch_up->total.load();
    }
  }
  return out;
}

std::vector<sdk::IngestHook> PluginManager::ingest_hooks() const {
  std::lock_guard lock(state_mutex_);
  std::vector<sdk::IngestHook> out;
  for (const auto& name : order_) {
    auto it = slots_.find(name);
    if (it == slots_.end() || !it->second.instance) continue;
    const auto& hooks = it->second.instance->hooks;
    out.insert(out.end(), hooks.begin(), hooks.end());
  }
  return out;
}

}  // namespace zaplify::core
