// Drills for projections (issue 12), on SQLite and PostgreSQL:
//  1. metrics, funnel and conversation disabled while 50,000 events arrive, enabled again with
//     SIGHUP: after the catch-up every read equals that of a server that never disabled them;
//  2. after a retention purge no row of any recorded projection table is older than the cutoff.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "support/projection_drill_support.h"
#include "support/server.h"

namespace zaplify::testing {
namespace {

using nlohmann::json;

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - (a % b != 0 && a < 0); }

class ProjectionDrill : public ::testing::TestWithParam<std::string> {
 protected:
  ServerOptions options() const { return drill_options(GetParam()); }
};

TEST_P(ProjectionDrill, CatchUpAfterDisableEqualsNeverDisabled) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::int64_t end = now_ms() - kDayMs;
  const auto events = drill_events(end, 4700, 2600);
  ASSERT_GE(events.size(), 50'000u + 2'000u) << events.size();
  const std::size_t split = events.size() - 50'000;
  ServerProcess a(options()), b(options());
  ingest(a, events, 0, split);
  ingest(b, events, 0, split);
  if (HasFatalFailure()) return;

  ServerOptions off = options();
  off.plugins = {"export"};
  off.disabled = {"metrics", "funnel", "conversation", "cache"};
  b.rewrite_config(off);
  b.signal(SIGHUP);
  ASSERT_TRUE(wait_for_status(b, "/metrics/kpi", 404)) << b.log();
  ASSERT_TRUE(wait_for_status(b, "/analytics/funnels", 404));
  ASSERT_TRUE(wait_for_status(b, "/analytics/conversations", 404));
  ingest(a, events, split, events.size());
  ingest(b, events, split, events.size());
  if (HasFatalFailure()) return;

