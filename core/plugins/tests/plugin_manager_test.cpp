#include "plugins/plugin_manager.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "plugins/loaded_plugin.h"

namespace zaplify::core {
namespace {

namespace fs = std::filesystem;

std::string plugin_path(const std::string& name) {
  return std::string(ZAPLIFY_TEST_PLUGIN_DIR) + "/" + name + ".so";
}

PluginConfig plugin(const std::string& name, nlohmann::json config = nlohmann::json::object(),
                    bool enabled = true) {
  PluginConfig p;
  p.name = name;
  p.library = name + ".so";
  p.library_path = plugin_path(name);
  p.enabled = enabled;
  p.config = std::move(config);
  return p;
}

struct CollectingSink : sdk::RowSink {
  std::vector<std::vector<sdk::Value>> rows;
  void row(const std::vector<sdk::Value>& cells) override { rows.push_back(cells); }
};

class PluginManagerTest : public ::testing::Test {
 protected:
  PluginManagerTest() : manager_(services()) {}

  PluginServices services() {
    PluginServices s;
    s.migrate = [this](const std::string& plugin, const std::vector<sdk::Migration>& m) {
      migrated_[plugin] += static_cast<int>(m.size());
    };
    s.install_cache_backend = [](std::shared_ptr<sdk::CacheBackend>) {};
    return s;
  }

  const PluginStatus* status_of(const std::string& name) {
    statuses_ = manager_.statuses();
    for (const auto& s : statuses_)
      if (s.name == name) return &s;
    return nullptr;
  }

  sdk::Response call(const std::string& path) {
    auto m = manager_.current()->match(sdk::Method::Get, path);
    EXPECT_TRUE(m.entry) << path;
    sdk::Request req;
    req.path = path;
    req.path_params = m.path_params;
    return m.entry->spec.handler(req);
  }

  std::map<std::string, int> migrated_;
  std::vector<PluginStatus> statuses_;
  PluginManager manager_;
};

TEST(LoadedPluginTest, RefusesAnotherAbiVersionNamingBoth) {
  try {
    LoadedPlugin::open(plugin_path("abi999"));
    FAIL() << "expected PluginLoadError";
  } catch (const PluginLoadError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("999"), std::string::npos) << what;
    EXPECT_NE(what.find("ABI version " + std::to_string(ZAPLIFY_SDK_ABI_VERSION)),
              std::string::npos)
        << what;
  }
}

TEST(LoadedPluginTest, ReadsTheDescriptor) {
  auto lp = LoadedPlugin::open(plugin_path("good"));
  EXPECT_EQ(lp->name(), "good");
  EXPECT_EQ(lp->version(), "1.2.3");
  EXPECT_EQ(lp->abi_version(), ZAPLIFY_SDK_ABI_VERSION);
}

TEST(LoadedPluginTest, MissingFileNamesThePath) {
  try {
    LoadedPlugin::open("/nonexistent/dir/x.so");
    FAIL();
  } catch (const PluginLoadError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/x.so"), std::string::npos);
  }
}

TEST_F(PluginManagerTest, GoodPluginServesItsRoutesAndDataSources) {
  auto changes = manager_.apply({plugin("good", {{"greeting", "olá"}})});
  ASSERT_EQ(changes.loaded, std::vector<std::string>{"good"});
  const auto* st = status_of("good");
  ASSERT_NE(st, nullptr);
  EXPECT_EQ(st->status, "running");
  EXPECT_EQ(st->version, "1.2.3");
  EXPECT_EQ(st->routes.size(), 2u);
  EXPECT_EQ(migrated_["good"], 1);
  EXPECT_EQ(call("/good/hello").json["greeting"], "olá");
  EXPECT_EQ(call("/good/items/abc").json["item"], "abc");

  auto entry = manager_.current()->match(sdk::Method::Get, "/good/hello").entry;
  EXPECT_EQ(entry->plugin, "good");
  EXPECT_EQ(entry->spec.tag, "good");  // defaulted to the plugin name

  auto list = manager_.data_sources().list();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].name, "good_rows");
  EXPECT_EQ(list[0].plugin, "good");
  CollectingSink sink;
  manager_.data_sources().produce("good_rows", {}, sink);
  ASSERT_EQ(sink.rows.size(), 2u);
  EXPECT_EQ(std::get<std::string>(sink.rows[1][1]), "two");
}

