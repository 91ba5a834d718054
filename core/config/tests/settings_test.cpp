#include "config/settings.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/config_reference.h"

namespace zaplify::core {
namespace {

namespace fs = std::filesystem;

/// A plugins folder with empty files standing in for libraries (existence is what is checked).
class SettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("zaplify_cfg_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    for (const char* lib : {"metrics.so", "funnel.so", "conversation.so", "export.so", "cache.so",
                            "dashboard.so", "costs.so", "cohorts.so"})
      std::ofstream(dir_ / lib) << "";
  }
  void TearDown() override { fs::remove_all(dir_); }

  Settings load(const std::string& yaml, const Environment& env = {}) {
    return load_settings_from_string(yaml, env, dir_.string(), "test.yaml");
  }
  /// The ConfigError message of a YAML that must be refused.
  std::string error_of(const std::string& yaml, const Environment& env = {}) {
    try {
      load(yaml, env);
    } catch (const ConfigError& e) {
      return e.what();
    }
    ADD_FAILURE() << "accepted: " << yaml;
    return "";
  }

  fs::path dir_;
};

TEST_F(SettingsTest, EmptyDocumentGivesTheSpecDefaults) {
  Settings s = load("");
  EXPECT_EQ(s.server.port, 8003);
  EXPECT_EQ(s.server.max_request_bytes, 16 * 1024 * 1024);
  EXPECT_EQ(s.server.max_concurrent_requests, 10);
  EXPECT_EQ(s.ingest.batch_size, 1000);
  EXPECT_EQ(s.ingest.max_events_per_batch, 10000);
  EXPECT_EQ(s.metrics.retention_days, 90);
  EXPECT_EQ(s.metrics.realtime_window_minutes, 5);
  EXPECT_EQ(s.cache.ttl_seconds, 3600);
  EXPECT_EQ(s.auth.mode, "none");
  EXPECT_EQ(s.plugins_dir, dir_.string());
}

TEST_F(SettingsTest, UnknownKeyIsNamedWithItsFullPath) {
  auto msg = error_of("server:\n  max_concurent_requests: 4\n");
  EXPECT_NE(msg.find("server.max_concurent_requests: unknown key"), std::string::npos) << msg;
  msg = error_of("bogus_key: 1\n");
  EXPECT_NE(msg.find("bogus_key: unknown key"), std::string::npos) << msg;
  msg = error_of("plugins:\n  - name: metrics\n    library: metrics.so\n    enabeld: true\n");
  EXPECT_NE(msg.find("plugins[0].enabeld: unknown key"), std::string::npos) << msg;
}

TEST_F(SettingsTest, WrongTypeOrRangeNamesKeyAndExpectedType) {
  auto msg = error_of("server:\n  port: eighty\n");
  EXPECT_NE(msg.find("server.port: expected an integer from 0 to 65535"), std::string::npos) << msg;
  msg = error_of("server:\n  port: 70000\n");
  EXPECT_NE(msg.find("server.port"), std::string::npos) << msg;
  msg = error_of("auth:\n  mode: oauth\n");
  EXPECT_NE(msg.find("auth.mode: expected one of none, jwt"), std::string::npos) << msg;
  msg = error_of("cache: [1, 2]\n");
  EXPECT_NE(msg.find("cache: expected a mapping"), std::string::npos) << msg;
  msg = error_of("server:\n  threads: {a: 1}\n");
  EXPECT_NE(msg.find("server.threads: expected an integer"), std::string::npos) << msg;
}

TEST_F(SettingsTest, AllProblemsAreCollectedIntoOneMessage) {
  auto msg = error_of("server:\n  port: x\n  colour: red\nmetrics:\n  retention_days: 0\n");
  EXPECT_NE(msg.find("server.port"), std::string::npos);
  EXPECT_NE(msg.find("server.colour: unknown key"), std::string::npos);
  EXPECT_NE(msg.find("metrics.retention_days"), std::string::npos);
  EXPECT_NE(msg.find("test.yaml"), std::string::npos);
}

