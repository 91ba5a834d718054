// Pure text helpers for the PostgreSQL backend (no libpq), unit-tested directly.

#include <cctype>

#include "storage/native_conn.h"

namespace zaplify::core::storage {

std::string to_pg_placeholders(std::string_view sql, int& count) {
  std::string out;
  out.reserve(sql.size() + 16);
  count = 0;
  std::size_t i = 0;
  const std::size_t n = sql.size();
  auto copy_until = [&](std::size_t from, std::size_t to) { out.append(sql.substr(from, to - from)); };
  while (i < n) {
    char c = sql[i];
    if (c == '\'') {
      // E'...' strings let a backslash escape the quote; standard ones only double it.
      bool escapes = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                     (i < 2 || !(std::isalnum(static_cast<unsigned char>(sql[i - 2])) || sql[i - 2] == '_'));
      std::size_t j = i + 1;
      while (j < n) {
        if (escapes && sql[j] == '\\') { j += 2; continue; }
        if (sql[j] == '\'') {
          if (j + 1 < n && sql[j + 1] == '\'') { j += 2; continue; }
          break;
        }
        ++j;
      }
      j = j < n ? j + 1 : n;
      copy_until(i, j);
      i = j;
    } else if (c == '"') {
      std::size_t j = sql.find('"', i + 1);
      j = j == std::string_view::npos ? n : j + 1;
      copy_until(i, j);
      i = j;
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      std::size_t j = sql.find('\n', i);
      j = j == std::string_view::npos ? n : j;
      copy_until(i, j);
      i = j;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      std::size_t j = sql.find("*/", i + 2);
      j = j == std::string_view::npos ? n : j + 2;
      copy_until(i, j);
      i = j;
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++count);
      ++i;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

void append_pg_array_text(std::string& out, std::string_view value, bool is_null) {
  if (is_null) {
    out += "NULL";
    return;
  }
  out += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

}  // namespace zaplify::core::storage
