#include "zaplify/testkit/fake_host.h"

#include <algorithm>
#include <sstream>

#include "funnels/funnel_catalog.h"
#include "http/param_check.h"

namespace zaplify::testkit {
namespace {

class NoopCounter final : public sdk::Counter {
 public:
  void inc(double) override {}
};
class NoopHistogram final : public sdk::Histogram {
 public:
  void observe(double) override {}
};

class CollectingSink final : public sdk::RowSink {
 public:
  void row(const std::vector<sdk::Value>& cells) override { rows.push_back(cells); }
  std::vector<std::vector<sdk::Value>> rows;
};

const char* level_name(sdk::LogLevel level) {
  switch (level) {
    case sdk::LogLevel::Debug:
      return "debug";
    case sdk::LogLevel::Info:
      return "info";
    case sdk::LogLevel::Warn:
      return "warn";
    case sdk::LogLevel::Error:
      return "error";
  }
  return "?";
}

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  std::stringstream in(path);
  for (std::string part; std::getline(in, part, '/');)
    if (!part.empty()) out.push_back(part);
  return out;
}

/// Path parameters when `path` matches the template, else nullopt.
std::optional<std::map<std::string, std::string>> match(const std::string& path_template,
                                                        const std::string& path) {
  const auto want = segments(path_template), got = segments(path);
  if (want.size() != got.size()) return std::nullopt;
  std::map<std::string, std::string> params;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const std::string& w = want[i];
    if (w.size() > 2 && w.front() == '{' && w.back() == '}')
      params[w.substr(1, w.size() - 2)] = got[i];
    else if (w != got[i])
      return std::nullopt;
  }
  return params;
}

}  // namespace

// Every registry the plugin sees, each a plain recorder.
struct FakeHost::Registries final : sdk::RouteRegistry,
                                    sdk::DataSourceRegistry,
                                    sdk::MigrationRegistry,
                                    sdk::IngestHookRegistry,
                                    sdk::CacheControl,
                                    sdk::Logger,
                                    sdk::MetricsRegistry,
                                    sdk::ProjectionRegistry,
                                    sdk::EventTypeRegistry {
  explicit Registries(const sdk::Store& store) : funnels(store) {}

  void add(sdk::RouteSpec spec) override { routes.push_back(std::move(spec)); }
  void add(sdk::DataSourceSpec spec) override { sources.push_back(std::move(spec)); }
  std::vector<sdk::DataSourceInfo> list() const override {
    std::vector<sdk::DataSourceInfo> out;
    for (const auto& s : sources)
      out.push_back({s.name, "plugin", s.description, s.columns, s.params});
    return out;
  }
  void produce(const std::string& name, const sdk::DataSourceRequest& request,
               sdk::RowSink& sink) const override {
    for (const auto& s : sources)
      if (s.name == name) return s.produce(request, sink);
    throw sdk::not_found("unknown data source: " + name);
  }
  void add(sdk::Migration migration) override { migrations.push_back(std::move(migration)); }
  void purge_with_events(const std::string& table, const std::string& ts_column) override {
    purge_tables.emplace_back(table, ts_column);
  }
  void add(sdk::IngestHook hook) override { hooks.push_back(std::move(hook)); }
  void add(sdk::ProjectionSpec spec) override { projections.push_back(std::move(spec)); }
  void add(sdk::EventTypeSpec spec) override { event_types.push_back(std::move(spec)); }

  void set_backend(std::shared_ptr<sdk::CacheBackend> backend) override {
    ++cache_calls;
    cache_backend = std::move(backend);
  }
  std::int64_t invalidate_tenant(const std::string&) override { return ++cache_calls, 0; }
  std::int64_t invalidate_all() override { return ++cache_calls, 0; }
  std::int64_t warm_tenant(const std::string&, int) override { return ++cache_calls, 0; }

  void log(sdk::LogLevel level, std::string_view message) override {
    log_lines.push_back(std::string(level_name(level)) + ": " + std::string(message));
  }
  sdk::Counter& counter(const std::string& name, const std::string&) override {
    metric_names.push_back(name);
    return counter_;
  }
  sdk::Histogram& histogram(const std::string& name, const std::string&,
                            const std::vector<double>&) override {
    metric_names.push_back(name);
    return histogram_;
  }

  core::StoreFunnelCatalog funnels;
  std::vector<sdk::RouteSpec> routes;
  std::vector<sdk::DataSourceSpec> sources;
  std::vector<sdk::Migration> migrations;
  std::vector<std::pair<std::string, std::string>> purge_tables;
  std::vector<sdk::IngestHook> hooks;
  std::vector<sdk::ProjectionSpec> projections;
  std::vector<sdk::EventTypeSpec> event_types;
  std::shared_ptr<sdk::CacheBackend> cache_backend;
  std::int64_t cache_calls = 0;
  std::vector<std::string> log_lines;
  std::vector<std::string> metric_names;
  NoopCounter counter_;
  NoopHistogram histogram_;
};

std::unique_ptr<sdk::FunnelCatalog> funnel_catalog(const sdk::Store& store) {
  return std::make_unique<core::StoreFunnelCatalog>(store);
}

