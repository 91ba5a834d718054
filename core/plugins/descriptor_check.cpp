#include "plugins/descriptor_check.h"

#include <cstring>

namespace zaplify::core {
namespace {

std::string json_version_text(std::uint32_t v) {
  return std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." +
         std::to_string(v % 100);
}

std::string text(const char* s) { return s ? s : "(none)"; }

}  // namespace

const sdk::PluginToolchain& host_toolchain() {
  static const sdk::PluginToolchain toolchain = ZAPLIFY_SDK_TOOLCHAIN;
  return toolchain;
}

std::optional<std::string> descriptor_mismatch(const sdk::PluginDescriptor& d,
                                               const sdk::PluginToolchain& host) {
  if (d.abi_version < ZAPLIFY_SDK_MIN_PLUGIN_ABI || d.abi_version > ZAPLIFY_SDK_ABI_VERSION)
    return "was built for SDK ABI version " + std::to_string(d.abi_version) +
           " but this host loads ABI " +
           (ZAPLIFY_SDK_MIN_PLUGIN_ABI == ZAPLIFY_SDK_ABI_VERSION
                ? "version " + std::to_string(ZAPLIFY_SDK_ABI_VERSION)
                : "versions " + std::to_string(ZAPLIFY_SDK_MIN_PLUGIN_ABI) + " to " +
                      std::to_string(ZAPLIFY_SDK_ABI_VERSION)) +
           "; rebuild it against this SDK";
  if (d.descriptor_size < sizeof(sdk::PluginDescriptor))
    return "has a descriptor of " + std::to_string(d.descriptor_size) + " bytes where ABI " +
           std::to_string(d.abi_version) + " has " + std::to_string(sizeof(sdk::PluginDescriptor)) +
           "; it was not built with this SDK's ZAPLIFY_PLUGIN macro";
  if (d.min_host_abi > ZAPLIFY_SDK_ABI_VERSION)
    return "needs a host of SDK ABI " + std::to_string(d.min_host_abi) +
           " or later; this host is ABI " + std::to_string(ZAPLIFY_SDK_ABI_VERSION);
  const sdk::PluginToolchain& t = d.toolchain;
  if (!t.standard_library || std::strcmp(t.standard_library, host.standard_library) != 0)
    return "was built with " + text(t.standard_library) + " (" + text(t.compiler) +
           ") but this host with " + text(host.standard_library) + " (" + text(host.compiler) +
           "): standard-library types cross the boundary; rebuild it with the host's toolchain";
  if (t.json_version != host.json_version)
    return "was built with nlohmann-json " + json_version_text(t.json_version) +
           " but this host with " + json_version_text(host.json_version) +
           ": JSON values cross the boundary; rebuild it against the "
           "host's nlohmann-json";
  return std::nullopt;
}

}  // namespace zaplify::core
