// Launching the real server on port 0: the port it reports is its own, two servers started at
// the same moment never share one, and a server that refuses its configuration is seen exiting.
#include "support/harness/server_launch.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "support/harness/http_client.h"

namespace zaplify::testing {
namespace {

namespace fs = std::filesystem;

class ServerLaunchTest : public ::testing::Test {
 protected:
  void TearDown() override {
    std::error_code ec;
    for (const auto& dir : dirs_) fs::remove_all(dir, ec);
  }
  // A server with no plugins on a fresh SQLite file; `extra` is appended to its YAML.
  ServerLaunch launch(const std::string& extra = {}) {
    std::string dir = (fs::temp_directory_path() / ("zaplify-launch-" + std::to_string(::getpid()) +
                                                    "-" + std::to_string(dirs_.size())))
                          .string();
    fs::create_directories(dir);
    dirs_.push_back(dir);
    std::ofstream(dir + "/analytics.yaml")
        << "server:\n  host: 127.0.0.1\n  port: 0\n  threads: 1\n"
        << "database:\n  url: \"sqlite3://" << dir << "/analytics.db\"\n"
        << "metrics:\n  purge_interval_seconds: 0\nplugins: []\n"
        << extra;
    ServerLaunch l;
    l.binary = ZAPLIFY_SERVER_BINARY;
    l.config_path = dir + "/analytics.yaml";
    l.work_dir = dir;
    l.env["LOG_LEVEL"] = "info";
    return l;
  }
  std::vector<std::string> dirs_;
};

TEST_F(ServerLaunchTest, ServersStartedTogetherEachReportTheirOwnPort) {
  std::vector<std::unique_ptr<LaunchedServer>> servers;
  for (int i = 0; i < 4; ++i) servers.push_back(std::make_unique<LaunchedServer>(launch()));
  std::set<std::uint16_t> ports;
  for (auto& s : servers) {
    ASSERT_TRUE(s->wait_port()) << s->process().log();
    ports.insert(s->port());
    // The log names the port it serves on: the one reported is this server's own.
    std::string serving_on = "127.0.0.1:";
    serving_on += std::to_string(s->port());
    EXPECT_NE(s->process().log().find(serving_on), std::string::npos) << s->process().log();
    EXPECT_EQ(http_request(s->port(), "GET", "/health").status, 200);
  }
  EXPECT_EQ(ports.size(), servers.size());
  for (auto& s : servers) EXPECT_EQ(s->process().stop(), 0) << s->process().log();
}

TEST_F(ServerLaunchTest, ARefusedConfigurationIsSeenExiting) {
  LaunchedServer s(launch("no_such_key: 1\n"));
  EXPECT_FALSE(s.wait_port(30000));
  EXPECT_EQ(s.port(), 0);
  EXPECT_FALSE(s.process().running());
  EXPECT_NE(s.process().exit_status().value_or(0), 0);
  EXPECT_NE(s.process().log().find("no_such_key"), std::string::npos) << s.process().log();
}

}  // namespace
}  // namespace zaplify::testing