TEST_F(PluginManagerTest, PluginErrorsCrossTheBoundaryAsHostCopies) {
  manager_.apply({plugin("good")});
  EXPECT_THROW(call("/good/items/missing"), sdk::HttpError);
  CollectingSink sink;
  sdk::DataSourceRequest req;
  req.params["fail"] = "1";
  try {
    manager_.data_sources().produce("good_rows", req, sink);
    FAIL();
  } catch (const sdk::HttpError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.field(), "fail");
  }
  try {
    manager_.data_sources().produce("nope", {}, sink);
    FAIL();
  } catch (const sdk::HttpError& e) {
    EXPECT_EQ(e.status(), 404);
  }
}

TEST_F(PluginManagerTest, AbiMismatchIsFailedAndOthersServe) {
  manager_.apply({plugin("abi999"), plugin("good")});
  const auto* st = status_of("abi999");
  ASSERT_NE(st, nullptr);
  EXPECT_EQ(st->status, "failed");
  EXPECT_NE(st->last_error.find("999"), std::string::npos);
  EXPECT_EQ(status_of("good")->status, "running");
  EXPECT_TRUE(manager_.current()->match(sdk::Method::Get, "/good/hello").entry);
}

TEST_F(PluginManagerTest, ThrowingStartIsFailedAndRegistersNothing) {
  auto changes = manager_.apply({plugin("throwing"), plugin("good")});
  EXPECT_EQ(changes.failed, std::vector<std::string>{"throwing"});
  const auto* st = status_of("throwing");
  EXPECT_EQ(st->status, "failed");
  EXPECT_NE(st->last_error.find("boom: cannot start"), std::string::npos);
  EXPECT_FALSE(manager_.current()->match(sdk::Method::Get, "/throwing/never").entry);
  EXPECT_TRUE(manager_.current()->match(sdk::Method::Get, "/good/hello").entry);
}

TEST_F(PluginManagerTest, DuplicateRouteFailsTheLaterPluginNamingBoth) {
  manager_.apply({plugin("good"), plugin("duplicate")});
  const auto* st = status_of("duplicate");
  EXPECT_EQ(st->status, "failed");
  EXPECT_NE(st->last_error.find("'good'"), std::string::npos) << st->last_error;
  EXPECT_NE(st->last_error.find("'duplicate'"), std::string::npos) << st->last_error;
  // Nothing of it is registered, not even its non-clashing route; good still answers.
  EXPECT_FALSE(manager_.current()->match(sdk::Method::Get, "/duplicate/own").entry);
  EXPECT_EQ(call("/good/hello").json["greeting"], "hello");
}

TEST_F(PluginManagerTest, DuplicateDataSourceFailsNamingBoth) {
  manager_.apply({plugin("good"), plugin("duplicate", {{"clash", "data_source"}})});
  const auto* st = status_of("duplicate");
  EXPECT_EQ(st->status, "failed");
  EXPECT_NE(st->last_error.find("good_rows"), std::string::npos);
  EXPECT_NE(st->last_error.find("'good'"), std::string::npos);
  EXPECT_EQ(manager_.data_sources().list().size(), 1u);
}

TEST_F(PluginManagerTest, CoreRouteClashIsRefused) {
  auto core = std::make_shared<const RouteEntry>(
      RouteEntry{nullptr, sdk::RouteSpec{sdk::Method::Get, "/good/hello"}, "core"});
  manager_.set_core_routes({core});
  manager_.apply({plugin("good")});
  EXPECT_EQ(status_of("good")->status, "failed");
  EXPECT_NE(status_of("good")->last_error.find("'core'"), std::string::npos);
}

