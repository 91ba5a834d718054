#include "http/param_check.h"

#include <stdexcept>

#include "routing/param_patterns.h"

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
std::string rejected_field(const std::vector<sdk::ParamSpec>& params, Query query,
                           const Query& path = {}) {
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
  for (const char* bad :
       {"abc", "", "1.5", "10x", " 5", "0", "-5", "101", "99999999999999999999", "0x10", "+7"})
    EXPECT_EQ(rejected_field({limit_param()}, {{"limit", bad}}), "limit") << bad;
  for (const char* good : {"1", "100", "050"})
    EXPECT_EQ(rejected_field({limit_param()}, {{"limit", good}}), "") << good;
}

TEST(ParamCheck, NumbersAreFiniteDecimals) {
  sdk::ParamSpec p{"threshold", sdk::ParamLocation::Query, "number", false, "", "", {}};
  p.minimum = 0;
  for (const char* bad : {"nan", "inf", "1e999", "-0.5", "0x1p3", "1,5"})
    EXPECT_EQ(rejected_field({p}, {{"threshold", bad}}), "threshold") << bad;
  for (const char* good : {"0", "2.5", "1e3"})
    EXPECT_EQ(rejected_field({p}, {{"threshold", good}}), "") << good;
}

TEST(ParamCheck, BooleansEnumsAndRequiredParameters) {
  sdk::ParamSpec flag{"warm", sdk::ParamLocation::Query, "boolean", false, "", "", {}};
  EXPECT_EQ(rejected_field({flag}, {{"warm", "yes"}}), "warm");
  EXPECT_EQ(rejected_field({flag}, {{"warm", "true"}}), "");
  sdk::ParamSpec format{"format",       sdk::ParamLocation::Query, "string", true, "", "",
                        {"csv", "json"}};
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

TEST(ParamCheck, StringsRespectMaxLengthInCharactersAndTheirPattern) {
  sdk::ParamSpec code{"code", sdk::ParamLocation::Query, "string", false, "A campaign code", "",
                      {}};
  code.max_length = 5;
  code.pattern = "[A-Z]{2}-[0-9]+";
  for (const char* bad : {"AB-123", "ab-12", "AB12", "", "AB-1\n", "xAB-1"})
    EXPECT_EQ(rejected_field({code}, {{"code", bad}}), "code") << bad;
  for (const char* good : {"AB-1", "ZZ-99"})
    EXPECT_EQ(rejected_field({code}, {{"code", good}}), "") << good;
  sdk::ParamSpec name{"name", sdk::ParamLocation::Query, "string", false, "", "", {}};
  name.max_length = 3;
  EXPECT_EQ(rejected_field({name}, {{"name", "ção"}}), "");  // 3 characters, 5 bytes
  EXPECT_EQ(rejected_field({name}, {{"name", "ções"}}), "name");
}

TEST(ParamCheck, AnInvalidPatternFailsWhenTheRouteIsRegistered) {
  sdk::ParamSpec bad{"q", sdk::ParamLocation::Query, "string", false, "", "", {}};
  bad.pattern = "([a-z";
  try {
    compile_param_patterns({bad});
    ADD_FAILURE() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("parameter q"), std::string::npos) << e.what();
  }
}

TEST(ParamCheck, TypedGettersConvertWhatTheHostChecked) {
  sdk::Request r;
  r.query = {{"days", "7"}, {"flag", "true"}, {"bad", "x"}};
  EXPECT_EQ(r.integer("days"), 7);
  EXPECT_EQ(r.integer("absent"), std::nullopt);
  EXPECT_EQ(r.boolean("flag"), true);
  EXPECT_THROW(r.integer("bad"), sdk::HttpError);
  EXPECT_THROW(r.boolean("bad"), sdk::HttpError);
}

}  // namespace
}  // namespace zaplify::core
