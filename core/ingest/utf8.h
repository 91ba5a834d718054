#pragma once
// Strict UTF-8 (Unicode 15, Table 3-7): no overlong forms, no surrogates (U+D800..U+DFFF), nothing
// above U+10FFFF, no truncated sequences. Pure functions, thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

namespace zaplify::core::ingest {

bool is_valid_utf8(std::string_view s);

/// Number of code points. REQUIRES: is_valid_utf8(s).
std::size_t utf8_length(std::string_view s);

/// Replaces every maximal ill-formed subsequence with `replacement` (valid UTF-8).
std::string replace_invalid_utf8(std::string_view s, std::string_view replacement);

}  // namespace zaplify::core::ingest
