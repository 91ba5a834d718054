#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "row_writers.h"
#include "test_support.h"

namespace zaplify::exporting {
namespace {

using sdk::ColumnType;
using sdk::Value;
using testing::RecordingSink;

const std::vector<sdk::Column> kColumns = {{"id", ColumnType::Integer, ""},
                                           {"name", ColumnType::String, ""},
                                           {"score", ColumnType::Number, ""},
                                           {"day", ColumnType::Date, ""},
                                           {"active", ColumnType::Boolean, ""}};

// The reference: what nlohmann builds from the same cells (NULL and non-finite → null).
nlohmann::json reference_row(const std::vector<Value>& cells) {
  nlohmann::json row = nlohmann::json::object();
  for (std::size_t i = 0; i < kColumns.size(); ++i) {
    const Value& v = cells[i];
    nlohmann::json j;
    if (kColumns[i].type == ColumnType::Boolean && !sdk::is_null(v))
      j = std::get<std::int64_t>(v) != 0;
    else if (auto* n = std::get_if<std::int64_t>(&v))
      j = *n;
    else if (auto* d = std::get_if<double>(&v))
      j = std::isfinite(*d) ? nlohmann::json(*d) : nlohmann::json();
    else if (auto* s = std::get_if<std::string>(&v))
      j = *s;
    row[kColumns[i].name] = j;
  }
  return row;
}

std::vector<std::vector<Value>> sample_rows() {
  const double inf = std::numeric_limits<double>::infinity();
  return {
      {Value{std::int64_t{1}}, Value{std::string("plain")}, Value{0.1},
       Value{std::string("2026-11-01")}, Value{std::int64_t{1}}},
      {Value{std::int64_t{-9223372036854775807 - 1}},
       Value{std::string("quote \" backslash \\ slash /")}, Value{1.0 / 3.0}, Value{},
       Value{std::int64_t{0}}},
      {Value{std::int64_t{3}}, Value{std::string("ctl \n\r\t\b\f \x01\x1f end")}, Value{-inf},
       Value{}, Value{}},
      {Value{std::int64_t{4}}, Value{std::string("emoji 😀 ação 中文")},
       Value{std::numeric_limits<double>::quiet_NaN()}, Value{}, Value{}},
      {Value{std::int64_t{5}}, Value{}, Value{1e300}, Value{}, Value{std::int64_t{1}}},
      {Value{std::int64_t{6}}, Value{std::string("")}, Value{std::int64_t{7}}, Value{}, Value{}},
  };
}

TEST(JsonWriter, OutputParsesBackToTheRows) {
  RecordingSink sink;
  JsonWriter writer(kColumns, sink);
  nlohmann::json expected = nlohmann::json::array();
  for (const auto& r : sample_rows()) {
    writer.row(r);
    expected.push_back(reference_row(r));
  }
  writer.finish();
  nlohmann::json parsed = nlohmann::json::parse(sink.all());
  EXPECT_EQ(parsed, expected);
  EXPECT_TRUE(parsed[0]["id"].is_number_integer());
  EXPECT_EQ(parsed[1]["id"].get<std::int64_t>(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(parsed[0]["score"].get<double>(), 0.1);
  EXPECT_EQ(parsed[1]["score"].get<double>(), 1.0 / 3.0);
}

TEST(JsonWriter, RandomTextAlwaysYieldsValidJson) {
  std::mt19937 rng(11);
  RecordingSink sink;
  JsonWriter writer({{"t", ColumnType::String, ""}}, sink, 512);
  std::vector<std::string> texts;
  for (int i = 0; i < 2000; ++i) {
    std::string s(rng() % 40, '\0');
    for (auto& c : s) c = static_cast<char>(rng() % 256);  // arbitrary bytes, invalid UTF-8 too
    texts.push_back(s);
    writer.row({Value{s}});
  }
  writer.finish();
  nlohmann::json parsed;
  ASSERT_NO_THROW(parsed = nlohmann::json::parse(sink.all()));
  ASSERT_EQ(parsed.size(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    bool ascii = true;
    for (char c : texts[i]) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    if (ascii) {
      EXPECT_EQ(parsed[i]["t"].get<std::string>(), texts[i]) << i;  // exact when valid
    }
  }
}

TEST(JsonWriter, EmptyExportIsAnEmptyArray) {
  RecordingSink sink;
  JsonWriter writer(kColumns, sink);
  writer.finish();
  EXPECT_EQ(nlohmann::json::parse(sink.all()), nlohmann::json::array());
}

TEST(JsonWriter, ShortRowsArePaddedWithNull) {
  RecordingSink sink;
  JsonWriter writer(kColumns, sink);
  writer.row({Value{std::int64_t{1}}});
  writer.finish();
  auto parsed = nlohmann::json::parse(sink.all());
  EXPECT_EQ(parsed[0]["id"], 1);
  EXPECT_TRUE(parsed[0]["name"].is_null());
  EXPECT_TRUE(parsed[0]["active"].is_null());
}

}  // namespace
}  // namespace zaplify::exporting
