#include "plugins/data_source_catalog.h"

#include <stdexcept>

namespace zaplify::core {

DataSourceCatalog::DataSourceCatalog() : current_(std::make_shared<const DataSourceMap>()) {}

void DataSourceCatalog::add(sdk::DataSourceSpec spec) {
  throw std::logic_error("data source '" + spec.name +
                         "': register data sources from Plugin::start() through the host");
}

std::vector<sdk::DataSourceInfo> DataSourceCatalog::list() const {
  auto snap = snapshot();
  std::vector<sdk::DataSourceInfo> out;
  out.reserve(snap->size());
  for (const auto& [name, rec] : *snap)  // std::map: sorted by name
    out.push_back(sdk::DataSourceInfo{name, rec->plugin, rec->spec.description, rec->spec.columns,
                                      rec->spec.params});
  return out;
}

void DataSourceCatalog::produce(const std::string& name, const sdk::DataSourceRequest& request,
                                sdk::RowSink& sink) const {
  std::shared_ptr<const DataSourceRecord> rec;
  {
    auto snap = snapshot();
    auto it = snap->find(name);
    if (it == snap->end()) throw sdk::not_found("unknown dataset '" + name + "'", "dataset");
    rec = it->second;
  }
  call_plugin_code(rec->plugin, [&] { rec->spec.produce(request, sink); });
}

void DataSourceCatalog::publish(DataSourceMap next) {
  auto snap = std::make_shared<const DataSourceMap>(std::move(next));
  std::lock_guard lock(mutex_);
  current_.swap(snap);
  // `snap` now holds the old map; it is destroyed after `lock` (reverse declaration order), so a
  // retired plugin's last reference is never dropped under the lock.
}

std::shared_ptr<const DataSourceMap> DataSourceCatalog::snapshot() const {
  std::lock_guard lock(mutex_);
  return current_;
}

}  // namespace zaplify::core
