#include "row_writers.h"

#include <charconv>
#include <cmath>
#include <string_view>
#include <type_traits>
#include <variant>

#include "text_encoding.h"

namespace zaplify::exporting {
namespace {

const sdk::Value kNull{};

const sdk::Value& cell_at(const std::vector<sdk::Value>& cells, std::size_t i) {
  return i < cells.size() ? cells[i] : kNull;
}

bool truthy(const sdk::Value& v) {
  if (auto* i = std::get_if<std::int64_t>(&v)) return *i != 0;
  if (auto* d = std::get_if<double>(&v)) return *d != 0.0;
  if (auto* s = std::get_if<std::string>(&v)) return *s == "true" || *s == "1";
  return false;
}

// A number that arrived as text (e.g. from a third party's producer) is not a formula risk.
bool reads_as_number(std::string_view s) {
  double d = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  return !s.empty() && ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

RowWriter::RowWriter(std::vector<sdk::Column> columns, sdk::ByteSink& out, std::size_t chunk_bytes)
    : columns_(std::move(columns)), out_(out), chunk_bytes_(chunk_bytes == 0 ? 1 : chunk_bytes) {
  buffer_.reserve(chunk_bytes_ + 4096);
}

void RowWriter::flush() {
  if (buffer_.empty()) return;
  out_.write(buffer_);
  buffer_.clear();
}

CsvWriter::CsvWriter(std::vector<sdk::Column> columns, sdk::ByteSink& out, std::size_t chunk_bytes)
    : RowWriter(std::move(columns), out, chunk_bytes) {
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (i) buffer_ += ',';
    append_csv_field(buffer_, columns_[i].name, /*text_cell=*/false);
  }
  buffer_ += "\r\n";
}

void CsvWriter::append_cell(const sdk::Value& v, sdk::ColumnType type) {
  using T = sdk::ColumnType;
  if (sdk::is_null(v)) return;
  if (type == T::Boolean) {
    buffer_ += truthy(v) ? "true" : "false";
    return;
  }
  std::visit(
      [&](const auto& x) {
        using X = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<X, std::int64_t>) {
          append_integer(buffer_, x);
        } else if constexpr (std::is_same_v<X, double>) {
          if (std::isfinite(x)) append_number(buffer_, x);
        } else if constexpr (std::is_same_v<X, std::string>) {
          const bool text = type == T::String ||
                            ((type == T::Integer || type == T::Number) && !reads_as_number(x));
          append_csv_field(buffer_, x, text);
        }
      },
      v);
}

void CsvWriter::row(const std::vector<sdk::Value>& cells) {
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (i) buffer_ += ',';
    append_cell(cell_at(cells, i), columns_[i].type);
  }
  buffer_ += "\r\n";
  ++rows_;
  flush_if_full();
}

void CsvWriter::finish() { flush(); }

JsonWriter::JsonWriter(std::vector<sdk::Column> columns, sdk::ByteSink& out,
                       std::size_t chunk_bytes)
    : RowWriter(std::move(columns), out, chunk_bytes) {
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    std::string key = i == 0 ? "{" : ",";
    append_json_string(key, columns_[i].name);
    key += ':';
    keys_.push_back(std::move(key));
  }
  buffer_ += '[';
}

void JsonWriter::append_cell(const sdk::Value& v, sdk::ColumnType type) {
  if (sdk::is_null(v)) {
    buffer_ += "null";
    return;
  }
  if (type == sdk::ColumnType::Boolean) {
    buffer_ += truthy(v) ? "true" : "false";
    return;
  }
  std::visit(
      [&](const auto& x) {
        using X = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<X, std::int64_t>) {
          append_integer(buffer_, x);
        } else if constexpr (std::is_same_v<X, double>) {
          if (std::isfinite(x))
            append_number(buffer_, x);
          else
            buffer_ += "null";
        } else if constexpr (std::is_same_v<X, std::string>) {
          append_json_string(buffer_, x);
        }
      },
      v);
}

void JsonWriter::row(const std::vector<sdk::Value>& cells) {
  if (rows_ > 0) buffer_ += ",\n";
  if (columns_.empty()) buffer_ += '{';
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    buffer_ += keys_[i];
    append_cell(cell_at(cells, i), columns_[i].type);
  }
  buffer_ += '}';
  ++rows_;
  flush_if_full();
}

void JsonWriter::finish() {
  buffer_ += "]\n";
  flush();
}

}  // namespace zaplify::exporting