TEST_F(PluginManagerTest, DisablingWaitsForInFlightThenStops) {
  auto marker = fs::temp_directory_path() / ("zaplify_stop_" + std::to_string(::getpid()));
  fs::remove(marker);
  manager_.apply({plugin("good", {{"stop_marker", marker.string()}})});
  // A request in flight holds its route entry.
  auto in_flight = manager_.current()->match(sdk::Method::Get, "/good/hello").entry;
  ASSERT_TRUE(in_flight);

  auto changes = manager_.apply({plugin("good", {{"stop_marker", marker.string()}}, false)});
  EXPECT_EQ(changes.unloaded, std::vector<std::string>{"good"});
  EXPECT_EQ(status_of("good")->status, "disabled");
  EXPECT_FALSE(manager_.current()->match(sdk::Method::Get, "/good/hello").entry);
  EXPECT_TRUE(manager_.data_sources().list().empty());
  EXPECT_TRUE(manager_.ingest_hooks().empty());

  EXPECT_FALSE(manager_.wait_retired(std::chrono::milliseconds(50)));
  EXPECT_FALSE(fs::exists(marker));  // not stopped while in use
  sdk::Request req;
  EXPECT_EQ(in_flight->spec.handler(req).json["greeting"], "hello");  // still callable
  in_flight.reset();
  EXPECT_TRUE(manager_.wait_retired(std::chrono::seconds(5)));
  EXPECT_TRUE(fs::exists(marker));
  fs::remove(marker);
}

TEST_F(PluginManagerTest, ChangedConfigRestartsAndUnchangedStays) {
  manager_.apply({plugin("good", {{"greeting", "a"}})});
  auto changes = manager_.apply({plugin("good", {{"greeting", "a"}})});
  EXPECT_EQ(changes.unchanged, std::vector<std::string>{"good"});
  changes = manager_.apply({plugin("good", {{"greeting", "b"}})});
  EXPECT_EQ(changes.restarted, std::vector<std::string>{"good"});
  EXPECT_EQ(call("/good/hello").json["greeting"], "b");
  EXPECT_TRUE(manager_.wait_retired(std::chrono::seconds(5)));
}

TEST_F(PluginManagerTest, FailedPluginIsRetriedAndRemovedOnesLeave) {
  manager_.apply({plugin("good"), plugin("duplicate")});
  EXPECT_EQ(status_of("duplicate")->status, "failed");
  // Operator drops `good`: the duplicate no longer clashes and loads on reload.
  auto changes = manager_.apply({plugin("duplicate")});
  EXPECT_EQ(changes.unloaded, std::vector<std::string>{"good"});
  EXPECT_EQ(changes.loaded, std::vector<std::string>{"duplicate"});
  EXPECT_EQ(status_of("good"), nullptr);
  EXPECT_EQ(call("/good/hello").json["dup"], true);
}

TEST_F(PluginManagerTest, IngestHooksKeepRunningPluginsOnly) {
  manager_.apply({plugin("good")});
  auto hooks = manager_.ingest_hooks();
  ASSERT_EQ(hooks.size(), 1u);
  std::vector<sdk::Event> events(3);
  sdk::IngestBatch batch{"t", &events};
  struct NoWriter : sdk::SqlWriter {
    sdk::Dialect dialect() const override { return sdk::Dialect::SQLite; }
    std::int64_t execute(std::string_view, const std::vector<sdk::Value>&) override { return 0; }
    void insert_rows(const std::string&, const std::vector<std::string>&,
                     const std::vector<std::vector<sdk::Value>>&) override {}
    void query(std::string_view, const std::vector<sdk::Value>&, const sdk::RowCallback&) override {
    }
  } writer;
  int before = call("/good/hello").json["hook_calls"];
  hooks[0](batch, writer);
  EXPECT_EQ(call("/good/hello").json["hook_calls"].get<int>(), before + 3);
}

TEST_F(PluginManagerTest, StatusJsonHasTheAdminFields) {
  manager_.apply({plugin("good")});
  auto j = status_of("good")->to_json();
  for (const char* key : {"name", "version", "sdk_abi_version", "status", "routes", "data_sources",
                          "loaded_at", "last_error"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["sdk_abi_version"], ZAPLIFY_SDK_ABI_VERSION);
  EXPECT_TRUE(j["last_error"].is_null());
}

}  // namespace
}  // namespace zaplify::core
