#pragma once
// A stand-in for the server in a plugin's unit tests: it records what the plugin registers in
// start() (routes, data sources, migrations, purge tables, hooks, projections, event types,
// metrics, log lines) and serves it the rest of the SDK from real parts — a testkit::SqliteStore
// with the host's schema, the server's funnel-definition rule over that store, and a FixedCalendar.
//
// call() runs a registered route the way the server does before a handler: path parameters taken
// from the template, declared parameters checked by the host's own rules (sdk::HttpError 400
// `invalid_parameter` naming the field) and their defaults applied. What it does not do: HTTP,
// authentication, caching, the `window`/`data_as_of` fields the server adds to windowed answers,
// and validation of event fields in ingest() (build events the server would accept).
//
// Not thread-safe: one test thread at a time. The FakeHost must outlive the plugin's stop().

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "zaplify/sdk/sdk.h"
#include "zaplify/testkit/fixed_calendar.h"
#include "zaplify/testkit/sqlite_store.h"

namespace zaplify::testkit {

/// The server's funnel-definition rule (Host::funnels()) over any store, e.g. for a computation
/// tested without a FakeHost. `store` must outlive the catalog.
std::unique_ptr<sdk::FunnelCatalog> funnel_catalog(const sdk::Store& store);

class FakeHost final : public sdk::Host {
 public:
  /// `config`: the plugin's `config:` block as the plugin will read it (PluginLibrary::start fills
  /// in declared defaults first). `store` must outlive the host.
  explicit FakeHost(SqliteStore& store, nlohmann::json config = nlohmann::json::object(),
                    std::int64_t now_ms = 0);
  ~FakeHost() override;
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  // sdk::Host
  const nlohmann::json& config() const override { return config_; }
  const sdk::HostSettings& settings() const override { return settings_; }
  sdk::RouteRegistry& routes() override;
  sdk::DataSourceRegistry& data_sources() override;
  sdk::MigrationRegistry& migrations() override;
  sdk::IngestHookRegistry& ingest_hooks() override;
  sdk::CacheControl& cache() override;
  const sdk::Store& store() const override { return store_; }
  void write(const std::function<void(sdk::SqlWriter&)>& work) override;
  const sdk::Calendar& calendar() const override { return calendar_; }
  sdk::Logger& logger() override;
  sdk::MetricsRegistry& metrics() override;
  std::string plugin_dir() const override { return plugin_dir_; }
  sdk::ProjectionRegistry& projections() override;
  const sdk::FunnelCatalog& funnels() const override;
  sdk::EventTypeRegistry& event_types() override;

  // Set up before start().
  void set_config(nlohmann::json config) { config_ = std::move(config); }
  sdk::HostSettings& mutable_settings() { return settings_; }
  FixedCalendar& fixed_calendar() { return calendar_; }
  /// Host::plugin_dir(); empty until set, and PluginLibrary::start sets it to the folder of the
  /// library when it is still empty (the server's answer).
  void set_plugin_dir(std::string dir) { plugin_dir_ = std::move(dir); }

  // What the plugin registered, in registration order.
  const std::vector<sdk::RouteSpec>& registered_routes() const;
  const std::vector<sdk::DataSourceSpec>& registered_data_sources() const;
  const std::vector<sdk::Migration>& registered_migrations() const;
  /// (table, ts_column) pairs of MigrationRegistry::purge_with_events.
  const std::vector<std::pair<std::string, std::string>>& registered_purge_tables() const;
  const std::vector<sdk::IngestHook>& registered_hooks() const;
  const std::vector<sdk::ProjectionSpec>& registered_projections() const;
  const std::vector<sdk::EventTypeSpec>& registered_event_types() const;
  /// Names of the counters and histograms asked for.
  std::vector<std::string> registered_metrics() const;
  /// Log lines so far, each "<level>: <message>".
  std::vector<std::string> log_lines() const;
  /// Cache invalidations and warms the plugin asked for (CacheControl calls).
  std::int64_t cache_calls() const;

  /// Drops everything registered (routes, data sources, hooks, projections, the cache backend):
  /// their code lives in the plugin's library, so this runs before the library is unloaded
  /// (PluginLibrary's destructor calls it). Recorded plain data (migrations, event types) stays.
  void forget_plugin_code();

  /// Summaries for assertions, sorted: "GET /analytics/funnel/{funnel_id}", data-source names,
  /// projection names, event type names.
  std::vector<std::string> route_keys() const;
  std::vector<std::string> data_source_names() const;
  std::vector<std::string> projection_names() const;
  std::vector<std::string> event_type_names() const;

  /// The route registered for (method, template path), or nullptr.
  const sdk::RouteSpec* find_route(sdk::Method method, const std::string& path_template) const;

  /// Applies the registered migrations to the store, as the server does between start() and the
  /// routes going live.
  void apply_migrations(const std::string& plugin = "plugin");
  /// Stores `events` and applies every registered hook and projection to the new ones (hooks
  /// first, then projections, in registration order), in one transaction. Returns the new ones.
  std::vector<sdk::Event> ingest(const std::vector<sdk::Event>& events);

  /// Calls the route matching (method, concrete path) — e.g. "/analytics/funnel/f1" matches
  /// "/analytics/funnel/{funnel_id}" — for `tenant`, after the host's parameter checks.
  /// `window` is handed over as the parsed window of a windowed route. Throws sdk::HttpError 404
  /// when no route matches, and whatever the checks or the handler throw.
  sdk::Response call(sdk::Method method, const std::string& path,
                     std::map<std::string, std::string> query = {}, const sdk::Window& window = {},
                     const std::string& tenant = "t1") const;
  /// GET shorthand.
  sdk::Response get(const std::string& path, std::map<std::string, std::string> query = {},
                    const sdk::Window& window = {}, const std::string& tenant = "t1") const {
    return call(sdk::Method::Get, path, std::move(query), window, tenant);
  }

  /// Runs the registered data source `name` (declared parameters checked as for routes) and
  /// returns its rows. Throws sdk::HttpError 404 for a name nobody registered.
  std::vector<std::vector<sdk::Value>> produce(const std::string& name,
                                               sdk::DataSourceRequest request) const;

 private:
  struct Registries;
  SqliteStore& store_;
  nlohmann::json config_;
  sdk::HostSettings settings_;
  FixedCalendar calendar_;
  std::string plugin_dir_;
  std::unique_ptr<Registries> reg_;
};

}  // namespace zaplify::testkit