  b.rewrite_config(options());
  const auto reenabled = std::chrono::steady_clock::now();
  b.signal(SIGHUP);
  json progress = json::array();
  ASSERT_TRUE(wait_running(b, {"metrics", "funnel", "conversation"}, progress, 120'000)) << b.log();
  ASSERT_TRUE(b.wait_caught_up());
  const double catch_up_s = seconds_since(reenabled);

  auto targets = read_targets(a, end);
  const ReadComparison cmp =
      compare_reads(a, "A", b, "B", targets, "A never disabled != B caught up");
  if (HasFatalFailure()) return;
  // Non-trivial data behind the comparison.
  const std::string full = "?from=" + day_text(end - 20 * kDayMs) + "&to=" + day_text(end + kDayMs);
  auto kpi = a.get("/metrics/kpi" + full, kDrillTenant).json();
  EXPECT_GT(kpi["kpis"]["conversations"]["value"].get<double>(), 4000) << kpi.dump();
  EXPECT_GT(kpi["kpis"]["conversions"]["value"].get<double>(), 0) << kpi.dump();
  auto sentiment = a.get("/analytics/conversations/sentiment" + full, kDrillTenant).json();
  EXPECT_GT(sentiment["distribution"]["negative"].get<double>(), 0) << sentiment.dump();
  EXPECT_GT(sentiment["distribution"]["positive"].get<double>(), 0) << sentiment.dump();
  auto perf = a.get("/metrics/performance" + full, kDrillTenant).json();
  EXPECT_GE(perf["assistants"].size(), 4u) << perf.dump();
  std::cerr << "projection drill (" << GetParam() << "): " << events.size() << " events, "
            << targets.size() << " reads compared, " << cmp.mismatches << " differ ("
            << cmp.rounding_mismatches << " by float rounding only); catch-up " << catch_up_s
            << " s, /health showed catching_up " << progress.size() << " times"
            << (progress.empty() ? "" : " (last " + progress.back().dump() + ")") << "; total "
            << seconds_since(t0) << " s\n";
}

TEST_P(ProjectionDrill, RetentionPurgeLeavesNoOlderDerivedRow) {
  const auto t0 = std::chrono::steady_clock::now();
  ServerOptions first = options();
  first.plugins = {"metrics", "funnel", "conversation", "export", "cache"};
  first.disabled = {};
  first.extra_yaml = "metrics:\n  retention_days: 30\n";
  ServerProcess old_server(first);
  const auto events = drill_events(now_ms() - kHourMs, 1200, 800);
  ingest(old_server, events, 0, events.size());
  if (HasFatalFailure()) return;
  old_server.signal(SIGTERM);
  ASSERT_EQ(old_server.wait_exit(), 0);
  const std::string url = old_server.database_url();
  auto tables =
      db_rows(url, "SELECT projection, table_name, age_column, age_unit_ms FROM projection_tables");
  // Rows of projection table t whose age is before `cutoff_ms` (the purge's own rule).
  auto older = [&](const std::vector<std::string>& t, std::int64_t cutoff_ms) {
    return db_count(url, "SELECT COUNT(*) FROM " + t[1] + " WHERE " + t[2] + " < " +
                             std::to_string(floor_div(cutoff_ms, std::stoll(t[3]))));
  };
  std::map<std::string, std::int64_t> before;
  for (const auto& t : tables) before[t[1]] = older(t, now_ms() - 7 * kDayMs);
  EXPECT_GT(db_count(url, "SELECT COUNT(*) FROM conversations WHERE last_ts < " +
                              std::to_string(now_ms() - 7 * kDayMs)),
            0)
      << "no old conversation to purge: the drill proves nothing for the host's conversations";
  const std::int64_t old_events = db_count(
      url, "SELECT COUNT(*) FROM events WHERE ts < " + std::to_string(now_ms() - 7 * kDayMs));
  ASSERT_GT(old_events, 1000);

  ServerOptions second = first;
  second.database_url = url;
  second.extra_yaml = "metrics:\n  retention_days: 7\n  purge_interval_seconds: 1\n";
  ServerProcess server(second);
  const auto restarted = std::chrono::steady_clock::now();
  std::int64_t left = -1;
  while (seconds_since(restarted) < 20) {
    left = db_count(url, "SELECT COUNT(*) FROM events WHERE ts < " +
                             std::to_string(now_ms() - 7 * kDayMs - 120'000));
    if (left == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_EQ(left, 0) << "no purge within 20 s: " << server.log();
  const double purge_s = seconds_since(restarted);

  const std::int64_t cutoff = now_ms() - 7 * kDayMs - 120'000;  // at or before the purge's cutoff
  std::set<std::string> names;
  std::string summary;
  for (const auto& t : tables) {
    names.insert(t[1]);
    const std::int64_t total = db_count(url, "SELECT COUNT(*) FROM " + t[1]);
    EXPECT_GT(before[t[1]], 0) << t[1] << " had no row to purge: the drill proves nothing for it";
    EXPECT_EQ(older(t, cutoff), 0)
        << t[0] << ": rows of " << t[1] << " older than the cutoff remain (" << total << " in all)";
    summary += " " + t[1] + " " + std::to_string(before[t[1]]) + "->" + std::to_string(total);
  }
  for (const char* want : {"metrics_units", "metrics_assistant_units", "metrics_conversations",
                           "metrics_lead_created", "conv_message_scores", "conv_scores"})
    EXPECT_TRUE(names.count(want)) << want << " is not a recorded projection table";
  // The host's shared state goes with its events: stage changes, and a conversation once its
  // latest event is older.
  EXPECT_EQ(
      db_count(url, "SELECT COUNT(*) FROM conversations WHERE last_ts < " + std::to_string(cutoff)),
      0);
  EXPECT_GT(db_count(url, "SELECT COUNT(*) FROM conversations"), 0);
  EXPECT_EQ(db_count(url, "SELECT COUNT(*) FROM stage_events WHERE ts < " + std::to_string(cutoff)),
            0);
  EXPECT_GT(db_count(url, "SELECT COUNT(*) FROM stage_events"), 0);
  const std::int64_t unit_limit = floor_div(cutoff, 900'000);
  EXPECT_GT(db_count(url, "SELECT COUNT(*) FROM metrics_units WHERE unit >= " +
                              std::to_string(unit_limit)),
            0);
  EXPECT_GT(db_count(url, "SELECT COUNT(*) FROM conv_message_scores WHERE ts >= " +
                              std::to_string(cutoff)),
            0);
  EXPECT_GT(db_count(url, "SELECT COUNT(*) FROM events"), 0);
  std::cerr << "retention drill (" << GetParam() << "): " << events.size() << " events, "
            << old_events << " older than 7 days; purged after " << purge_s
            << " s; old rows before -> rows left:" << summary << "; total " << seconds_since(t0)
            << " s\n";
}

INSTANTIATE_TEST_SUITE_P(Backends, ProjectionDrill, ::testing::ValuesIn(backends()));

}  // namespace
}  // namespace zaplify::testing
