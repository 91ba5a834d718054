#include "zaplify/testkit/plugin_library.h"

#include <dlfcn.h>

#include <filesystem>
#include <stdexcept>

#include "plugins/config_check.h"

namespace zaplify::testkit {

struct PluginLibrary::Impl {
  void* handle = nullptr;
  const sdk::PluginDescriptor* descriptor = nullptr;
  const sdk::ConfigSpec* config_spec = nullptr;
  sdk::Plugin* (*create)() noexcept = nullptr;
  void (*destroy)(sdk::Plugin*) noexcept = nullptr;
  sdk::Plugin* plugin = nullptr;
  std::string dir;           ///< The library's folder: Host::plugin_dir() on the server.
  FakeHost* host = nullptr;  ///< The host start() registered into (holds code of the library).

  template <typename Fn>
  Fn symbol(const char* name, bool required) const {
    void* p = dlsym(handle, name);
    if (p == nullptr && required)
      throw std::runtime_error(std::string("not a plugin library: no ") + name);
    return reinterpret_cast<Fn>(p);
  }
};

PluginLibrary::PluginLibrary(const std::string& so_path) : impl_(std::make_unique<Impl>()) {
  impl_->dir = std::filesystem::absolute(so_path).parent_path().string();
  // RTLD_LOCAL: two plugins' symbols never mix; RTLD_NOW: a missing symbol fails here, not later.
  impl_->handle = dlopen(so_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (impl_->handle == nullptr)
    throw std::runtime_error(std::string("cannot open plugin: ") + dlerror());
  try {
    using DescriptorFn = const sdk::PluginDescriptor* (*)() noexcept;
    using ConfigFn = const sdk::ConfigSpec* (*)() noexcept;
    impl_->descriptor = impl_->symbol<DescriptorFn>("zaplify_plugin_descriptor", true)();
    if (impl_->descriptor == nullptr || impl_->descriptor->abi_version != ZAPLIFY_SDK_ABI_VERSION)
      throw std::runtime_error("plugin built for another SDK ABI than this test kit's (" +
                               std::to_string(ZAPLIFY_SDK_ABI_VERSION) + ")");
    impl_->create = impl_->symbol<sdk::Plugin* (*)() noexcept>("zaplify_plugin_create", true);
    impl_->destroy = impl_->symbol<void (*)(sdk::Plugin*) noexcept>("zaplify_plugin_destroy", true);
    if (auto fn = impl_->symbol<ConfigFn>("zaplify_plugin_config_spec", false)) {
      impl_->config_spec = fn();
      if (impl_->config_spec == nullptr)
        throw std::runtime_error("the plugin's config declaration threw");
    }
  } catch (...) {
    dlclose(impl_->handle);
    throw;
  }
}

PluginLibrary::~PluginLibrary() {
  if (impl_->plugin != nullptr) {
    impl_->plugin->stop();
    impl_->destroy(impl_->plugin);
    // The host's handlers, producers and hooks are functions of this library: drop them before
    // it is unloaded, as the server removes a plugin's routes before it unloads it.
    impl_->host->forget_plugin_code();
  }
  dlclose(impl_->handle);
}

const sdk::PluginDescriptor& PluginLibrary::descriptor() const { return *impl_->descriptor; }
const sdk::ConfigSpec* PluginLibrary::config_spec() const { return impl_->config_spec; }

std::string PluginLibrary::check_config(const nlohmann::json& block) const {
  if (impl_->config_spec == nullptr) return "";
  FixedCalendar calendar;
  return core::check_plugin_config(impl_->descriptor->name, *impl_->config_spec, block,
                                   sdk::ConfigCheckContext{calendar, impl_->dir});
}

sdk::Plugin& PluginLibrary::start(FakeHost& host, const nlohmann::json& config) {
  if (impl_->plugin != nullptr) throw std::logic_error("PluginLibrary::start called twice");
  if (host.plugin_dir().empty()) host.set_plugin_dir(impl_->dir);
  if (impl_->config_spec != nullptr) {
    const std::string error =
        core::check_plugin_config(impl_->descriptor->name, *impl_->config_spec, config,
                                  sdk::ConfigCheckContext{host.calendar(), host.plugin_dir()});
    if (!error.empty()) throw std::invalid_argument(error);
    host.set_config(core::with_config_defaults(*impl_->config_spec, config));
  } else {
    host.set_config(config);
  }
  impl_->host = &host;
  impl_->plugin = impl_->create();
  if (impl_->plugin == nullptr) throw std::runtime_error("the plugin's constructor threw");
  impl_->plugin->start(host);
  return *impl_->plugin;
}

Registration registration_of(const std::string& so_path, const nlohmann::json& config) {
  SqliteStore store;
  FakeHost host(store);
  PluginLibrary library(so_path);
  library.start(host, config);
  host.apply_migrations(library.descriptor().name);
  return {host.route_keys(), host.data_source_names(), host.projection_names(),
          host.event_type_names()};
}

}  // namespace zaplify::testkit
