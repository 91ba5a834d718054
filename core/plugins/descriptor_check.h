#pragma once
// Whether a plugin's descriptor (sdk/plugin.h) fits this host: ABI range, descriptor size, the host
// ABI the plugin needs, and the toolchain facts that decide the layout of what crosses the
// boundary.

#include <cstddef>
#include <optional>
#include <string>

#include "zaplify/sdk/plugin.h"

namespace zaplify::core {

/// What the host itself was built with (the same macro a plugin's descriptor uses).
const sdk::PluginToolchain& host_toolchain();

/// The reason this host cannot load a plugin with descriptor `d`, or nullopt when it can.
/// `d` must be readable for `d.descriptor_size` bytes once `abi_version` is in range; nothing past
/// the size the plugin declared is read.
std::optional<std::string> descriptor_mismatch(const sdk::PluginDescriptor& d,
                                               const sdk::PluginToolchain& host = host_toolchain());

}  // namespace zaplify::core
