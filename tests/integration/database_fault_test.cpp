// Drills (issue 7): the database goes away under steady ingest and reads, and comes back.
//  * PostgreSQL stopped: ingest answers 503 + Retry-After (never 200 for unstored events), reads
//    503 or cached, /health 503; started again: the server recovers by itself within 5 s, and the
//    events stored are exactly the acknowledged ones.
//  * SQLite on a full or read-only disk: 503, never a corrupt file; recovers when the disk does.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "support/drill.h"
#include "support/server.h"

namespace zaplify::testing {
namespace {

using Clock = std::chrono::steady_clock;
const Headers kTenant{{"X-Tenant-ID", "fault"}};
const char* const SYNC_FULL_YAML = "";  // full is the default

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Reads across plugins during the outage: 200 (computed or cached) or 503, nothing else.
class ReadClient {
 public:
  explicit ReadClient(const ServerProcess& server) {
    load_ = std::make_unique<PacedLoad>(30, 2, [this, &server](std::int64_t seq) {
      static const char* kPaths[] = {"/metrics/kpi", "/analytics/conversations/sentiment",
                                     "/analytics/real-time/activity",
                                     "/metrics/performance?interval=hour"};
      auto r = server.get(kPaths[seq % 4], kTenant);
      std::lock_guard<std::mutex> lock(mutex_);
      ++statuses_[r.status];
    });
  }
  void stop() { load_->stop(); }
  std::map<int, int> statuses() const {
    std::lock_guard<std::mutex> l(mutex_);
    return statuses_;
  }

