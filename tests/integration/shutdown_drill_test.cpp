// Drill (issue 7): SIGTERM in the middle of steady ingestion. In-flight requests finish, every
// acknowledged batch is in the database, nothing is stored twice, and the server exits 0 once they
// finished: in-flight requests get server.drain_seconds (10 s by default), then plugins stop and
// the database closes. Run on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "support/drill.h"
#include "support/server.h"

namespace zaplify::testing {
namespace {

class ShutdownDrill : public ::testing::TestWithParam<std::string> {};

TEST_P(ShutdownDrill, SigtermUnderIngestLosesNothing) {
  ServerOptions o;
  o.database = GetParam();
  ServerProcess server(o);
  // Eight threads sending 500-event batches at 40/s keep several requests in flight when the
  // signal lands.
  IngestClient ingest(server, "drain", 40, 8, 500);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const std::size_t acked_before_signal = ingest.acked().size();

  auto signalled = std::chrono::steady_clock::now();
  server.signal(SIGTERM);
  int status = server.wait_exit(20000);
  double exit_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled).count();
  ingest.stop();

  EXPECT_EQ(status, 0) << "exit status";
  // Not a timing test: a bound that only a hang or an ignored drain limit breaks (the drain is
  // 10 s; a sanitized build on a busy machine needed 10.4 s in all).
  EXPECT_LE(exit_seconds, 15.0);
  EXPECT_GT(acked_before_signal, 0u) << "no ingestion happened before the signal";
  // Refusals after the signal are 503 "shutting_down" or refused connections; never a 5xx crash.
  for (auto [code, n] : ingest.statuses())
    EXPECT_TRUE(code == 200 || code == 503 || code == 0) << code << " x" << n;

  std::vector<std::string> stored =
      GetParam() == "sqlite"
          ? sqlite_event_ids(server.database_url().substr(std::string("sqlite3://").size()),
                             "drain")
          : postgres_event_ids(server.database_url(), "drain");
  std::set<std::string> stored_set(stored.begin(), stored.end());
  EXPECT_EQ(stored.size(), stored_set.size()) << "an event stored twice";
  std::size_t lost = 0;
  for (const auto& id : ingest.acked().ids()) lost += stored_set.count(id) == 0;
  EXPECT_EQ(lost, 0u) << "acknowledged events missing after SIGTERM";
  std::cerr << "shutdown drill (" << GetParam() << "): exit " << status << " after " << exit_seconds
            << " s; " << ingest.acked().size() << " events acknowledged, all stored\n";
}

INSTANTIATE_TEST_SUITE_P(Backends, ShutdownDrill, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace zaplify::testing
