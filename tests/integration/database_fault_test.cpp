// Drills (issue 7): the database goes away under steady ingest and reads, and comes back.
//  * PostgreSQL stopped: ingest answers 503 + Retry-After (never 200 for unstored events), reads
//    503 or cached, /health 503; started again: the server recovers by itself within 5 s, and the
//    events stored are exactly the acknowledged ones.
//  * SQLite on a full or read-only disk: 503, never a corrupt file; recovers when the disk does.
#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "support/drill.h"
#include "support/server.h"

namespace zaplify::testing {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kBatchEvents = 20;
const Headers kTenant{{"X-Tenant-ID", "fault"}};

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// A client that sends numbered batches at a fixed rate, remembers what was acknowledged, keeps
// the refused ones for a retry, and checks every refusal is a 503 with Retry-After.
class IngestClient {
 public:
  IngestClient(const ServerProcess& server, double batches_per_second) : server_(server) {
    load_ = std::make_unique<PacedLoad>(batches_per_second, 3, [this](std::int64_t seq) {
      send(static_cast<int>(seq) * kBatchEvents);
    });
  }
  void stop() { load_->stop(); }

  /// Resends every refused batch until acknowledged (as a real client does after a 503).
  void retry_refused(double timeout_seconds) {
    auto start = Clock::now();
    while (seconds_since(start) < timeout_seconds) {
      std::deque<int> pending;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        pending.swap(refused_);
      }
      if (pending.empty()) return;
      for (int first : pending) send(first);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "refused batches still refused after " << timeout_seconds << " s";
  }

  const AckLedger& acked() const { return acked_; }
  int refusals() const { std::lock_guard<std::mutex> l(mutex_); return refusals_; }
  int bad_refusals() const { std::lock_guard<std::mutex> l(mutex_); return bad_refusals_; }
  std::string bad_examples() const { std::lock_guard<std::mutex> l(mutex_); return bad_examples_; }

 private:
  void send(int first) {
    auto batch = numbered_batch("fault", "ev", first, kBatchEvents, now_ms() - 60'000);
    auto r = server_.post_json("/analytics/process/batch", {{"events", batch}}, kTenant);
    if (r.status == 200) {
      acked_.add(numbered_ids("ev", first, kBatchEvents));
      return;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    refused_.push_back(first);
    ++refusals_;
    bool clean = r.status == 503 && !r.header("retry-after").empty() &&
                 r.body.find("\"error\"") != std::string::npos;
    if (!clean) {
      ++bad_refusals_;
      if (bad_examples_.size() < 2000) bad_examples_ += std::to_string(r.status) + " " + r.body + "\n";
    }
  }

  const ServerProcess& server_;
  AckLedger acked_;
  mutable std::mutex mutex_;
  std::deque<int> refused_;
  int refusals_ = 0;
  int bad_refusals_ = 0;
  std::string bad_examples_;
  std::unique_ptr<PacedLoad> load_;
};

// Reads across plugins during the outage: 200 (computed or cached) or 503, nothing else.
class ReadClient {
 public:
  explicit ReadClient(const ServerProcess& server) {
    load_ = std::make_unique<PacedLoad>(30, 2, [this, &server](std::int64_t seq) {
      static const char* kPaths[] = {"/metrics/kpi", "/analytics/conversations/sentiment",
                                     "/analytics/real-time/activity", "/metrics/performance?interval=hour"};
      auto r = server.get(kPaths[seq % 4], kTenant);
      std::lock_guard<std::mutex> lock(mutex_);
      ++statuses_[r.status];
    });
  }
  void stop() { load_->stop(); }
  std::map<int, int> statuses() const { std::lock_guard<std::mutex> l(mutex_); return statuses_; }

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

void expect_exactly_acknowledged(const std::vector<std::string>& stored, const AckLedger& acked) {
  std::set<std::string> stored_set(stored.begin(), stored.end());
  EXPECT_EQ(stored.size(), stored_set.size()) << "an event is stored twice";
  auto acked_ids = acked.ids();
  std::size_t lost = 0, extra = 0;
  for (const auto& id : acked_ids) lost += stored_set.count(id) == 0;
  for (const auto& id : stored_set) extra += acked_ids.count(id) == 0;
  EXPECT_EQ(lost, 0u) << "acknowledged events missing from the database";
  EXPECT_EQ(extra, 0u) << "events stored that were never acknowledged";
  EXPECT_GT(acked_ids.size(), 0u);
}

TEST(DatabaseFault, PostgresStoppedAndStartedUnderLoad) {
  PostgresInstance pg;
  ASSERT_TRUE(pg.ok());
  ServerOptions o;
  o.database_url = pg.url();
  ServerProcess server(o);
  ASSERT_EQ(server.get("/health").status, 200) << server.log();

  IngestClient ingest(server, 25);
  ReadClient reads(server);
  std::this_thread::sleep_for(std::chrono::seconds(2));

  pg.stop(/*immediate=*/true);
  EXPECT_TRUE(wait_until(10, [&] { return server.get("/health").status == 503; }))
      << "/health did not report the database unavailable";
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_GT(ingest.refusals(), 0) << "no ingest was refused while PostgreSQL was down";

  pg.start();
  auto started = Clock::now();
  auto probe_ok = [&] {
    auto r = server.post_json("/analytics/process/batch",
                              {{"events", numbered_batch("fault", "probe", 0, 3, now_ms())}}, kTenant);
    return r.status == 200 && server.get("/health").status == 200;
  };
  ASSERT_TRUE(wait_until(30, probe_ok)) << "no recovery";
  double recovery = seconds_since(started);
  EXPECT_LE(recovery, 5.0) << "recovery took " << recovery << " s";
  std::this_thread::sleep_for(std::chrono::seconds(2));

  ingest.stop();
  reads.stop();
  ingest.retry_refused(30);
  EXPECT_EQ(ingest.bad_refusals(), 0) << ingest.bad_examples();
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

}  // namespace
}  // namespace zaplify::testing
