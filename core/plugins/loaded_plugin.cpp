#include "plugins/loaded_plugin.h"

#include <boost/dll/shared_library_load_mode.hpp>
#include <boost/system/system_error.hpp>

#include "plugins/build_fingerprint.h"
#include "plugins/descriptor_check.h"

namespace zaplify::core {
namespace {

using DescriptorFn = const sdk::PluginDescriptor*() noexcept;
using CreateFn = sdk::Plugin*() noexcept;
using ConfigSpecFn = const sdk::ConfigSpec*() noexcept;

template <typename Fn>
Fn* required_symbol(boost::dll::shared_library& lib, const char* symbol, const std::string& path) {
  if (!lib.has(symbol))
    throw PluginLoadError("plugin library " + path +
                          " is not a Zaplify plugin: it does not "
                          "export " +
                          symbol);
  return &lib.get<Fn>(symbol);
}

}  // namespace

std::shared_ptr<LoadedPlugin> LoadedPlugin::open(const std::string& library_path) {
  std::shared_ptr<LoadedPlugin> lp(new LoadedPlugin());
  lp->path_ = library_path;
  lp->build_id_ = file_fingerprint(library_path);
  try {
    lp->library_.load(library_path,
                      boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const boost::system::system_error& e) {
    throw PluginLoadError("cannot load plugin library " + library_path + ": " + e.what());
  }
  auto* describe =
      required_symbol<DescriptorFn>(lp->library_, "zaplify_plugin_descriptor", library_path);
  const sdk::PluginDescriptor* d = describe();
  if (!d) throw PluginLoadError("plugin library " + library_path + " returned no descriptor");
  lp->abi_version_ = d->abi_version;
  if (const auto why = descriptor_mismatch(*d))
    throw PluginLoadError("plugin library " + library_path + " " + *why);
  lp->name_ = d->name ? d->name : "";
  lp->version_ = d->version ? d->version : "";
  lp->description_ = d->description ? d->description : "";
  if (lp->library_.has("zaplify_plugin_config_spec")) {  // optional (SDK 2.1)
    lp->config_spec_ = lp->library_.get<ConfigSpecFn>("zaplify_plugin_config_spec")();
    if (!lp->config_spec_)
      throw PluginLoadError("plugin library " + library_path +
                            ": building its config declaration failed");
  }
  auto* create = required_symbol<CreateFn>(lp->library_, "zaplify_plugin_create", library_path);
  lp->destroy_ = required_symbol<DestroyFn>(lp->library_, "zaplify_plugin_destroy", library_path);
  lp->object_ = create();
  if (!lp->object_)
    throw PluginLoadError("plugin library " + library_path + ": zaplify_plugin_create failed");
  return lp;
}

LoadedPlugin::~LoadedPlugin() {
  if (object_ && destroy_) destroy_(object_);
  object_ = nullptr;
  context_.reset();
  // library_ is released by its own destructor, after everything above.
}

}  // namespace zaplify::core
