#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "row_writers.h"
#include "test_support.h"

namespace zaplify::exporting {
namespace {

using sdk::ColumnType;
using sdk::Value;
using testing::parse_csv;
using testing::RecordingSink;

const std::vector<std::string> kTrickyTexts = {"plain",
                                               "with \"quotes\"",
                                               "a,b,c",
                                               "line1\nline2",
                                               "cr\rinside",
                                               "crlf\r\nend",
                                               "=SUM(A1:A9)",
                                               "+55 11 99999",
                                               "-2+3",
                                               "@cmd",
                                               "\tindented",
                                               "\rstarts with CR",
                                               "emoji 😀 ação",
                                               "",
                                               "'already",
                                               " spaced ",
                                               "=\"quoted\",formula",
                                               "trailing,"};

// What a spreadsheet should show for a text cell: the guard quote before formula starters.
std::string guarded(const std::string& s) {
  if (!s.empty() && std::string("=+-@\t\r").find(s[0]) != std::string::npos) return "'" + s;
  return s;
}

TEST(CsvWriter, TrickyTextCellsRoundTripThroughAnRfc4180Parser) {
  RecordingSink sink;
  CsvWriter writer({{"id", ColumnType::Integer, ""}, {"text", ColumnType::String, ""}}, sink);
  for (std::size_t i = 0; i < kTrickyTexts.size(); ++i)
    writer.row({Value{static_cast<std::int64_t>(i)}, Value{kTrickyTexts[i]}});
  writer.row({Value{std::int64_t{99}}, Value{}});  // NULL
  writer.finish();

  auto records = parse_csv(sink.all());
  ASSERT_EQ(records.size(), kTrickyTexts.size() + 2);
  ASSERT_EQ(records[0].size(), 2u);
  EXPECT_EQ(records[0][0].text, "id");
  EXPECT_EQ(records[0][1].text, "text");
  for (std::size_t i = 0; i < kTrickyTexts.size(); ++i) {
    const auto& r = records[i + 1];
    ASSERT_EQ(r.size(), 2u) << i;
    EXPECT_EQ(r[0].text, std::to_string(i));
    EXPECT_EQ(r[1].text, guarded(kTrickyTexts[i])) << "cell " << i;
  }
  EXPECT_TRUE(records[1 + 13][1].quoted) << "the empty string is written \"\"";
  EXPECT_EQ(records.back()[1].text, "");
  EXPECT_FALSE(records.back()[1].quoted) << "NULL is an empty unquoted field";
}

TEST(CsvWriter, NumbersDatesAndBooleansAreNotGuarded) {
  RecordingSink sink;
  CsvWriter writer({{"n", ColumnType::Integer, ""},
                    {"x", ColumnType::Number, ""},
                    {"d", ColumnType::Date, ""},
                    {"ts", ColumnType::Timestamp, ""},
                    {"ok", ColumnType::Boolean, ""}},
                   sink);
  writer.row({Value{std::int64_t{-42}}, Value{-0.125}, Value{std::string("2026-11-01")},
              Value{std::string("2026-11-01T10:00:00-03:00")}, Value{std::int64_t{1}}});
  writer.row({Value{std::int64_t{9007199254740993}},
              Value{std::numeric_limits<double>::quiet_NaN()}, Value{}, Value{},
              Value{std::int64_t{0}}});
  writer.row({Value{std::string("-7")}, Value{std::string("=1+1")}, Value{}, Value{}, Value{}});
  writer.finish();
  auto rec = parse_csv(sink.all());
  ASSERT_EQ(rec.size(), 4u);
  EXPECT_EQ(rec[1][0].text, "-42");
  EXPECT_EQ(std::stod(rec[1][1].text), -0.125);
  EXPECT_EQ(rec[1][2].text, "2026-11-01");
  EXPECT_EQ(rec[1][3].text, "2026-11-01T10:00:00-03:00");
  EXPECT_EQ(rec[1][4].text, "true");
  EXPECT_EQ(rec[2][0].text, "9007199254740993") << "64-bit integers keep every digit";
  EXPECT_EQ(rec[2][1].text, "") << "NaN is written as NULL";
  EXPECT_FALSE(rec[2][1].quoted);
  EXPECT_EQ(rec[2][4].text, "false");
  EXPECT_EQ(rec[3][0].text, "-7") << "numeric text in a number column is a number";
  EXPECT_EQ(rec[3][1].text, "'=1+1") << "non-numeric text in a number column is still guarded";
}

TEST(CsvWriter, DoublesReadBackExactly) {
  RecordingSink sink;
  CsvWriter writer({{"x", ColumnType::Number, ""}}, sink);
  const std::vector<double> values = {0.1, 1.0 / 3.0, 1e-300, 123456789.125, -2.5e21, 0.0};
  for (double v : values) writer.row({Value{v}});
  writer.finish();
  auto rec = parse_csv(sink.all());
  ASSERT_EQ(rec.size(), values.size() + 1);
  for (std::size_t i = 0; i < values.size(); ++i)
    EXPECT_EQ(std::stod(rec[i + 1][0].text), values[i]);
}

TEST(CsvWriter, InvalidUtf8BecomesTheReplacementCharacter) {
  RecordingSink sink;
  CsvWriter writer({{"t", ColumnType::String, ""}}, sink);
  writer.row({Value{std::string("ok\xff\xc3(end")}});
  writer.row({Value{std::string("\xed\xa0\x80 surrogate")}});
  writer.finish();
  auto rec = parse_csv(sink.all());
  EXPECT_EQ(rec[1][0].text, "ok\xEF\xBF\xBD\xEF\xBF\xBD(end");
  EXPECT_EQ(rec[2][0].text, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD surrogate");
}

TEST(CsvWriter, WritesInChunksWithoutChangingTheBytes) {
  const std::vector<sdk::Column> cols = {{"i", ColumnType::Integer, ""},
                                         {"s", ColumnType::String, ""}};
  RecordingSink small_sink, big_sink;
  CsvWriter small(cols, small_sink, 256);
  CsvWriter big(cols, big_sink, 1 << 30);
  std::size_t longest_row = 0;
  for (std::int64_t i = 0; i < 2000; ++i) {
    std::string s = "row " + std::to_string(i) + std::string(static_cast<std::size_t>(i % 50), 'x');
    longest_row = std::max(longest_row, s.size() + 32);
    small.row({Value{i}, Value{s}});
    big.row({Value{i}, Value{s}});
  }
  small.finish();
  big.finish();
  EXPECT_EQ(small_sink.all(), big_sink.all());
  EXPECT_EQ(big_sink.chunks.size(), 1u);
  EXPECT_GT(small_sink.chunks.size(), 100u);
  for (const auto& c : small_sink.chunks) EXPECT_LT(c.size(), 256 + longest_row);
  EXPECT_EQ(parse_csv(small_sink.all()).size(), 2001u);
}

TEST(CsvWriter, EmptyExportIsTheHeaderAlone) {
  RecordingSink sink;
  CsvWriter writer({{"a b", ColumnType::String, ""}, {"c,d", ColumnType::String, ""}}, sink);
  writer.finish();
  auto rec = parse_csv(sink.all());
  ASSERT_EQ(rec.size(), 1u);
  EXPECT_EQ(rec[0][0].text, "a b");
  EXPECT_EQ(rec[0][1].text, "c,d");
}

}  // namespace
}  // namespace zaplify::exporting
