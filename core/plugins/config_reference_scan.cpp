#include "plugins/config_reference_scan.h"

#include <filesystem>
#include <map>

#include "plugins/config_check.h"
#include "plugins/loaded_plugin.h"

namespace zaplify::core {

std::string plugins_config_reference_markdown(const std::string& dir) {
  std::map<std::string, std::string> rows;  // by plugin name: a stable order
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".so") continue;
    try {
      auto lp = LoadedPlugin::open(entry.path().string());
      if (lp->config_spec())
        rows[lp->name()] = config_spec_markdown(lp->name(), *lp->config_spec());
    } catch (const std::exception&) {
      continue;  // not a plugin of this host: nothing to document
    }
  }
  std::string out =
      "Plugins declare the keys of their own `config:` block (SDK `ZAPLIFY_PLUGIN_CONFIG`). A "
      "block "
      "with an unknown key, a wrong type or a bad value is refused naming the key: at start-up the "
      "plugin is `failed`, on reload the running plugin keeps its previous block (`refused` in the "
      "reload's answer, the reason in GET /admin/plugins).\n\n"
      "| key | type | default | description |\n|---|---|---|---|\n";
  for (const auto& [name, table] : rows) out += table;
  return out;
}

}  // namespace zaplify::core
