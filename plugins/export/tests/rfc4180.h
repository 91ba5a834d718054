#pragma once
// A strict RFC 4180 parser written from the RFC, shared by the export plugin's unit tests and the
// export integration test (which includes it by path): it depends on nothing but the standard
// library.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace zaplify::exporting::testing {

struct CsvField {
  std::string text;
  bool quoted = false;
};
using CsvRecord = std::vector<CsvField>;

/// Parses a whole CSV document: records end with CRLF (required after every record here),
/// fields are separated by commas, a quoted field may hold commas, CR, LF and "" (one quote).
/// Throws on anything RFC 4180 does not allow (a bare quote inside an unquoted field, a lone CR
/// or LF as a line end, text after a closing quote).
inline std::vector<CsvRecord> parse_csv(std::string_view doc) {
  std::vector<CsvRecord> records;
  std::size_t i = 0;
  while (i < doc.size()) {
    CsvRecord record;
    for (;;) {
      CsvField field;
      if (i < doc.size() && doc[i] == '"') {
        field.quoted = true;
        ++i;
        for (;;) {
          if (i >= doc.size()) throw std::runtime_error("unterminated quoted field");
          if (doc[i] == '"') {
            if (i + 1 < doc.size() && doc[i + 1] == '"') {
              field.text += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          field.text += doc[i++];
        }
      } else {
        while (i < doc.size() && doc[i] != ',' && doc[i] != '\r' && doc[i] != '\n') {
          if (doc[i] == '"') throw std::runtime_error("quote inside an unquoted field");
          field.text += doc[i++];
        }
      }
      record.push_back(std::move(field));
      if (i < doc.size() && doc[i] == ',') {
        ++i;
        continue;
      }
      if (doc.substr(i, 2) != "\r\n") throw std::runtime_error("record not ended by CRLF");
      i += 2;
      break;
    }
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace zaplify::exporting::testing
