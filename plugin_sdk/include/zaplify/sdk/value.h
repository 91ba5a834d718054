#pragma once
// Plain values shared by the store (query parameters and result cells) and data sources (row
// cells).

#include <cstdint>
#include <string>
#include <variant>

namespace zaplify::sdk {

/// A nullable SQL-ish value: NULL, a 64-bit integer, a double or UTF-8 text.
/// Booleans are integers 0/1 (SOCI has no bool, and both databases agree on integers).
using Value = std::variant<std::monostate, std::int64_t, double, std::string>;

inline bool is_null(const Value& v) { return std::holds_alternative<std::monostate>(v); }

}  // namespace zaplify::sdk
