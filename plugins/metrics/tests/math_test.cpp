#include <gtest/gtest.h>

#include "metrics_math.h"

namespace zaplify::metrics {
namespace {

TEST(Percentile, EmptyIsNull) { EXPECT_FALSE(percentile_sorted({}, 0.5).has_value()); }

TEST(Percentile, SingleValueIsThatValue) {
  EXPECT_DOUBLE_EQ(*percentile_sorted({42.0}, 0.5), 42.0);
  EXPECT_DOUBLE_EQ(*percentile_sorted({42.0}, 0.95), 42.0);
}

TEST(Percentile, LinearInterpolationMatchesHandComputation) {
  // n = 4: p50 at rank 1.5 → 20 + 0.5·(30−20) = 25; p95 at rank 2.85 → 30 + 0.85·(100−30) = 89.5.
  const std::vector<double> v{10, 20, 30, 100};
  EXPECT_DOUBLE_EQ(*percentile_sorted(v, 0.5), 25.0);
  EXPECT_DOUBLE_EQ(*percentile_sorted(v, 0.95), 89.5);
  // n = 5: p95 at rank 3.8 → 4 + 0.8·(5−4) = 4.8.
  EXPECT_DOUBLE_EQ(*percentile_sorted({1, 2, 3, 4, 5}, 0.95), 4.8);
}

TEST(Describe, SortsAndAverages) {
  std::vector<double> v{300, 100, 200};
  auto d = describe(v);
  EXPECT_DOUBLE_EQ(*d.avg, 200.0);
  EXPECT_DOUBLE_EQ(*d.p50, 200.0);
  EXPECT_DOUBLE_EQ(*d.p95, 290.0);  // rank 1.9 → 200 + 0.9·100
  std::vector<double> none;
  EXPECT_FALSE(describe(none).avg.has_value());
}

TEST(ChangePct, NullRules) {
  EXPECT_DOUBLE_EQ(*change_pct(120.0, 100.0), 20.0);
  EXPECT_DOUBLE_EQ(*change_pct(-5.0, -10.0), 50.0);  // divides by |y|
  EXPECT_FALSE(change_pct(5.0, 0.0).has_value());
  EXPECT_FALSE(change_pct(5.0, std::nullopt).has_value());
  EXPECT_FALSE(change_pct(std::nullopt, 3.0).has_value());
}

TEST(WithHistory, JsonShape) {
  auto j = count_with_history(3, 0);
  EXPECT_EQ(j["value"], 3);
  EXPECT_EQ(j["previous"], 0);
  EXPECT_TRUE(j["change_pct"].is_null());
  auto m = measure_with_history(0.5, std::nullopt);
  EXPECT_DOUBLE_EQ(m["value"].get<double>(), 0.5);
  EXPECT_TRUE(m["previous"].is_null());
  EXPECT_TRUE(m["change_pct"].is_null());
  EXPECT_FALSE(ratio(1, 0).has_value());
}

TEST(Buckets, IndexAndFolding) {
  const std::vector<std::int64_t> starts{0, 3'600'000, 7'200'000};
  EXPECT_EQ(bucket_index(starts, 0), 0u);
  EXPECT_EQ(bucket_index(starts, 3'599'999), 0u);
  EXPECT_EQ(bucket_index(starts, 3'600'000), 1u);
  EXPECT_EQ(bucket_index(starts, 99'000'000), 2u);
  std::vector<std::int64_t> out(3);
  fold_units(starts, 3, 5, out);   // unit 3 starts at 45 min → bucket 0
  fold_units(starts, 4, 7, out);   // 60 min → bucket 1
  fold_units(starts, 11, 1, out);  // 165 min → bucket 2
  EXPECT_EQ(out, (std::vector<std::int64_t>{5, 7, 1}));
}

}  // namespace
}  // namespace zaplify::metrics