TEST_F(SettingsTest, EnvironmentOverridesTheFile) {
  Settings s = load("server:\n  port: 9000\n  host: 127.0.0.1\nlogging:\n  level: info\n",
                    {{"PORT", "9100"},
                     {"HOST", "0.0.0.0"},
                     {"LOG_LEVEL", "debug"},
                     {"DATABASE_URL", "postgresql://u:p@db:5432/a"},
                     {"REDIS_URL", "redis://r:1"}});
  EXPECT_EQ(s.server.port, 9100);
  EXPECT_EQ(s.server.host, "0.0.0.0");
  EXPECT_EQ(s.logging.level, "debug");
  EXPECT_EQ(s.database.url, "postgresql://u:p@db:5432/a");
  EXPECT_EQ(s.cache.redis_url, "redis://r:1");
  auto msg = error_of("", {{"PORT", "abc"}});
  EXPECT_NE(msg.find("PORT"), std::string::npos) << msg;
}

TEST_F(SettingsTest, PluginsResolveAgainstPluginsDirAndMissingLibraryIsNamed) {
  Settings s = load(
      "plugins:\n  - name: metrics\n    library: metrics.so\n"
      "    config: {a: 1, b: [x, 2.5], c: true}\n");
  ASSERT_EQ(s.plugins.size(), 1u);
  EXPECT_EQ(s.plugins[0].library_path, (dir_ / "metrics.so").string());
  EXPECT_TRUE(s.plugins[0].enabled);
  EXPECT_EQ(s.plugins[0].config["a"], 1);
  EXPECT_EQ(s.plugins[0].config["b"][1], 2.5);
  EXPECT_EQ(s.plugins[0].config["c"], true);

  auto msg = error_of("plugins:\n  - name: ghost\n    library: ghost.so\n");
  EXPECT_NE(msg.find((dir_ / "ghost.so").string()), std::string::npos) << msg;
  // A disabled plugin's library need not exist.
  EXPECT_NO_THROW(load("plugins:\n  - name: ghost\n    library: ghost.so\n    enabled: false\n"));
}

TEST_F(SettingsTest, PluginsDirFromEnvironment) {
  auto other = dir_ / "other";
  fs::create_directories(other);
  std::ofstream(other / "x.so") << "";
  Settings s =
      load("plugins:\n  - name: x\n    library: x.so\n", {{"PLUGINS_DIR", other.string()}});
  EXPECT_EQ(s.plugins[0].library_path, (other / "x.so").string());
}

