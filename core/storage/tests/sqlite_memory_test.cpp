// database.sqlite_cache_mb bounds SQLite's memory for all pooled connections together: without the
// bound each connection's page cache (32 MiB) fills on its own as the data grows.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "storage/database.h"

namespace zaplify::core {
namespace {

TEST(SqliteMemory, PageCachesOfAllConnectionsStayUnderTheConfiguredBound) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("zaplify_sqlite_mem_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  constexpr int kBoundMb = 4;
  {
    Database db(DatabaseSettings{"sqlite3://" + (dir / "m.db").string(), 4, "normal", kBoundMb});
    db.write([](sdk::SqlWriter& w) {
      w.execute("CREATE TABLE blobs (id BIGINT PRIMARY KEY, body TEXT)", {});
      const std::string body(400, 'x');
      for (std::int64_t i = 0; i < 60'000; ++i)
        w.execute("INSERT INTO blobs VALUES (?, ?)", {i, body});
    });
    // ~27 MB of pages: four connections scanning it would cache ~100 MB without the bound.
    std::vector<std::thread> readers;
    std::vector<std::int64_t> totals(4, 0);
    for (int t = 0; t < 4; ++t)
      readers.emplace_back([&, t] {
        for (int pass = 0; pass < 2; ++pass)
          db.query("SELECT LENGTH(body) FROM blobs", {},
                   [&](const sdk::Row& r) { totals[static_cast<std::size_t>(t)] += r.int64(0); });
      });
    for (auto& r : readers) r.join();
    for (auto total : totals) EXPECT_EQ(total, 2 * 60'000 * 400);  // every row read, twice
    const auto used_mb = static_cast<double>(sqlite3_memory_used()) / (1 << 20);
    EXPECT_LT(used_mb, kBoundMb + 2.0) << "SQLite holds " << used_mb << " MiB";
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace zaplify::core
