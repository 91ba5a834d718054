#pragma once
// Low-level cell encoders for the export writers: appended straight into an output buffer, with no
// intermediate objects, because they run once per cell of a million-row export.

#include <cstdint>
#include <string>
#include <string_view>

namespace zaplify::exporting {

/// Appends `s` as a JSON string literal (quotes included). Control characters, `"` and `\` are
/// escaped; invalid UTF-8 bytes become U+FFFD so the document always parses.
void append_json_string(std::string& out, std::string_view s);

/// Appends the shortest text that reads back as the same number ("3", "0.1", "1e+21").
/// REQUIRES: v is finite.
void append_number(std::string& out, double v);
void append_integer(std::string& out, std::int64_t v);

/// Appends one RFC 4180 field. With `text_cell`, a value starting with = + - @ TAB or CR is
/// prefixed with ' so spreadsheets do not run it as a formula. Fields holding `"`, `,`, CR or LF
/// are quoted with `"` doubled; the empty string is written `""` so it stays distinct from NULL
/// (an empty unquoted field). Invalid UTF-8 bytes become U+FFFD.
void append_csv_field(std::string& out, std::string_view s, bool text_cell);

}  // namespace zaplify::exporting