TEST_F(SettingsTest, JwtNeedsALongEnoughSecret) {
  auto msg = error_of("auth:\n  mode: jwt\n");
  EXPECT_NE(msg.find("auth.secret_key"), std::string::npos) << msg;
  msg = error_of("auth:\n  mode: jwt\n", {{"SECRET_KEY", "short"}});
  EXPECT_NE(msg.find("at least 32 bytes"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("short"), std::string::npos) << "the secret must not be echoed";
  std::string secret(32, 'k');
  Settings s = load("auth:\n  mode: jwt\n", {{"SECRET_KEY", secret}});
  EXPECT_EQ(s.auth.secret_key, secret);
  EXPECT_TRUE(s.warnings.empty());
  s = load("auth:\n  mode: jwt\n  secret_key: " + secret + "\n");
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_EQ(s.warnings[0].find(secret), std::string::npos);
}

TEST_F(SettingsTest, DuplicatePluginNamesAndBadNamesAreRefused) {
  auto msg = error_of(
      "plugins:\n  - {name: metrics, library: metrics.so}\n"
      "  - {name: metrics, library: funnel.so}\n");
  EXPECT_NE(msg.find("listed twice"), std::string::npos) << msg;
  msg = error_of("plugins:\n  - {name: Bad-Name, library: metrics.so}\n");
  EXPECT_NE(msg.find("[a-z0-9_]+"), std::string::npos) << msg;
}

TEST_F(SettingsTest, RedisBackendNeedsAUrl) {
  auto msg = error_of("cache:\n  backend: redis\n");
  EXPECT_NE(msg.find("cache.redis_url"), std::string::npos) << msg;
}

TEST_F(SettingsTest, YamlSyntaxErrorNamesTheLine) {
  auto msg = error_of("server:\n  port: [8003\n");
  EXPECT_NE(msg.find("line"), std::string::npos) << msg;
}

TEST_F(SettingsTest, ShippedConfigsAreValid) {
  Settings s =
      load_settings(std::string(ZAPLIFY_TEST_CONFIG_DIR) + "/analytics.yaml", {}, dir_.string());
  EXPECT_EQ(s.plugins.size(), 8u);
  EXPECT_EQ(s.database.url, "sqlite3://var/analytics.db");
  Settings p = load_settings(std::string(ZAPLIFY_TEST_CONFIG_DIR) + "/production.example.yaml",
                             {{"SECRET_KEY", std::string(40, 's')}, {"PLUGINS_DIR", dir_.string()}},
                             dir_.string());
  EXPECT_EQ(p.auth.mode, "jwt");
  EXPECT_EQ(p.cache.backend, "redis");
}

// Found by config_fuzz: std::regex_match recursed per character and overflowed the stack.
TEST_F(SettingsTest, VeryLongPluginNameIsCheckedWithoutOverflowingTheStack) {
  auto msg = error_of("plugins:\n  - {name: " + std::string(500000, 'a') + "-, library: x.so}\n");
  EXPECT_NE(msg.find("[a-z0-9_]+"), std::string::npos);
  Settings s =
      load("plugins:\n  - {name: " + std::string(500000, 'a') + ", library: metrics.so}\n");
  EXPECT_EQ(s.plugins.at(0).name.size(), 500000u);
}

// Found by config_fuzz: nine levels of ten aliases each expanded to 10^9 JSON values.
TEST_F(SettingsTest, AliasExpansionInPluginConfigIsBounded) {
  std::string config = "      l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 8; ++i) {
    std::string prev = "*l" + std::to_string(i - 1);
    config += "      l" + std::to_string(i) + ": &l" + std::to_string(i) + " [" + prev;
    for (int k = 1; k < 10; ++k) config += ", " + prev;
    config += "]\n";
  }
  auto msg =
      error_of("plugins:\n  - name: metrics\n    library: metrics.so\n    config:\n" + config);
  EXPECT_NE(msg.find("plugins[0].config: more than 1000000 values"), std::string::npos) << msg;
}

TEST_F(SettingsTest, OversizedOrTooDeeplyNestedFileIsRefused) {
  auto msg = error_of("# " + std::string(kMaxConfigBytes, 'x') + "\n");
  EXPECT_NE(msg.find("larger than"), std::string::npos) << msg;
  msg = error_of("plugins:\n  - {name: metrics, library: metrics.so, config: {a: " +
                 std::string(100000, '[') + std::string(100000, ']') + "}}\n");
  EXPECT_NE(msg.find("nesting deeper than 500 levels"), std::string::npos) << msg;
}

TEST(ConfigReferenceTest, EveryScalarKeyIsDocumentedWithItsEnv) {
  auto md = config_reference_markdown();
  for (const char* key : {"server.max_request_bytes", "database.url", "cache.ttl_seconds",
                          "plugins[].config", "plugins_dir"})
    EXPECT_NE(md.find(std::string("`") + key + "`"), std::string::npos) << key;
  for (const char* env :
       {"HOST", "PORT", "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "LOG_LEVEL", "PLUGINS_DIR"})
    EXPECT_NE(md.find(std::string("`") + env + "`"), std::string::npos) << env;
}

}  // namespace
}  // namespace zaplify::core
