#include "funnel_stats.h"

#include <gtest/gtest.h>

namespace zaplify::funnel {
namespace {

TEST(FunnelStats, RatioIsNullOnZeroDenominator) {
  EXPECT_FALSE(ratio(3, 0));
  EXPECT_DOUBLE_EQ(*ratio(3, 4), 0.75);
}

TEST(FunnelStats, MedianInterpolatesBetweenMiddleRanks) {
  std::vector<std::int64_t> even{4, 1, 3, 2};  // sorted 1 2 3 4 → (2 + 3) / 2
  EXPECT_DOUBLE_EQ(*median_in_place(even), 2.5);
  std::vector<std::int64_t> odd{9, 1, 5};
  EXPECT_DOUBLE_EQ(*median_in_place(odd), 5.0);
  std::vector<std::int64_t> one{7};
  EXPECT_DOUBLE_EQ(*median_in_place(one), 7.0);
  std::vector<std::int64_t> none;
  EXPECT_FALSE(median_in_place(none));
  std::vector<double> d{0.5, 10.0, 1.0, 1.0};  // 0.5 1 1 10 → 1
  EXPECT_DOUBLE_EQ(*median_in_place(d), 1.0);
}

TEST(FunnelStats, HandCheckedTwoProportionZTest) {
  // x1=30, n1=100 (p1=0.3); x2=50, n2=100 (p2=0.5). Pooled p = 80/200 = 0.4.
  // SE = sqrt(0.4·0.6·(1/100 + 1/100)) = sqrt(0.0048) = 0.0692820323.
  // z = (0.3 − 0.5) / 0.0692820323 = −2.8867513459.
  // Two-sided p = 2·(1 − Φ(2.8867513459)) = 2·0.0019462086 = 0.0038924171.
  auto p = two_proportion_p_value(30, 100, 50, 100);
  ASSERT_TRUE(p);
  EXPECT_NEAR(*p, 0.0038924171, 1e-9);
  // The test is symmetric in its two samples.
  EXPECT_NEAR(*two_proportion_p_value(50, 100, 30, 100), 0.0038924171, 1e-9);
}

TEST(FunnelStats, IdenticalRatesGivePOne) {
  // 20/40 and 10/20 are both 0.5: z = 0, p = erfc(0) = 1.
  EXPECT_DOUBLE_EQ(*two_proportion_p_value(20, 40, 10, 20), 1.0);
}

TEST(FunnelStats, UndefinedZTestIsNull) {
  EXPECT_FALSE(two_proportion_p_value(3, 10, 0, 0));  // empty previous window
  EXPECT_FALSE(two_proportion_p_value(0, 0, 3, 10));
  EXPECT_FALSE(two_proportion_p_value(0, 10, 0, 20));    // pooled rate 0
  EXPECT_FALSE(two_proportion_p_value(10, 10, 20, 20));  // pooled rate 1
}

}  // namespace
}  // namespace zaplify::funnel
