#pragma once
// Row writers: format a data source's rows as CSV or a JSON array, straight into a ByteSink, in
// chunks. Memory stays flat whatever the row count: one chunk buffer, no rows kept.

#include <cstddef>
#include <string>
#include <vector>

#include "zaplify/sdk/data_source.h"
#include "zaplify/sdk/http.h"

namespace zaplify::exporting {

enum class ExportFormat { Json, Csv };

/// A RowSink that writes formatted rows to `out` whenever its buffer passes `chunk_bytes`.
/// Call finish() once after the last row to write the closing bytes and flush. Not thread-safe
/// (one producer at a time, like the sink). `out` must outlive the writer.
///
/// Cells are rendered by the declared column type: Boolean as true/false, Integer/Number as
/// numbers (a non-finite double or NULL is JSON null / an empty CSV field), everything else as
/// text. A row with fewer cells than columns is padded with NULL; extra cells are ignored.
class RowWriter : public sdk::RowSink {
 public:
  static constexpr std::size_t kDefaultChunkBytes = 64 * 1024;

  RowWriter(std::vector<sdk::Column> columns, sdk::ByteSink& out, std::size_t chunk_bytes);
  /// Writes the closing bytes (the header alone for an empty CSV, "[]" for empty JSON) and flushes.
  virtual void finish() = 0;
  std::size_t rows_written() const { return rows_; }

 protected:
  void flush_if_full() {
    if (buffer_.size() >= chunk_bytes_) flush();
  }
  void flush();

  std::vector<sdk::Column> columns_;
  sdk::ByteSink& out_;
  std::size_t chunk_bytes_;
  std::string buffer_;
  std::size_t rows_ = 0;
};

/// RFC 4180: a header row of column names, CRLF line ends, UTF-8. Text cells get the formula guard
/// (see append_csv_field); NULL is an empty unquoted field, the empty string is `""`.
class CsvWriter final : public RowWriter {
 public:
  CsvWriter(std::vector<sdk::Column> columns, sdk::ByteSink& out,
            std::size_t chunk_bytes = kDefaultChunkBytes);
  void row(const std::vector<sdk::Value>& cells) override;
  void finish() override;

 private:
  void append_cell(const sdk::Value& v, sdk::ColumnType type);
};

/// A JSON array of objects keyed by column name, one row per line.
class JsonWriter final : public RowWriter {
 public:
  JsonWriter(std::vector<sdk::Column> columns, sdk::ByteSink& out,
             std::size_t chunk_bytes = kDefaultChunkBytes);
  void row(const std::vector<sdk::Value>& cells) override;
  void finish() override;

 private:
  void append_cell(const sdk::Value& v, sdk::ColumnType type);
  std::vector<std::string> keys_;  // `{"name":` for the first column, `,"name":` for the others
};

}  // namespace zaplify::exporting
