// Group commit (chunk_writer.h) on a real SQLite file: concurrent chunks share transactions, every
// event is stored and applied exactly once, and a failing chunk fails alone.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "ingest/chunk_writer.h"
#include "storage/tests/test_db.h"

namespace zaplify::core {
namespace {

using testing::TempDatabase;

IngestChunk make_chunk(const std::string& tenant, int writer, int round, int n) {
  IngestChunk c;
  c.tenant = tenant;
  for (int i = 0; i < n; ++i) {
    sdk::Event e;
    e.tenant_id = tenant;
    e.id = "w" + std::to_string(writer) + "-r" + std::to_string(round) + "-" + std::to_string(i);
    e.type = "lead_created";
    e.ts_ms = 1'700'000'000'000 + i;
    e.lead_id = "L" + std::to_string(i);
    c.events.push_back(e);
  }
  return c;
}

std::int64_t count_events(Database& db) {
  std::int64_t n = 0;
  db.query("SELECT COUNT(*) FROM events", {}, [&](const sdk::Row& r) { n = r.int64(0); });
  return n;
}

// The writer asks for the hooks once per transaction, so counting those calls counts
// transactions; a slow hook lets the other writers queue behind the leader.
TEST(ChunkWriter, ConcurrentChunksShareTransactionsAndEachEventIsAppliedOnce) {
  TempDatabase tmp("sqlite");
  std::mutex m;
  std::multiset<std::string> applied;
  std::atomic<int> calls{0};
  auto hook = [&](const sdk::IngestBatch& b, sdk::SqlWriter&) {
    ++calls;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // others queue meanwhile
    std::lock_guard lock(m);
    for (const auto& e : *b.events) applied.insert(e.id);
  };
  std::atomic<int> transactions{0};
  auto hooks = [&] {
    ++transactions;  // the writer asks for the hooks once per transaction
    return std::vector<sdk::IngestHook>{hook};
  };
  ChunkWriter writer(tmp.db(), hooks, nullptr, true, 16000);
  constexpr int kWriters = 4, kRounds = 20, kEvents = 50;
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w)
    threads.emplace_back([&, w] {
      for (int r = 0; r < kRounds; ++r) {
        IngestChunk c = make_chunk("acme", w, r, kEvents);
        writer.write(c);
        EXPECT_EQ(c.fresh.size(), static_cast<std::size_t>(kEvents));
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(count_events(tmp.db()), kWriters * kRounds * kEvents);
  EXPECT_EQ(applied.size(), static_cast<std::size_t>(kWriters * kRounds * kEvents));
  EXPECT_EQ(std::set<std::string>(applied.begin(), applied.end()).size(), applied.size());
  EXPECT_EQ(calls.load(), kWriters * kRounds);
  EXPECT_LT(transactions.load(), kWriters * kRounds) << "no two chunks ever shared a transaction";
}

TEST(ChunkWriter, AFailingChunkFailsAloneAndLeavesNothing) {
  TempDatabase tmp("sqlite");
  auto hook = [](const sdk::IngestBatch& b, sdk::SqlWriter&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    if (b.tenant_id == "bad") throw std::runtime_error("this tenant's hook fails");
  };
  ChunkWriter writer(
      tmp.db(), [&] { return std::vector<sdk::IngestHook>{hook}; }, nullptr, true, 16000);
  std::atomic<int> failures{0}, successes{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w)
    threads.emplace_back([&, w] {
      for (int r = 0; r < 10; ++r) {
        IngestChunk c = make_chunk(w == 0 ? "bad" : "good", w, r, 20);
        try {
          writer.write(c);
          ++successes;
        } catch (const std::runtime_error&) {
          ++failures;
        }
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 10);
  EXPECT_EQ(successes.load(), 30);
  std::int64_t bad = -1;
  tmp.db().query("SELECT COUNT(*) FROM events WHERE tenant_id = 'bad'", {},
                 [&](const sdk::Row& r) { bad = r.int64(0); });
  EXPECT_EQ(bad, 0);
  EXPECT_EQ(count_events(tmp.db()), 30 * 20);
}

TEST(ChunkWriter, DuplicatesAcrossChunksOfOneGroupCountOnce) {
  TempDatabase tmp("sqlite");
  ChunkWriter writer(tmp.db(), nullptr, nullptr, true, 16000);
  std::atomic<std::size_t> fresh{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w)
    threads.emplace_back([&] {
      IngestChunk c = make_chunk("acme", 0, 0, 100);  // the same ids from every thread
      writer.write(c);
      fresh += c.fresh.size();
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(fresh.load(), 100u);
  EXPECT_EQ(count_events(tmp.db()), 100);
}

}  // namespace
}  // namespace zaplify::core
