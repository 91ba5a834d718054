#pragma once
// A built plugin library (.so) opened the way the server opens it, for tests of the real artifact:
// its descriptor, its declared `config:` keys checked by the host's own rules, and start() on a
// FakeHost.
//
//   zaplify::testkit::SqliteStore store;
//   zaplify::testkit::FakeHost host(store);
//   zaplify::testkit::PluginLibrary lib(PATH_OF_MY_PLUGIN_SO);
//   lib.start(host, {{"label", "events"}});   // checked, defaults filled in, start(host)
//   host.apply_migrations();
//   EXPECT_NE(host.find_route(zaplify::sdk::Method::Get, "/x/my-plugin/counts"), nullptr);
//
// Not thread-safe. Destroying it stops the plugin (if started), makes the FakeHost forget the
// plugin's registered functions (FakeHost::forget_plugin_code) and unloads the library; the
// FakeHost given to start() must still exist then (declare it before the PluginLibrary).

#include <memory>
#include <string>
#include <vector>

#include "zaplify/sdk/config.h"
#include "zaplify/sdk/plugin.h"
#include "zaplify/testkit/fake_host.h"

namespace zaplify::testkit {

class PluginLibrary {
 public:
  /// Opens `so_path` and reads its descriptor. Throws std::runtime_error when the file is not a
  /// plugin library or its descriptor's ABI is not this SDK's.
  explicit PluginLibrary(const std::string& so_path);
  ~PluginLibrary();
  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;

  const sdk::PluginDescriptor& descriptor() const;
  /// The declared config keys (ZAPLIFY_PLUGIN_CONFIG), or nullptr when the plugin declares none.
  const sdk::ConfigSpec* config_spec() const;

  /// The server's verdict on a `config:` block: "" when it would be accepted, else the message the
  /// server gives, naming the key (e.g. "plugins[costs].config.x: ..."). A plugin that declares no
  /// keys accepts any block.
  std::string check_config(const nlohmann::json& block) const;

  /// Checks `config` (std::invalid_argument with the server's message when refused), hands the
  /// block with declared defaults filled in to `host`, creates the plugin and calls start(host).
  /// Throws what start() throws. At most once per PluginLibrary.
  sdk::Plugin& start(FakeHost& host, const nlohmann::json& config = nlohmann::json::object());

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// What a plugin registers, as sorted summaries (see FakeHost::route_keys and friends).
struct Registration {
  std::vector<std::string> routes;  ///< "GET /path/{param}"
  std::vector<std::string> data_sources;
  std::vector<std::string> projections;
  std::vector<std::string> event_types;
};

/// Opens `so_path`, starts the plugin with `config` on a FakeHost over a fresh in-memory
/// SqliteStore, applies its migrations to the server's schema, and returns what it registered.
/// Throws what PluginLibrary, start() or a migration throws.
Registration registration_of(const std::string& so_path,
                             const nlohmann::json& config = nlohmann::json::object());

}  // namespace zaplify::testkit
