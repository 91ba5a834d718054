// libFuzzer target: a small table derived from the input goes through the export plugin's real
// CsvWriter and JsonWriter; the output is parsed back (strict RFC 4180 parser, nlohmann) and every
// cell must be what README.md promises: NULL vs "", the formula guard on text cells, invalid UTF-8
// as U+FFFD, numbers that read back exactly, chunks of at least chunk_bytes. Any difference aborts.
//
// Input format (so the seeds can be written by hand): records split by 0x1E, cells by 0x1F. The
// first record declares the columns, one cell each: a type letter (s i n t d b) then the name.
// Each later record is a row; a cell is N (NULL), I<int>, D<double> (text, or 8 raw bytes),
// S<text>, or any other bytes taken whole as text. The chunk size comes from the input length.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "row_writers.h"
#include "test_support.h"

namespace {

using zaplify::exporting::testing::CsvField;
using zaplify::exporting::testing::CsvRecord;
using zaplify::sdk::Column;
using zaplify::sdk::ColumnType;
using zaplify::sdk::Value;

constexpr std::size_t kMaxColumns = 12;
constexpr std::size_t kMaxRows = 64;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "invariant violated: %s\n", what);
  std::abort();
}
#define FUZZ_CHECK(cond) \
  if (!(cond)) fail(#cond)

struct Table {
  std::vector<Column> columns;
  std::vector<std::vector<Value>> rows;  // may hold fewer or more cells than columns
};

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (;;) {
    std::size_t at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + 1);
  }
}

ColumnType column_type(char c) {
  switch (c) {
    case 'i':
      return ColumnType::Integer;
    case 'n':
      return ColumnType::Number;
    case 't':
      return ColumnType::Timestamp;
    case 'd':
      return ColumnType::Date;
    case 'b':
      return ColumnType::Boolean;
    default:
      return ColumnType::String;
  }
}

Value cell_value(std::string_view cell) {
  if (cell == "N") return Value{};
  const char kind = cell.empty() ? 'S' : cell.front();
  std::string_view payload = cell.substr(cell.empty() ? 0 : 1);
  if (kind == 'I') {
    std::int64_t v = 0;
    std::memcpy(&v, payload.data(), std::min(payload.size(), sizeof v));
    std::from_chars(payload.data(), payload.data() + payload.size(), v);
    return Value{v};
  }
  if (kind == 'D') {
    double v = 0;
    auto [p, ec] = std::from_chars(payload.data(), payload.data() + payload.size(), v);
    if ((ec != std::errc() || p != payload.data() + payload.size()) && payload.size() >= sizeof v)
      std::memcpy(&v, payload.data(), sizeof v);  // raw bits: NaN payloads, infinities, denormals
    return Value{v};
  }
  if (kind == 'S') return Value{std::string(payload)};
  return Value{std::string(cell)};
}

Table table_from(std::string_view input) {
  Table t;
  auto records = split(input, '\x1e');
  for (std::string_view spec : split(records[0], '\x1f')) {
    if (t.columns.size() == kMaxColumns) break;
    Column c;
    c.type = column_type(spec.empty() ? 's' : spec.front());
    c.name = std::string(spec.substr(spec.empty() ? 0 : 1));
    t.columns.push_back(std::move(c));
  }
  for (std::size_t r = 1; r < records.size() && t.rows.size() < kMaxRows; ++r) {
    std::vector<Value> row;
    for (std::string_view cell : split(records[r], '\x1f'))
      if (row.size() <= kMaxColumns) row.push_back(cell_value(cell));
    t.rows.push_back(std::move(row));
  }
  return t;
}

// ---- The promises of README.md, written independently of text_encoding.cpp ----

