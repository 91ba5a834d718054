#include <gtest/gtest.h>

#include "calendar/rfc3339.h"

namespace zaplify::core {
namespace {

// 2026-11-20T00:00:00Z computed by hand: 20,777 days after 1970-01-01
// (56 years: 14 leap days from 1972..2024 → 56*365 + 14 = 20,454; Jan..Oct 2026 = 304 days; +19).
constexpr std::int64_t kNov20 = 20777ll * 86400000;

std::int64_t parse(const char* s) {
  std::int64_t ms = 0;
  EXPECT_TRUE(parse_rfc3339_ms(s, ms)) << s;
  return ms;
}

bool rejects(const char* s) {
  std::int64_t ms = 0;
  return !parse_rfc3339_ms(s, ms);
}

TEST(Rfc3339, OffsetsAndFractions) {
  EXPECT_EQ(parse("2026-11-20T00:00:00Z"), kNov20);
  EXPECT_EQ(parse("2026-11-20T14:03:00.250-03:00"), kNov20 + (17 * 3600 + 3 * 60) * 1000ll + 250);
  EXPECT_EQ(parse("2026-11-20t14:03:00z"), kNov20 + (14 * 3600 + 3 * 60) * 1000ll);
  EXPECT_EQ(parse("2026-11-20T05:30:00+05:30"), kNov20);
  EXPECT_EQ(parse("2026-11-20T00:00:00.1Z"), kNov20 + 100);
  EXPECT_EQ(parse("2026-11-20T00:00:00.123999999Z"), kNov20 + 123);  // truncated, not rounded
  EXPECT_EQ(parse("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse("1969-12-31T23:59:59.500Z"), -500);
  EXPECT_EQ(parse("2024-02-29T00:00:00Z"), (19782ll) * 86400000);
}

TEST(Rfc3339, RejectsMalformed) {
  EXPECT_TRUE(rejects("2026-02-30T00:00:00Z"));  // no Feb 30
  EXPECT_TRUE(rejects("2025-02-29T00:00:00Z"));  // not a leap year
  EXPECT_TRUE(rejects("2026-11-20T24:00:00Z"));  // hour 24
  EXPECT_TRUE(rejects("2026-11-20T23:60:00Z"));
  EXPECT_TRUE(rejects("2026-11-20T23:59:60Z"));  // leap seconds are refused
  EXPECT_TRUE(rejects("2026-11-20T14:03:00"));   // missing offset
  EXPECT_TRUE(rejects("2026-11-20"));
  EXPECT_TRUE(rejects("2026-11-20 14:03:00Z"));
  EXPECT_TRUE(rejects("2026-11-20T14:03:00.Z"));
  EXPECT_TRUE(rejects("2026-11-20T14:03:00+0300"));
  EXPECT_TRUE(rejects("2026-11-20T14:03:00+24:00"));
  EXPECT_TRUE(rejects("2026-13-01T00:00:00Z"));
  EXPECT_TRUE(rejects("2026-00-01T00:00:00Z"));
  EXPECT_TRUE(rejects("2026-11-20T14:03:00Zjunk"));
  EXPECT_TRUE(rejects("+2026-11-20T14:03:00Z"));
  EXPECT_TRUE(rejects(""));
}

}  // namespace
}  // namespace zaplify::core
