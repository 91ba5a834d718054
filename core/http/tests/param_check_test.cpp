#include "http/param_check.h"

#include <gtest/gtest.h>

namespace zaplify::core {
namespace {

using Query = std::map<std::string, std::string>;

sdk::ParamSpec limit_param() {
  sdk::ParamSpec p{"limit", sdk::ParamLocation::Query, "integer", false, "rows", "20", {}};
  p.minimum = 1;
  p.maximum = 100;
  return p;
}

// The 400's field, or "" when the check passed.
std::string rejected_field(const std::vector<sdk::ParamSpec>& params, Query query, const Query& path = {}) {
  try {
    check_declared_params(params, query, path);
    return "";
  } catch (const sdk::HttpError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.code(), "invalid_parameter");
    return e.field();
  }
}

TEST(ParamCheck, AppliesTheDefaultOfAnAbsentParameter) {
  Query q;
  check_declared_params({limit_param()}, q, {});
  EXPECT_EQ(q.at("limit"), "20");
}

TEST(ParamCheck, RejectsIntegersThatAreNotOrOutOfRange) {
  for (const char* bad : {"abc", "", "1.5", "10x", " 5", "0", "-5", "101", "99999999999999999999", "0x10", "+7"})
    EXPECT_EQ(rejected_field({limit_param()}, {{"limit", bad}}), "limit") << bad;
  for (const char* good : {"1", "100", "050"})
    EXPECT_EQ(rejected_field({limit_param()}, {{"limit", good}}), "") << good;
}

TEST(ParamCheck, NumbersAreFiniteDecimals) {
  sdk::ParamSpec p{"threshold", sdk::ParamLocation::Query, "number", false, "", "", {}};
  p.minimum = 0;
  for (const char* bad : {"nan", "inf", "1e999", "-0.5", "0x1p3", "1,5"})
    EXPECT_EQ(rejected_field({p}, {{"threshold", bad}}), "threshold") << bad;
  for (const char* good : {"0", "2.5", "1e3"}) EXPECT_EQ(rejected_field({p}, {{"threshold", good}}), "") << good;
}

TEST(ParamCheck, BooleansEnumsAndRequiredParameters) {
  sdk::ParamSpec flag{"warm", sdk::ParamLocation::Query, "boolean", false, "", "", {}};
  EXPECT_EQ(rejected_field({flag}, {{"warm", "yes"}}), "warm");
  EXPECT_EQ(rejected_field({flag}, {{"warm", "true"}}), "");
  sdk::ParamSpec format{"format", sdk::ParamLocation::Query, "string", true, "", "", {"csv", "json"}};
  EXPECT_EQ(rejected_field({format}, {}), "format");
  EXPECT_EQ(rejected_field({format}, {{"format", ""}}), "format");
  EXPECT_EQ(rejected_field({format}, {{"format", "xml"}}), "format");
  EXPECT_EQ(rejected_field({format}, {{"format", "csv"}}), "");
}

TEST(ParamCheck, PathParametersAreCheckedAndUndeclaredOnesPass) {
  sdk::ParamSpec id{"n", sdk::ParamLocation::Path, "integer", true, "", "", {}};
  EXPECT_EQ(rejected_field({id}, {}, {{"n", "x"}}), "n");
  EXPECT_EQ(rejected_field({id}, {{"other", "anything"}}, {{"n", "3"}}), "");
}

}  // namespace
}  // namespace zaplify::core
