// Pure text helpers for the PostgreSQL backend (no libpq), unit-tested directly.

#include <cctype>
#include <charconv>

#include "storage/native_conn.h"

namespace zaplify::core::storage {

std::string to_pg_placeholders(std::string_view sql, int& count) {
  std::string out;
  out.reserve(sql.size() + 16);
  count = 0;
  std::size_t i = 0;
  const std::size_t n = sql.size();
  auto copy_until = [&](std::size_t from, std::size_t to) {
    out.append(sql.substr(from, to - from));
  };
  while (i < n) {
    char c = sql[i];
    if (c == '\'') {
      // E'...' strings let a backslash escape the quote; standard ones only double it.
      bool escapes =
          i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
          (i < 2 || !(std::isalnum(static_cast<unsigned char>(sql[i - 2])) || sql[i - 2] == '_'));
      std::size_t j = i + 1;
      while (j < n) {
        if (escapes && sql[j] == '\\') {
          j += 2;
          continue;
        }
        if (sql[j] == '\'') {
          if (j + 1 < n && sql[j + 1] == '\'') {
            j += 2;
            continue;
          }
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

void append_copy_text(std::string& out, std::string_view value, bool is_null) {
  if (is_null) {
    out += "\\N";
    return;
  }
  std::size_t from = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    const char* esc = c == '\\'   ? "\\\\"
                      : c == '\t' ? "\\t"
                      : c == '\n' ? "\\n"
                      : c == '\r' ? "\\r"
                                  : nullptr;
    if (esc == nullptr) continue;
    out.append(value.substr(from, i - from));
    out += esc;
    from = i + 1;
  }
  out.append(value.substr(from));
}

void append_copy_row(std::string& out, const sdk::Event& e) {
  char buf[32];
  auto text = [&](const std::string& v) {
    append_copy_text(out, v, v.empty());
    out += '\t';
  };
  auto integer = [&](std::int64_t v) {
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, p);
  };
  text(e.tenant_id);
  text(e.id);
  text(e.type);
  integer(e.ts_ms);
  out += '\t';
  text(e.lead_id);
  text(e.conversation_id);
  text(e.assistant_id);
  text(e.channel);
  text(e.sender);
  text(e.text);
  if (e.response_time_ms) {
    // Shortest round-trip form: the server reads back exactly the same double.
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, *e.response_time_ms);
    out.append(buf, p);
  } else {
    out += "\\N";
  }
  out += '\t';
  if (e.tokens)
    integer(*e.tokens);
  else
    out += "\\N";
  out += '\t';
  text(e.outcome);
  text(e.funnel_id);
  text(e.stage);
  text(e.name);
  text(e.type == "funnel_defined" ? stages_json(e.stages) : std::string());
  text(e.source);
  append_copy_text(out, e.properties, e.properties.empty());
  out += '\n';
}

}  // namespace zaplify::core::storage
