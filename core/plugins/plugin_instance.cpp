#include "plugins/plugin_instance.h"

namespace zaplify::core {
namespace {

/// Holds a plugin's hook with its library; members are destroyed in reverse order, so the hook's
/// code is gone before the library can be released.
struct HookHolder {
  std::shared_ptr<LoadedPlugin> owner;
  std::string plugin;
  sdk::IngestHook hook;
};

}  // namespace

void adopt_registrations(StagedRegistrations staged, PluginInstance& inst) {
  const auto& lp = inst.lp;
  for (auto& spec : staged.routes) {
    if (spec.tag.empty()) spec.tag = inst.name;
    // `owner` is RouteEntry's first member, so it outlives the handler; the deleter's own copy of
    // the library is a second guard for whoever destroys the last reference.
    auto* raw = new RouteEntry{lp, std::move(spec), inst.name};
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
  if (staged.cache_backend) {
    auto backend = std::move(staged.cache_backend);
    sdk::CacheBackend* raw = backend.get();
    inst.backend = std::shared_ptr<sdk::CacheBackend>(
        raw, [backend, keep = lp](sdk::CacheBackend*) mutable { backend.reset(); });
  }
  inst.migrations = std::move(staged.migrations);
}

}  // namespace zaplify::core
