#pragma once
// UTF-8 decoding and encoding shared by the tokenizer and the stemmer's word splitter.

#include <cstddef>
#include <string>
#include <string_view>

namespace zaplify::conversation {

/** What decode_utf8 returns for a malformed sequence. */
inline constexpr char32_t kInvalidCodepoint = 0xFFFFFFFF;

/** Decodes the codepoint at `i` and advances past it; kInvalidCodepoint (one byte) if malformed. */
char32_t decode_utf8(std::string_view s, std::size_t& i);

/** Appends `cp` to `out` as UTF-8. */
void append_utf8(std::string& out, char32_t cp);

}  // namespace zaplify::conversation
