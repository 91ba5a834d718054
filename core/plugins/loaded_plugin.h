#pragma once
// One plugin library opened with Boost.DLL and the one plugin object created from it.
//
// Lifetime rule (DESIGN "A plugin's life"): everything that points into the library — the plugin
// object, the std::functions it registered, backends, exceptions it threw — must be gone before
// the library is released. Every such thing in the host therefore holds a
// std::shared_ptr<LoadedPlugin>; the library is released only when the last one goes.

#include <boost/dll/shared_library.hpp>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "zaplify/sdk/plugin.h"

namespace zaplify::core {

/// A library that cannot be used: unreadable, not a plugin, another ABI version, create failed.
class PluginLoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class LoadedPlugin {
 public:
  /// Opens `library_path` (RTLD_NOW | RTLD_LOCAL), reads the descriptor, refuses an ABI version
  /// other than ZAPLIFY_SDK_ABI_VERSION (naming both), and creates the plugin object.
  /// Throws PluginLoadError with a message naming the path.
  static std::shared_ptr<LoadedPlugin> open(const std::string& library_path);

  /// Destroys the plugin object (zaplify_plugin_destroy), then the attached context, then releases
  /// the library. REQUIRES: stop() already called if start() succeeded.
  ~LoadedPlugin();
  LoadedPlugin(const LoadedPlugin&) = delete;
  LoadedPlugin& operator=(const LoadedPlugin&) = delete;

  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  const std::string& description() const { return description_; }
  std::uint32_t abi_version() const { return abi_version_; }
  const std::string& path() const { return path_; }
  /// The library file's fingerprint when it was opened (build_fingerprint.h).
  const std::string& build_id() const { return build_id_; }
  sdk::Plugin& plugin() { return *object_; }
  /// The plugin's config declaration (ZAPLIFY_PLUGIN_CONFIG); null when it exports none. Points
  /// into the library: valid while this object lives.
  const sdk::ConfigSpec* config_spec() const { return config_spec_; }

  /// Something the plugin object may use until it is destroyed (its sdk::Host): kept alive until
  /// just after the object is destroyed and before the library is released.
  void attach_context(std::shared_ptr<void> context) { context_ = std::move(context); }

 private:
  LoadedPlugin() = default;
  using DestroyFn = void(sdk::Plugin*) noexcept;

  boost::dll::shared_library library_;  // declared first: released last
  std::shared_ptr<void> context_;
  sdk::Plugin* object_ = nullptr;
  DestroyFn* destroy_ = nullptr;
  const sdk::ConfigSpec* config_spec_ = nullptr;
  std::string name_, version_, description_, path_, build_id_;
  std::uint32_t abi_version_ = 0;
};

}  // namespace zaplify::core
