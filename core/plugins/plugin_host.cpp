#include "plugins/plugin_host.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace zaplify::core {
namespace {

class PluginLogger final : public sdk::Logger {
 public:
  explicit PluginLogger(const std::string& plugin)
      : logger_(spdlog::default_logger()->clone("plugin:" + plugin)) {}
  void log(sdk::LogLevel level, std::string_view message) override {
    switch (level) {
      case sdk::LogLevel::Debug:
        logger_->debug("{}", message);
        break;
      case sdk::LogLevel::Info:
        logger_->info("{}", message);
        break;
      case sdk::LogLevel::Warn:
        logger_->warn("{}", message);
        break;
      case sdk::LogLevel::Error:
        logger_->error("{}", message);
        break;
    }
  }

 private:
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace

/// The registry facades handed to the plugin; each forwards into the host's staging area.
struct PluginHost::Registries {
  struct Routes final : sdk::RouteRegistry {
    PluginHost* host;
    void add(sdk::RouteSpec spec) override {
      host->stage("a route", &StagedRegistrations::routes, std::move(spec));
    }
  };
  struct Sources final : sdk::DataSourceRegistry {
    PluginHost* host;
    const sdk::DataSourceRegistry* live;
    void add(sdk::DataSourceSpec spec) override {
      host->stage("a data source", &StagedRegistrations::data_sources, std::move(spec));
    }
    std::vector<sdk::DataSourceInfo> list() const override { return live->list(); }
    void produce(const std::string& name, const sdk::DataSourceRequest& request,
                 sdk::RowSink& sink) const override {
      live->produce(name, request, sink);
    }
  };
  struct Migrations final : sdk::MigrationRegistry {
    PluginHost* host;
    void add(sdk::Migration m) override {
      host->stage("a migration", &StagedRegistrations::migrations, std::move(m));
    }
    void purge_with_events(const std::string& table, const std::string& ts_column) override {
      std::lock_guard lock(host->mutex_);
      host->require_open("a purge table");
      if (host->services_.purge_with_events) host->services_.purge_with_events(table, ts_column);
    }
  };
  struct Hooks final : sdk::IngestHookRegistry {
    PluginHost* host;
    void add(sdk::IngestHook hook) override {
      host->stage("an ingest hook", &StagedRegistrations::ingest_hooks, std::move(hook));
    }
  };
  struct Projections final : sdk::ProjectionRegistry {
    PluginHost* host;
    void add(sdk::ProjectionSpec spec) override {
      host->stage("a projection", &StagedRegistrations::projections, std::move(spec));
    }
  };
  struct EventTypes final : sdk::EventTypeRegistry {
    PluginHost* host;
    void add(sdk::EventTypeSpec spec) override {
      host->stage("an event type", &StagedRegistrations::event_types, std::move(spec));
    }
  };
  struct Cache final : sdk::CacheControl {
    PluginHost* host;
    void set_backend(std::shared_ptr<sdk::CacheBackend> backend) override {
      std::lock_guard lock(host->mutex_);
      host->require_open("a cache backend");
      host->staged_.cache_backend = std::move(backend);
    }
    std::int64_t invalidate_tenant(const std::string& t) override {
      return host->services_.cache ? host->services_.cache->invalidate_tenant(t) : 0;
    }
    std::int64_t invalidate_all() override {
      return host->services_.cache ? host->services_.cache->invalidate_all() : 0;
    }
    std::int64_t warm_tenant(const std::string& t, int max_entries) override {
      return host->services_.cache ? host->services_.cache->warm_tenant(t, max_entries) : 0;
    }
  };

  Routes routes;
  Sources sources;
  Migrations migrations;
  Hooks hooks;
  Projections projections;
  EventTypes event_types;
  Cache cache;
  PluginLogger logger;

  Registries(PluginHost* h, const sdk::DataSourceRegistry* live, const std::string& name)
      : logger(name) {
    routes.host = sources.host = migrations.host = hooks.host = projections.host =
        event_types.host = cache.host = h;
    sources.live = live;
  }
};

PluginHost::PluginHost(std::string plugin_name, std::string plugin_dir, nlohmann::json config,
                       const PluginServices& services, const sdk::DataSourceRegistry& live_sources)
    : name_(std::move(plugin_name)),
      plugin_dir_(std::move(plugin_dir)),
      config_(config.is_object() ? std::move(config) : nlohmann::json::object()),
      services_(services),
      registries_(std::make_unique<Registries>(this, &live_sources, name_)) {}

PluginHost::~PluginHost() = default;

void PluginHost::require_open(const char* what) {
  if (sealed_)
    throw std::logic_error("plugin '" + name_ + "' registered " + what +
                           " after start(); registration is only allowed during start()");
}

sdk::RouteRegistry& PluginHost::routes() { return registries_->routes; }
sdk::DataSourceRegistry& PluginHost::data_sources() { return registries_->sources; }
sdk::MigrationRegistry& PluginHost::migrations() { return registries_->migrations; }
sdk::IngestHookRegistry& PluginHost::ingest_hooks() { return registries_->hooks; }
sdk::ProjectionRegistry& PluginHost::projections() { return registries_->projections; }
sdk::EventTypeRegistry& PluginHost::event_types() { return registries_->event_types; }
sdk::CacheControl& PluginHost::cache() { return registries_->cache; }
sdk::Logger& PluginHost::logger() { return registries_->logger; }

const sdk::Store& PluginHost::store() const {
  if (!services_.store) throw std::logic_error("no store in this host");
  return *services_.store;
}
const sdk::FunnelCatalog& PluginHost::funnels() const {
  if (!services_.funnels) throw std::logic_error("no funnel catalog in this host");
  return *services_.funnels;
}
void PluginHost::write(const std::function<void(sdk::SqlWriter&)>& work) {
  if (!services_.write) throw std::logic_error("no writable store in this host");
  services_.write(work);
}

const sdk::Calendar& PluginHost::calendar() const {
  if (!services_.calendar) throw std::logic_error("no calendar in this host");
  return *services_.calendar;
}
sdk::MetricsRegistry& PluginHost::metrics() {
  if (!services_.metrics) throw std::logic_error("no metrics registry in this host");
  return *services_.metrics;
}

StagedRegistrations PluginHost::seal() {
  std::lock_guard lock(mutex_);
  sealed_ = true;
  return std::move(staged_);
}

}  // namespace zaplify::core
