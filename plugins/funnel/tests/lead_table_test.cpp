// The lead table against a std::map holding the same ids: growth, first-seen order, odd ids.

#include "lead_table.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

namespace zaplify::funnel {
namespace {

struct Counter {
  std::int64_t hits = 0;
  std::int32_t first = -1;
};

TEST(LeadTable, MatchesAMapThroughGrowth) {
  LeadTable<Counter> table;
  std::map<std::string, std::int64_t> want;
  std::vector<std::string> first_seen;
  std::mt19937 rng(3);
  // 20k lookups over 5k ids (the table grows from 1,024 slots several times), including the empty
  // id, ids that are prefixes of each other and one id larger than an arena block.
  std::vector<std::string> ids = {
      "", "a", "ab", "abc", std::string(100'000, 'x'), std::string(3, '\0')};
  for (int i = 0; i < 5000; ++i) ids.push_back("lead-" + std::to_string(i));
  for (int i = 0; i < 20'000; ++i) {
    const std::string& id = ids[rng() % ids.size()];
    Counter& c = table.find_or_add(id);
    if (c.first < 0) {
      c.first = static_cast<std::int32_t>(first_seen.size());
      first_seen.push_back(id);
    }
    ++c.hits;
    ++want[id];
  }
  EXPECT_EQ(table.size(), want.size());
  std::size_t i = 0;
  table.for_each([&](std::string_view id, const Counter& c) {
    ASSERT_LT(i, first_seen.size());
    EXPECT_EQ(id, first_seen[i]);
    EXPECT_EQ(c.first, static_cast<std::int32_t>(i));
    EXPECT_EQ(c.hits, want[std::string(id)]);
    ++i;
  });
  EXPECT_EQ(i, want.size());
}

}  // namespace
}  // namespace zaplify::funnel
