#include "plugins/plugin_instance.h"

#include <string>

namespace zaplify::core {
namespace {

/// Holds a plugin's hook with its library; members are destroyed in reverse order, so the hook's
/// code is gone before the library can be released.
struct HookHolder {
  std::shared_ptr<LoadedPlugin> owner;
  std::string plugin;
  sdk::IngestHook hook;
};

void require_ready(const CatchUpStatus& status, const std::string& plugin) {
  if (status.ready.load()) return;
  throw sdk::HttpError(503, "catching_up",
                       "plugin '" + plugin + "' is catching up with the event log (" +
                           std::to_string(status.applied.load()) + " of " +
                           std::to_string(status.total.load()) +
                           " log positions replayed); retry shortly");
}

// A plugin with projections answers only once they are caught up: its reads would be wrong before.
void gate_on_catch_up(StagedRegistrations& staged, const PluginInstance& inst) {
  if (staged.projections.empty()) return;
  for (auto& spec : staged.routes) {
    if (!spec.handler) continue;
    spec.handler = [inner = std::move(spec.handler), status = inst.catch_up,
                    plugin = inst.name](const sdk::Request& r) {
      require_ready(*status, plugin);
      return inner(r);
    };
  }
  for (auto& spec : staged.data_sources) {
    if (!spec.produce) continue;
    spec.produce = [inner = std::move(spec.produce), status = inst.catch_up, plugin = inst.name](
                       const sdk::DataSourceRequest& r, sdk::RowSink& sink) {
      require_ready(*status, plugin);
      inner(r, sink);
    };
  }
}

}  // namespace

void adopt_registrations(StagedRegistrations staged, PluginInstance& inst) {
  const auto& lp = inst.lp;
  gate_on_catch_up(staged, inst);
  for (auto& spec : staged.routes) {
    if (spec.tag.empty()) spec.tag = inst.name;
    // `owner` is RouteEntry's first member, so it outlives the handler; the deleter's own copy of
    // the library is a second guard for whoever destroys the last reference.
    auto* raw = new RouteEntry{lp, std::move(spec), inst.name, lp->build_id()};
    inst.routes.emplace_back(raw, [keep = lp](const RouteEntry* e) { delete e; });
  }
  for (auto& spec : staged.data_sources)
    inst.sources.push_back(
        std::make_shared<const DataSourceRecord>(DataSourceRecord{lp, inst.name, std::move(spec)}));
  for (auto& hook : staged.ingest_hooks) {
    auto holder = std::make_shared<const HookHolder>(HookHolder{lp, inst.name, std::move(hook)});
    inst.hooks.push_back([holder](const sdk::IngestBatch& batch, sdk::SqlWriter& writer) {
      call_plugin_code(holder->plugin, [&] { holder->hook(batch, writer); });
    });
  }
  for (auto& spec : staged.projections) {
    auto holder =
        std::make_shared<const HookHolder>(HookHolder{lp, inst.name, std::move(spec.apply)});
    spec.apply = [holder](const sdk::IngestBatch& batch, sdk::SqlWriter& writer) {
      call_plugin_code(holder->plugin, [&] { holder->hook(batch, writer); });
    };
    inst.projections.push_back(std::move(spec));
  }
  if (staged.cache_backend) {
    auto backend = std::move(staged.cache_backend);
    sdk::CacheBackend* raw = backend.get();
    inst.backend = std::shared_ptr<sdk::CacheBackend>(
        raw, [backend, keep = lp](sdk::CacheBackend*) mutable { backend.reset(); });
  }
  inst.migrations = std::move(staged.migrations);
  inst.event_types = std::move(staged.event_types);
}

}  // namespace zaplify::core
