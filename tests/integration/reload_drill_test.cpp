// Drill (issue 7): a client keeps ~200 requests/s on every plugin's routes (and on ingestion) while
// the funnel plugin is disabled and re-enabled 20 times. No request may fail except the funnel's
// own routes answering 404 while it is off (503 catching_up while it replays what it missed); the
// server must survive (the sanitizer job runs this too).
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "support/drill.h"
#include "support/server.h"

namespace zaplify::testing {
namespace {

constexpr int kToggles = 20;
constexpr double kRequestsPerSecond = 200;

struct Target {
  std::string path;
  bool funnel_owned;
};

// Every plugin's read routes plus the core's; query windows vary so some reads miss the cache.
std::vector<Target> targets(const std::string& window) {
  return {
      {"/metrics/kpi?" + window, false},
      {"/metrics/conversion?" + window, false},
      {"/metrics/performance?" + window, false},
      {"/analytics/real-time/activity", false},
      {"/analytics/funnels", true},
      {"/analytics/funnel/drill?" + window, true},
      {"/analytics/funnel/drill/conversion-flow?" + window, true},
      {"/analytics/funnel/drill/bottlenecks?" + window, true},
      {"/analytics/funnel/drill/dropped?stage=new&" + window, true},
      {"/analytics/conversations?" + window, false},
      {"/analytics/conversations/sentiment?" + window, false},
      {"/analytics/conversations/topics?" + window, false},
      {"/analytics/real-time/conversations", false},
      {"/analytics/export/datasets", false},
      {"/analytics/export/metrics?dataset=kpi_daily&format=csv&" + window, false},
      {"/health", false},
  };
}

class Tally {
 public:
  void record(const std::string& what, int status, bool unexpected) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++by_status_[status];
    if (unexpected && failures_.size() < 20)
      failures_.push_back(what + " -> " + std::to_string(status));
    if (unexpected) ++unexpected_;
  }
  int unexpected() const {
    std::lock_guard<std::mutex> l(mutex_);
    return unexpected_;
  }
  std::string summary() const {
    std::lock_guard<std::mutex> l(mutex_);
    std::string s;
    for (auto [status, n] : by_status_)
      s += std::to_string(status) + ": " + std::to_string(n) + "  ";
    for (const auto& f : failures_) s += "\n  " + f;
    return s;
  }
  int count(int status) const {
    std::lock_guard<std::mutex> l(mutex_);
    return by_status_.count(status) ? by_status_.at(status) : 0;
  }

 private:
  mutable std::mutex mutex_;
  std::map<int, int> by_status_;
  std::vector<std::string> failures_;
  int unexpected_ = 0;
};

TEST(ReloadDrill, FunnelToggledTwentyTimesUnderLoad) {
  ServerOptions on;
  on.max_concurrent_requests = 8;
  ServerProcess server(on);
  ServerOptions off = on;
  off.plugins = {"metrics", "conversation", "export", "cache"};
  off.disabled = {"funnel"};

  const Headers tenant{{"X-Tenant-ID", "drill"}};
  const std::int64_t now = now_ms();
  auto seed = numbered_batch("drill", "seed", 0, 600, now - 3'600'000);
  seed.push_back({{"id", "funnel-def"},
                  {"type", "funnel_defined"},
                  {"tenant_id", "drill"},
                  {"timestamp", rfc3339(now - 7'200'000)},
                  {"funnel_id", "drill"},
                  {"name", "Drill"},
                  {"stages", {"new", "qualified", "won"}}});
  ASSERT_EQ(server.post_json("/analytics/process/batch", {{"events", seed}}, tenant).status, 200);

  Tally tally;
  AckLedger acked;
  std::atomic<int> phase{0};  // odd while the funnel may be off; bumped at every toggle
  auto may_be_off = [](int before, int after) {
    return before % 2 == 1 || after % 2 == 1 || before != after;
  };
  PacedLoad load(kRequestsPerSecond, 8, [&](std::int64_t seq) {
    if (seq % 10 == 0) {  // ingestion keeps running too: hooks come and go with the plugin
      int first = static_cast<int>(seq) * 10;
      auto r = server.post_json(
          "/analytics/process/batch",
          {{"events", numbered_batch("drill", "live", first, 10, now - 60'000)}}, tenant);
      if (r.status == 200) acked.add(numbered_ids("live", first, 10));
      tally.record("POST batch", r.status, r.status != 200);
      return;
    }
    // Two window shapes (the default week, and hourly buckets): the same keys repeat, so reads
    // are both cached and computed.
    std::string window = seq % 3 == 0 ? "interval=day" : "interval=hour";
    auto all = targets(window);
    const Target& t = all[static_cast<std::size_t>(seq) % all.size()];
    int before = phase.load();
    auto r = server.get(t.path, tenant);
    // Off: 404. Back on: 503 `catching_up` until its projection replayed what it missed.
    const bool off_status =
        r.status == 404 || (r.status == 503 && r.body.find("catching_up") != std::string::npos);
    bool expected_off = t.funnel_owned && off_status && may_be_off(before, phase.load());
    tally.record(t.path + " " + r.body.substr(0, 120), r.status, r.status != 200 && !expected_off);
  });

  for (int i = 0; i < kToggles; ++i) {
    ++phase;
    server.rewrite_config(off);
    server.signal(SIGHUP);
    ASSERT_TRUE(wait_for_status(server, "/analytics/funnels", 404)) << "toggle " << i;
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    server.rewrite_config(on);
    auto reload = server.post_json("/admin/reload", nlohmann::json::object());
    ASSERT_EQ(reload.status, 200) << reload.body;
    ASSERT_TRUE(wait_for_status(server, "/analytics/funnels", 200)) << "toggle " << i;
    ++phase;
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
  }
  load.stop();

  EXPECT_EQ(tally.unexpected(), 0) << tally.summary();
  EXPECT_GT(load.fired(), 1000) << "the load did not run";
  EXPECT_GT(tally.count(404), 0) << "the funnel never looked off: " << tally.summary();
  EXPECT_TRUE(server.running());
  auto plugins = server.get("/admin/plugins");
  ASSERT_EQ(plugins.status, 200);
  EXPECT_NE(plugins.body.find("\"funnel\""), std::string::npos);
  // Every acknowledged event is in the database file.
  auto stored =
      sqlite_event_ids(server.database_url().substr(std::string("sqlite3://").size()), "drill");
  std::set<std::string> stored_set(stored.begin(), stored.end());
  EXPECT_EQ(stored.size(), stored_set.size());
  for (const auto& id : acked.ids())
    ASSERT_TRUE(stored_set.count(id)) << id << " acknowledged, not stored";
  std::cerr << "reload drill: " << load.fired() << " requests, " << acked.size()
            << " events acknowledged; statuses " << tally.summary() << "\n";
}

}  // namespace
}  // namespace zaplify::testing
