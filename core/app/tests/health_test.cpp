#include "app/health.h"

#include <gtest/gtest.h>

#include "app/cli.h"

namespace zaplify::core {
namespace {

HealthProbe healthy() {
  HealthProbe p;
  p.version = "1.0.0";
  p.uptime_seconds = 3;
  p.database_backend = "sqlite";
  p.database_ok = true;
  p.cache_backend = "memory";
  p.cache_ok = true;
  PluginStatus m;
  m.name = "metrics";
  m.version = "1.0.0";
  m.status = "running";
  m.route_paths = {"/metrics/kpi"};
  p.plugins.push_back(m);
  return p;
}

TEST(HealthTest, OkWhenEverythingIsUp) {
  auto r = health_response(healthy());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json["status"], "ok");
  EXPECT_EQ(r.json["database"]["backend"], "sqlite");
  EXPECT_EQ(r.json["plugins"][0]["routes"][0], "/metrics/kpi");
}

TEST(HealthTest, DatabaseDownIsUnavailableWith503) {
  auto p = healthy();
  p.database_ok = false;
  auto r = health_response(p);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.json["status"], "unavailable");
  EXPECT_EQ(r.json["database"]["ok"], false);
}

TEST(HealthTest, FailingWritesAreDegradedNotUnavailable) {
  auto p = healthy();
  p.database_writable = false;  // disk full: reads answer, ingest gets 503
  auto r = health_response(p);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json["status"], "degraded");
  EXPECT_EQ(r.json["database"]["ok"], true);
  EXPECT_EQ(r.json["database"]["writable"], false);
  EXPECT_EQ(health_response(healthy()).json["database"]["writable"], true);
}

TEST(HealthTest, CacheDownOrFailedPluginIsDegradedButDisabledIsNot) {
  auto p = healthy();
  p.cache_ok = false;
  EXPECT_EQ(health_status(p), "degraded");
  EXPECT_EQ(health_response(p).status, 200);
  p = healthy();
  PluginStatus f;
  f.name = "x";
  f.status = "failed";
  f.last_error = "secret path /opt/x.so";
  p.plugins.push_back(f);
  EXPECT_EQ(health_status(p), "degraded");
  EXPECT_EQ(health_response(p).json.dump().find("/opt/x.so"), std::string::npos);
  p.plugins.back().status = "disabled";
  EXPECT_EQ(health_status(p), "ok");
}

TEST(CommandLineTest, ParsesFlags) {
  const char* argv[] = {"zaplify-analytics", "--config", "x.yaml", "--check-config", "--demo"};
  auto cl = parse_command_line(5, argv);
  EXPECT_EQ(cl.config_path, "x.yaml");
  EXPECT_TRUE(cl.check_config);
  EXPECT_TRUE(cl.demo);
  const char* bad[] = {"zaplify-analytics", "--serve-forever"};
  EXPECT_THROW(parse_command_line(2, bad), std::invalid_argument);
  const char* dangling[] = {"zaplify-analytics", "--config"};
  EXPECT_THROW(parse_command_line(2, dangling), std::invalid_argument);
}

TEST(CommandLineTest, PortFileNeedsAPath) {
  const char* argv[] = {"zaplify-analytics", "--port-file", "/tmp/p"};
  EXPECT_EQ(parse_command_line(3, argv).port_file, "/tmp/p");
  const char* missing[] = {"zaplify-analytics", "--port-file"};
  EXPECT_THROW(parse_command_line(2, missing), std::invalid_argument);
  const char* empty[] = {"zaplify-analytics", "--port-file", ""};
  EXPECT_THROW(parse_command_line(3, empty), std::invalid_argument);
}

}  // namespace
}  // namespace zaplify::core
