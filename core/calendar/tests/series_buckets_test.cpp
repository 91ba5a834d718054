// sdk::SeriesBuckets (sdk/series.h) on the host's calendar: every bucket of W in order, named by
// its local start, empty ones included; a timestamp finds its bucket, the window's edges hold.

#include "zaplify/sdk/series.h"

#include <gtest/gtest.h>

#include "calendar/calendar.h"

namespace zaplify::core {
namespace {

using nlohmann::json;
constexpr std::int64_t kHour = 3'600'000, kDay = 24 * kHour;

TEST(SeriesBuckets, DaysInAZoneWithEmptyOnesAndEdges) {
  const SystemCalendar calendar;
  // 2026-11-20T12:00Z .. 2026-11-23T03:00Z in São Paulo (UTC-3): local days 20, 21, 22, 23 (the
  // last one starts at 03:00Z, which W excludes, so it is not a bucket).
  const std::int64_t from = 1'795'176'000'000;  // 2026-11-20T12:00:00Z
  const sdk::Window w{from, from + 2 * kDay + 15 * kHour, "America/Sao_Paulo", sdk::Interval::Day};
  const sdk::SeriesBuckets buckets(calendar, w);
  ASSERT_TRUE(buckets.requested());
  ASSERT_EQ(buckets.size(), 3u);
  EXPECT_EQ(buckets.from_ms(0), from);  // the first bucket starts before W: clipped
  EXPECT_EQ(buckets.starts()[0], from - 9 * kHour);
  EXPECT_EQ(buckets.to_ms(2), w.to_ms);
  EXPECT_EQ(buckets.index_of(from - 1), std::nullopt);
  EXPECT_EQ(buckets.index_of(from), 0u);
  EXPECT_EQ(buckets.index_of(from + 15 * kHour - 1), 0u);
  EXPECT_EQ(buckets.index_of(from + 15 * kHour), 1u);
  EXPECT_EQ(buckets.index_of(w.to_ms - 1), 2u);
  EXPECT_EQ(buckets.index_of(w.to_ms), std::nullopt);
  std::vector<int> counts(buckets.size(), 0);
  counts[1] = 4;  // buckets 0 and 2 empty: still listed
  const json series = buckets.to_json([&](std::size_t i) { return json{{"n", counts[i]}}; });
  EXPECT_EQ(series, json::parse(R"([
    {"bucket": "2026-11-20T00:00:00-03:00", "n": 0},
    {"bucket": "2026-11-21T00:00:00-03:00", "n": 4},
    {"bucket": "2026-11-22T00:00:00-03:00", "n": 0}])"));
}

TEST(SeriesBuckets, NoIntervalNoSeries) {
  const SystemCalendar calendar;
  const sdk::Window w{0, kDay, "UTC", sdk::Interval::None};
  const sdk::SeriesBuckets buckets(calendar, w);
  EXPECT_FALSE(buckets.requested());
  EXPECT_EQ(buckets.size(), 0u);
  EXPECT_EQ(buckets.index_of(10), std::nullopt);
  EXPECT_EQ(buckets.to_json([](std::size_t) { return json::object(); }), json::array());
}

}  // namespace
}  // namespace zaplify::core
