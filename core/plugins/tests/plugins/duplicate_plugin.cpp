// Registers something the `good` test plugin also registers: a route (config `clash: route`, the
// default) or a data source (`clash: data_source`).
#include "zaplify/sdk/sdk.h"

namespace {
class DuplicatePlugin final : public zaplify::sdk::Plugin {
 public:
  void start(zaplify::sdk::Host& host) override {
    using namespace zaplify::sdk;
    RouteSpec own;
    own.path = "/duplicate/own";
    own.handler = [](const Request&) { return Response::of_json({{"own", true}}); };
    host.routes().add(std::move(own));
    if (host.config().value("clash", std::string("route")) == "route") {
      RouteSpec r;
      r.path = "/good/hello";
      r.handler = [](const Request&) { return Response::of_json({{"dup", true}}); };
      host.routes().add(std::move(r));
    } else {
      DataSourceSpec d;
      d.name = "good_rows";
      d.produce = [](const DataSourceRequest&, RowSink&) {};
      host.data_sources().add(std::move(d));
    }
  }
};
}  // namespace

ZAPLIFY_PLUGIN(DuplicatePlugin, "duplicate", "0.1.0", "Test plugin that clashes with good")