 private:
  mutable std::mutex mutex_;
  std::map<int, int> statuses_;
  std::unique_ptr<PacedLoad> load_;
};

std::string describe(const std::map<int, int>& statuses) {
  std::string s;
  for (auto [status, n] : statuses) s += std::to_string(status) + ": " + std::to_string(n) + "  ";
  return s;
}

bool wait_until(double timeout_seconds, const std::function<bool()>& condition) {
  auto start = Clock::now();
  while (seconds_since(start) < timeout_seconds) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// Measured on this project's machines (tests/integration/ext4_fsync_loss.sh, a plain
// write + fsync loop without SQLite or this server): when ext4 hits an error with
// errors=remount-ro it aborts its journal, and after e2fsck the last write whose fsync returned
// just before the error is missing in about 1 run of 5. A commit acknowledged in that instant can
// be lost by the kernel whatever the application does; the read-only drill therefore tolerates a
// missing event only when its batch was acknowledged within kKernelWindow of the fault, and
// reports it. Everything else acknowledged must be stored.
constexpr auto kKernelWindow = std::chrono::milliseconds(100);

void expect_exactly_acknowledged(const std::vector<std::string>& stored, const AckLedger& acked,
                                 std::optional<Clock::time_point> kernel_fault = std::nullopt) {
  std::set<std::string> stored_set(stored.begin(), stored.end());
  EXPECT_EQ(stored.size(), stored_set.size()) << "an event is stored twice";
  auto acked_ids = acked.ids();
  std::size_t lost = 0, lost_to_kernel = 0, extra = 0;
  std::string lost_ids;
  for (const auto& id : acked_ids) {
    if (stored_set.count(id) != 0) continue;
    const auto at = acked.acked_at(id);
    if (kernel_fault && at && *at > *kernel_fault - kKernelWindow &&
        *at < *kernel_fault + kKernelWindow) {
      ++lost_to_kernel;
      continue;
    }
    if (++lost <= 40) lost_ids += id + " ";
  }
  for (const auto& id : stored_set) extra += acked_ids.count(id) == 0;
  EXPECT_EQ(lost, 0u) << "acknowledged events missing from the database: " << lost_ids;
  EXPECT_EQ(extra, 0u) << "events stored that were never acknowledged";
  EXPECT_GT(acked_ids.size(), 0u);
  if (lost_to_kernel > 0)
    std::cerr << lost_to_kernel << " events acknowledged within " << kKernelWindow.count()
              << " ms of the file system error are missing (the kernel's journal abort)\n";
}

// True when a small probe batch is acknowledged: ingestion works again.
bool ingest_probe_ok(const ServerProcess& server) {
  auto batch = numbered_batch("fault", "probe", 0, 3, now_ms());
  return server.post_json("/analytics/process/batch", {{"events", batch}}, kTenant).status == 200;
}

// The server's warnings and errors, for a failure message.
std::string log_problems(const ServerProcess& server) {
  std::string problems, line;
  std::istringstream log(server.log());
  while (std::getline(log, line))
    if (line.find("[info]") == std::string::npos) problems += line.substr(0, 300) + "\n";
  return problems.size() > 3000 ? problems.substr(0, 3000) : problems;
}

// Stops the server, then checks the SQLite file is sound and holds exactly the acknowledged
// events of the drill's client (probe events aside).
void expect_sqlite_sound_and_exact(ServerProcess& server, const std::string& db,
                                   const IngestClient& ingest,
                                   std::optional<Clock::time_point> kernel_fault = std::nullopt) {
  server.signal(SIGTERM);
  ASSERT_EQ(server.wait_exit(10000), 0);
  EXPECT_EQ(sqlite_integrity(db), "ok");
  auto stored = sqlite_event_ids(db, "fault");
  std::erase_if(stored, [](const std::string& id) { return id.rfind("probe-", 0) == 0; });
  expect_exactly_acknowledged(stored, ingest.acked(), kernel_fault);
}

TEST(DatabaseFault, PostgresStoppedAndStartedUnderLoad) {
  PostgresInstance pg;
  ASSERT_TRUE(pg.ok());
  ServerOptions o;
  o.database_url = pg.url();
  ServerProcess server(o);
  ASSERT_EQ(server.get("/health").status, 200) << server.log();

  IngestClient ingest(server, "fault", 25);
  ReadClient reads(server);
  std::this_thread::sleep_for(std::chrono::seconds(2));

  pg.stop(/*immediate=*/true);
  EXPECT_TRUE(wait_until(10, [&] { return server.get("/health").status == 503; }))
      << "/health did not report the database unavailable";
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_GT(ingest.refusals(), 0) << "no ingest was refused while PostgreSQL was down";

  pg.start();
  auto started = Clock::now();
  auto probe_ok = [&] { return ingest_probe_ok(server) && server.get("/health").status == 200; };
  ASSERT_TRUE(wait_until(30, probe_ok)) << "no recovery";
  double recovery = seconds_since(started);
  EXPECT_LE(recovery, 5.0) << "recovery took " << recovery << " s";
  std::this_thread::sleep_for(std::chrono::seconds(2));

  ingest.stop();
  reads.stop();
  ingest.retry_refused(30);
  EXPECT_EQ(ingest.unclean_refusals(), 0) << ingest.unclean_examples();
  auto read_statuses = reads.statuses();
  for (auto [status, n] : read_statuses)
    EXPECT_TRUE(status == 200 || status == 503) << "reads: " << describe(read_statuses);

  auto stored = postgres_event_ids(pg.url(), "fault");
  std::erase_if(stored, [](const std::string& id) { return id.rfind("probe-", 0) == 0; });
  expect_exactly_acknowledged(stored, ingest.acked());
  std::cerr << "postgres drill: recovery " << recovery << " s after start; "
            << ingest.acked().size() << " events acknowledged, " << ingest.refusals()
            << " batches refused (503) then resent; reads " << describe(read_statuses) << "\n";
}

// SQLite on a disk that fills up: ingest is refused with a clean 503 (never a 200 for unstored
// events), reads keep working, the file stays sound, and once space is back ingestion resumes by
// itself.
TEST(DatabaseFault, SqliteFullDiskRefusesThenRecovers) {
  if (!TmpfsMount::supported()) GTEST_SKIP() << "needs CAP_SYS_ADMIN to mount a small tmpfs";
  TmpfsMount disk(6 * 1024 * 1024);
  const std::string db = disk.path() + "/analytics.db";
  ServerOptions o;
  o.database_url = "sqlite3://" + db;
  ServerProcess server(o);
  ASSERT_EQ(server.get("/health").status, 200) << server.log();

  IngestClient ingest(server, "fault", 40);
  ASSERT_TRUE(wait_until(120, [&] { return ingest.refusals() > 5; }))
      << "the disk never filled: " << describe(ingest.statuses());
  EXPECT_EQ(server.get("/metrics/kpi", kTenant).status, 200) << "reads must survive a full disk";
  auto health = server.get("/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.json()["status"], "degraded") << health.body;
  EXPECT_EQ(health.json()["database"]["writable"], false) << health.body;

  disk.resize(256 * 1024 * 1024);
  auto freed = Clock::now();
  ASSERT_TRUE(wait_until(30, [&] { return ingest_probe_ok(server); }))
      << "no recovery after the disk got space back; " << log_problems(server);
  double recovery = seconds_since(freed);
  ingest.stop();
  ingest.retry_refused(30);
  EXPECT_EQ(ingest.unclean_refusals(), 0) << ingest.unclean_examples() << log_problems(server);
  EXPECT_EQ(server.get("/health").status, 200);
  expect_sqlite_sound_and_exact(server, db, ingest);
  std::cerr << "sqlite full-disk drill: " << ingest.acked().size() << " events acknowledged, "
            << ingest.refusals() << " batches refused then resent; statuses "
            << describe(ingest.statuses()) << "; recovery " << recovery << " s\n";
}

// SQLite whose file system the kernel forces read-only under load (an ext4 error with
// errors=remount-ro): ingest answers a clean 503, the file is sound, and once the operator has
// repaired and remounted the disk the server writes again without a restart, with every
// acknowledged event kept (the drill runs with database.sqlite_synchronous: full).
TEST(DatabaseFault, SqliteDiskForcedReadOnlyThenRepaired) {
  if (!Ext4LoopMount::supported()) GTEST_SKIP() << "needs root, loop devices and e2fsprogs";
  Ext4LoopMount disk(64 * 1024 * 1024);
  const std::string db = disk.path() + "/analytics.db";
  ServerOptions o;
  o.database_url = "sqlite3://" + db;
  o.extra_yaml = SYNC_FULL_YAML;
  ServerProcess server(o);
  ASSERT_EQ(server.get("/health").status, 200) << server.log();

  IngestClient ingest(server, "fault", 40);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const auto fault_at = Clock::now();
  disk.force_read_only();
  ASSERT_TRUE(wait_until(20, [&] { return ingest.refusals() > 5; }))
      << "writes kept succeeding on a read-only disk: " << describe(ingest.statuses());
  int read_status = server.get("/metrics/kpi", kTenant).status;
  EXPECT_TRUE(read_status == 200 || read_status == 503) << read_status;

  disk.repair();
  auto repaired = Clock::now();
  ASSERT_TRUE(wait_until(30, [&] { return ingest_probe_ok(server); }))
      << "no recovery after the disk was repaired; " << log_problems(server);
  double recovery = seconds_since(repaired);
  ingest.stop();
  ingest.retry_refused(30);
  EXPECT_EQ(ingest.unclean_refusals(), 0) << ingest.unclean_examples() << log_problems(server);
  // Reads see the writes made after the repair: no pooled connection is left on the old mount.
  EXPECT_EQ(server.get("/health").status, 200);
  ASSERT_EQ(server
                .post_json("/analytics/process/batch",
                           {{"events", numbered_batch("fresh", "after", 0, 1, now_ms() - 1000)}},
                           {{"X-Tenant-ID", "fresh"}})
                .status,
            200);
  for (int i = 0; i < 12; ++i) {  // distinct queries: computed, not cached, on every pooled slot
    auto kpi = server.get("/metrics/kpi?tz=UTC&interval=" + std::string(i % 2 ? "day" : "hour") +
                              "&n=" + std::to_string(i),
                          {{"X-Tenant-ID", "fresh"}});
    ASSERT_EQ(kpi.status, 200) << kpi.body;
    EXPECT_EQ(kpi.json()["kpis"]["new_leads"]["value"], 1)
        << "a pooled connection reads a stale file";
  }

  expect_sqlite_sound_and_exact(server, db, ingest, fault_at);
  std::cerr << "sqlite read-only drill: " << ingest.acked().size() << " events acknowledged, "
            << ingest.refusals() << " batches refused then resent; statuses "
            << describe(ingest.statuses()) << "; recovery " << recovery << " s after the remount\n";
}

}  // namespace
}  // namespace zaplify::testing
