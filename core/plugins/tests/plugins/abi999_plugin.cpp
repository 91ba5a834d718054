// A plugin built "for another SDK": its descriptor claims ABI version 999.
#include "zaplify/sdk/sdk.h"

namespace {
class OtherAbiPlugin final : public zaplify::sdk::Plugin {
 public:
  void start(zaplify::sdk::Host&) override {}
};
}  // namespace

extern "C" __attribute__((visibility("default"))) const zaplify::sdk::PluginDescriptor*
zaplify_plugin_descriptor() noexcept {
  static const zaplify::sdk::PluginDescriptor d{999u,
                                                sizeof(zaplify::sdk::PluginDescriptor),
                                                "abi999",
                                                "0.0.1",
                                                "Built for ABI 999",
                                                999u,
                                                ZAPLIFY_SDK_TOOLCHAIN};
  return &d;
}
extern "C" __attribute__((visibility("default"))) zaplify::sdk::Plugin*
zaplify_plugin_create() noexcept {
  return new OtherAbiPlugin();
}
extern "C" __attribute__((visibility("default"))) void zaplify_plugin_destroy(
    zaplify::sdk::Plugin* p) noexcept {
  delete p;
}