FakeHost::FakeHost(SqliteStore& store, nlohmann::json config, std::int64_t now_ms)
    : store_(store),
      config_(std::move(config)),
      calendar_(now_ms),
      reg_(std::make_unique<Registries>(store)) {
  settings_.version = "testkit";
}

FakeHost::~FakeHost() = default;

sdk::RouteRegistry& FakeHost::routes() { return *reg_; }
sdk::DataSourceRegistry& FakeHost::data_sources() { return *reg_; }
sdk::MigrationRegistry& FakeHost::migrations() { return *reg_; }
sdk::IngestHookRegistry& FakeHost::ingest_hooks() { return *reg_; }
sdk::CacheControl& FakeHost::cache() { return *reg_; }
sdk::Logger& FakeHost::logger() { return *reg_; }
sdk::MetricsRegistry& FakeHost::metrics() { return *reg_; }
sdk::ProjectionRegistry& FakeHost::projections() { return *reg_; }
const sdk::FunnelCatalog& FakeHost::funnels() const { return reg_->funnels; }
sdk::EventTypeRegistry& FakeHost::event_types() { return *reg_; }

void FakeHost::write(const std::function<void(sdk::SqlWriter&)>& work) {
  store_.transaction([&] { work(store_); });
}

const std::vector<sdk::RouteSpec>& FakeHost::registered_routes() const { return reg_->routes; }
const std::vector<sdk::DataSourceSpec>& FakeHost::registered_data_sources() const {
  return reg_->sources;
}
const std::vector<sdk::Migration>& FakeHost::registered_migrations() const {
  return reg_->migrations;
}
const std::vector<std::pair<std::string, std::string>>& FakeHost::registered_purge_tables() const {
  return reg_->purge_tables;
}
const std::vector<sdk::IngestHook>& FakeHost::registered_hooks() const { return reg_->hooks; }
const std::vector<sdk::ProjectionSpec>& FakeHost::registered_projections() const {
  return reg_->projections;
}
const std::vector<sdk::EventTypeSpec>& FakeHost::registered_event_types() const {
  return reg_->event_types;
}
std::vector<std::string> FakeHost::registered_metrics() const { return reg_->metric_names; }
std::vector<std::string> FakeHost::log_lines() const { return reg_->log_lines; }
std::int64_t FakeHost::cache_calls() const { return reg_->cache_calls; }

void FakeHost::forget_plugin_code() {
  reg_->routes.clear();
  reg_->sources.clear();
  reg_->hooks.clear();
  reg_->projections.clear();
  reg_->cache_backend.reset();
}

namespace {
template <typename Spec, typename Name>
std::vector<std::string> sorted_names(const std::vector<Spec>& specs, Name name) {
  std::vector<std::string> out;
  for (const auto& s : specs) out.push_back(name(s));
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

std::vector<std::string> FakeHost::route_keys() const {
  return sorted_names(reg_->routes, [](const sdk::RouteSpec& r) {
    return std::string(sdk::method_name(r.method)) + " " + r.path;
  });
}
std::vector<std::string> FakeHost::data_source_names() const {
  return sorted_names(reg_->sources, [](const sdk::DataSourceSpec& s) { return s.name; });
}
std::vector<std::string> FakeHost::projection_names() const {
  return sorted_names(reg_->projections, [](const sdk::ProjectionSpec& p) { return p.name; });
}
std::vector<std::string> FakeHost::event_type_names() const {
  return sorted_names(reg_->event_types, [](const sdk::EventTypeSpec& t) { return t.type; });
}

const sdk::RouteSpec* FakeHost::find_route(sdk::Method method,
                                           const std::string& path_template) const {
  for (const auto& r : reg_->routes)
    if (r.method == method && r.path == path_template) return &r;
  return nullptr;
}

void FakeHost::apply_migrations(const std::string& plugin) {
  store_.migrate(plugin, reg_->migrations);
}

std::vector<sdk::Event> FakeHost::ingest(const std::vector<sdk::Event>& events) {
  std::vector<sdk::IngestHook> apply = reg_->hooks;
  for (const auto& p : reg_->projections) apply.push_back(p.apply);
  return store_.ingest(events, apply);
}

sdk::Response FakeHost::call(sdk::Method method, const std::string& path,
                             std::map<std::string, std::string> query, const sdk::Window& window,
                             const std::string& tenant) const {
  for (const auto& route : reg_->routes) {
    if (route.method != method) continue;
    auto path_params = match(route.path, path);
    if (!path_params) continue;
    core::check_declared_params(route.params, query, *path_params);
    sdk::Request request;
    request.method = method;
    request.path = path;
    request.path_params = std::move(*path_params);
    request.query = std::move(query);
    request.tenant_id = tenant;
    request.request_id = "testkit";
    request.window = window;
    return route.handler(request);
  }
  throw sdk::not_found("no route matches " + path);
}

std::vector<std::vector<sdk::Value>> FakeHost::produce(const std::string& name,
                                                       sdk::DataSourceRequest request) const {
  for (const auto& s : reg_->sources) {
    if (s.name != name) continue;
    core::check_declared_params(s.params, request.params, {});
    CollectingSink sink;
    s.produce(request, sink);
    return std::move(sink.rows);
  }
  throw sdk::not_found("unknown data source: " + name);
}

}  // namespace zaplify::testkit
