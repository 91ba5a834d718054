// Registers a route, then throws from start(): the host must mark it failed and keep nothing of it.
#include <stdexcept>

#include "zaplify/sdk/sdk.h"

namespace {
class ThrowingPlugin final : public zaplify::sdk::Plugin {
 public:
  void start(zaplify::sdk::Host& host) override {
    zaplify::sdk::RouteSpec r;
    r.path = "/throwing/never";
    r.handler = [](const zaplify::sdk::Request&) { return zaplify::sdk::Response{}; };
    host.routes().add(std::move(r));
    throw std::runtime_error("boom: cannot start");
  }
};
}  // namespace

ZAPLIFY_PLUGIN(ThrowingPlugin, "throwing", "0.1.0", "Test plugin that fails to start")