// Length of the well-formed UTF-8 sequence at s[i] per RFC 3629 (Unicode table 3-7), else 0.
std::size_t well_formed_length(std::string_view s, std::size_t i) {
  struct Row {
    unsigned char lead_lo, lead_hi, second_lo, second_hi;
    std::size_t length;
  };
  static constexpr Row kTable[] = {{0xC2, 0xDF, 0x80, 0xBF, 2}, {0xE0, 0xE0, 0xA0, 0xBF, 3},
                                   {0xE1, 0xEC, 0x80, 0xBF, 3}, {0xED, 0xED, 0x80, 0x9F, 3},
                                   {0xEE, 0xEF, 0x80, 0xBF, 3}, {0xF0, 0xF0, 0x90, 0xBF, 4},
                                   {0xF1, 0xF3, 0x80, 0xBF, 4}, {0xF4, 0xF4, 0x80, 0x8F, 4}};
  const auto lead = static_cast<unsigned char>(s[i]);
  for (const Row& row : kTable) {
    if (lead < row.lead_lo || lead > row.lead_hi) continue;
    if (i + row.length > s.size()) return 0;
    const auto second = static_cast<unsigned char>(s[i + 1]);
    if (second < row.second_lo || second > row.second_hi) return 0;
    for (std::size_t k = 2; k < row.length; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
    return row.length;
  }
  return 0;
}

// "Invalid UTF-8 bytes become U+FFFD": each byte that does not start a well-formed sequence.
std::string as_utf8(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      out += s[i++];
    } else if (std::size_t n = well_formed_length(s, i)) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

bool is_utf8(std::string_view s) { return as_utf8(s) == s; }

bool truthy(const Value& v) {  // booleans arrive as 0/1 (sdk/data_source.h), or as text
  if (auto* i = std::get_if<std::int64_t>(&v)) return *i != 0;
  if (auto* d = std::get_if<double>(&v)) return *d != 0.0;
  if (auto* s = std::get_if<std::string>(&v)) return *s == "true" || *s == "1";
  return false;
}

bool whole_number_text(const std::string& s) {
  double d = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  return !s.empty() && ec == std::errc() && p == s.data() + s.size();
}

const Value& cell_at(const std::vector<Value>& row, std::size_t i) {
  static const Value kNull{};
  return i < row.size() ? row[i] : kNull;
}

// ---- CSV ----

void check_csv_text(const CsvField& f, const std::string& s, bool text_cell) {
  const bool guard =
      text_cell && !s.empty() && std::string_view("=+-@\t\r").find(s[0]) != std::string_view::npos;
  FUZZ_CHECK(f.text == (guard ? "'" : "") + as_utf8(s));
  const bool needs_quotes = s.empty() || s.find_first_of("\",\r\n") != std::string::npos;
  FUZZ_CHECK(f.quoted == needs_quotes);
}

void check_csv_cell(const CsvField& f, const Value& v, ColumnType type) {
  if (zaplify::sdk::is_null(v)) {
    FUZZ_CHECK(f.text.empty() && !f.quoted);
  } else if (type == ColumnType::Boolean) {
    FUZZ_CHECK(f.text == (truthy(v) ? "true" : "false") && !f.quoted);
  } else if (auto* i = std::get_if<std::int64_t>(&v)) {
    FUZZ_CHECK(f.text == std::to_string(*i) && !f.quoted);
  } else if (auto* d = std::get_if<double>(&v)) {
    FUZZ_CHECK(!f.quoted);
    if (!std::isfinite(*d)) {
      FUZZ_CHECK(f.text.empty());
    } else {
      FUZZ_CHECK(std::strtod(f.text.c_str(), nullptr) == *d && whole_number_text(f.text));
    }
  } else {
    const auto& s = std::get<std::string>(v);
    const bool text_cell =
        type == ColumnType::String ||
        ((type == ColumnType::Integer || type == ColumnType::Number) && !whole_number_text(s));
    check_csv_text(f, s, text_cell);
  }
}

void check_chunks(const std::vector<std::string>& chunks, std::size_t chunk_bytes) {
  FUZZ_CHECK(!chunks.empty());
  for (std::size_t i = 0; i + 1 < chunks.size(); ++i) FUZZ_CHECK(chunks[i].size() >= chunk_bytes);
  FUZZ_CHECK(!chunks.back().empty());
}

void check_csv(const Table& t, std::size_t chunk_bytes) {
  zaplify::exporting::testing::RecordingSink sink;
  zaplify::exporting::CsvWriter writer(t.columns, sink, chunk_bytes);
  for (const auto& row : t.rows) writer.row(row);
  writer.finish();
  FUZZ_CHECK(writer.rows_written() == t.rows.size());
  check_chunks(sink.chunks, chunk_bytes);
  const std::string doc = sink.all();
  FUZZ_CHECK(is_utf8(doc));
  std::vector<CsvRecord> records;
  try {
    records = zaplify::exporting::testing::parse_csv(doc);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "CSV output is not RFC 4180: %s\n", e.what());
    std::abort();
  }
  FUZZ_CHECK(records.size() == t.rows.size() + 1);
  FUZZ_CHECK(records[0].size() == t.columns.size());
  for (std::size_t c = 0; c < t.columns.size(); ++c)
    check_csv_text(records[0][c], t.columns[c].name, false);
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    FUZZ_CHECK(records[r + 1].size() == t.columns.size());
    for (std::size_t c = 0; c < t.columns.size(); ++c)
      check_csv_cell(records[r + 1][c], cell_at(t.rows[r], c), t.columns[c].type);
  }
}

// ---- JSON ----

nlohmann::json expected_json(const Value& v, ColumnType type) {
  if (zaplify::sdk::is_null(v)) return nullptr;
  if (type == ColumnType::Boolean) return truthy(v);
  if (auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (auto* d = std::get_if<double>(&v))
    return std::isfinite(*d) ? nlohmann::json(*d) : nlohmann::json(nullptr);
  return as_utf8(std::get<std::string>(v));
}

// Numbers compare by value: "3" reads back as an integer, "1e+21" as a double.
bool same_json(const nlohmann::json& got, const nlohmann::json& want) {
  if (want.is_number_float()) return got.is_number() && got.get<double>() == want.get<double>();
  return got == want;
}

void check_json(const Table& t, std::size_t chunk_bytes) {
  zaplify::exporting::testing::RecordingSink sink;
  zaplify::exporting::JsonWriter writer(t.columns, sink, chunk_bytes);
  for (const auto& row : t.rows) writer.row(row);
  writer.finish();
  check_chunks(sink.chunks, chunk_bytes);
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(sink.all());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "JSON output does not parse: %s\n", e.what());
    std::abort();
  }
  FUZZ_CHECK(doc.is_array() && doc.size() == t.rows.size());
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    // Repeated column names: the later cell wins, as in any JSON reader.
    std::map<std::string, nlohmann::json> want;
    for (std::size_t c = 0; c < t.columns.size(); ++c)
      want[as_utf8(t.columns[c].name)] = expected_json(cell_at(t.rows[r], c), t.columns[c].type);
    const auto& got = doc[r];
    FUZZ_CHECK(got.is_object() && got.size() == want.size());
    for (const auto& [key, value] : want)
      FUZZ_CHECK(got.contains(key) && same_json(got.at(key), value));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Table t = table_from(std::string_view(reinterpret_cast<const char*>(data), size));
  const std::size_t chunk_bytes = 1 + size % 97;  // small chunks exercise every flush point
  check_csv(t, chunk_bytes);
  check_json(t, chunk_bytes);
  return 0;
}
