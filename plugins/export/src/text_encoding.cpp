#include "text_encoding.h"

#include <array>
#include <charconv>

namespace zaplify::exporting {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the well-formed UTF-8 sequence starting at s[i] (a byte >= 0x80), or 0 if it is not
// one (overlong forms, surrogates and code points above U+10FFFF are rejected, as RFC 3629 says).
std::size_t utf8_length(std::string_view s, std::size_t i) {
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = at(0);
  const std::size_t left = s.size() - i;
  if (c >= 0xC2 && c <= 0xDF) return left >= 2 && is_continuation(at(1)) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (left < 3 || !is_continuation(at(1)) || !is_continuation(at(2))) return 0;
    if (c == 0xE0 && at(1) < 0xA0) return 0;
    if (c == 0xED && at(1) > 0x9F) return 0;
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (left < 4 || !is_continuation(at(1)) || !is_continuation(at(2)) || !is_continuation(at(3)))
      return 0;
    if (c == 0xF0 && at(1) < 0x90) return 0;
    if (c == 0xF4 && at(1) > 0x8F) return 0;
    return 4;
  }
  return 0;
}

// Appends s[i..] bytes >= 0x80 as valid UTF-8; returns the next index.
std::size_t append_non_ascii(std::string& out, std::string_view s, std::size_t i) {
  std::size_t n = utf8_length(s, i);
  if (n == 0) {
    out += kReplacement;
    return i + 1;
  }
  out.append(s.data() + i, n);
  return i + n;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t run = 0;  // start of the pending run of bytes that need no escaping
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out.append(s.data() + run, i - run);
    if (c >= 0x80) {
      i = append_non_ascii(out, s, i);
    } else {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        default:
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
      }
      ++i;
    }
    run = i;
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

void append_number(std::string& out, double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, ec == std::errc() ? end : buf);
}

void append_integer(std::string& out, std::int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, ec == std::errc() ? end : buf);
}

void append_csv_field(std::string& out, std::string_view s, bool text_cell) {
  if (s.empty()) {
    out += "\"\"";
    return;
  }
  // One pass over a byte-class table: bit 1 = forces quoting, bit 2 = non-ASCII.
  static const auto kClass = [] {
    std::array<unsigned char, 256> t{};
    t['"'] = t[','] = t['\r'] = t['\n'] = 1;
    for (int c = 0x80; c < 0x100; ++c) t[c] = 2;
    return t;
  }();
  unsigned char classes = 0;
  for (char ch : s) classes |= kClass[static_cast<unsigned char>(ch)];
  const char first = s.front();
  const bool guard = text_cell && (first == '=' || first == '+' || first == '-' || first == '@' ||
                                   first == '\t' || first == '\r');
  const bool quote = classes & 1;
  if (quote) out += '"';
  if (guard) out += '\'';
  if (classes == 0) {
    out.append(s);
    return;
  }
  std::size_t run = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80 && c != '"') {
      ++i;
      continue;
    }
    out.append(s.data() + run, i - run);
    if (c == '"') {
      out += "\"\"";
      ++i;
    } else {
      i = append_non_ascii(out, s, i);
    }
    run = i;
  }
  out.append(s.data() + run, s.size() - run);
  if (quote) out += '"';
}

}  // namespace zaplify::exporting
