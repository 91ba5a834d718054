// The export plugin: GET /analytics/export/datasets and GET /analytics/export/metrics.

#include "export_routes.h"
#include "zaplify/sdk/sdk.h"

namespace zaplify::exporting {
namespace {

class ExportPlugin final : public sdk::Plugin {
 public:
  void start(sdk::Host& host) override {
    host.routes().add(make_datasets_route(host.data_sources()));
    host.routes().add(make_export_route(host.data_sources(), host.calendar()));
  }
};

}  // namespace
}  // namespace zaplify::exporting

ZAPLIFY_PLUGIN(zaplify::exporting::ExportPlugin, "export", "1.0.0",
               "Lists every data source and streams it as CSV or JSON")

// Takes no `config:` keys: an empty declaration refuses any (a typo is not silently ignored).
ZAPLIFY_PLUGIN_CONFIG(zaplify::sdk::ConfigSpec)
