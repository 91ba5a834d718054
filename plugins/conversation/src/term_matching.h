#pragma once
// Robust matching of a message's words to the lexicon (issue 18): the longest multi-word entry
// first, then the word as written, then with repeated letters squeezed ("ótimooo", "adoreii"),
// then, for longer ASCII words, an entry one edit away when all such entries agree ("terible").
// Internal to the analyser; thread-safe (reads only).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "lexicon.h"
#include "text_normalizer.h"

namespace zaplify::conversation {

/// Index of the next Word token in the same clause (emoji in between are skipped), or
/// tokens.size() when a break or the end comes first.
inline std::size_t next_word_in_clause(const TokenizedText& t, std::size_t i) {
  const auto& toks = t.tokens;
  for (std::size_t j = i + 1; j < toks.size(); ++j) {
    if (toks[j].kind == TokenKind::Word) return j;
    if (toks[j].kind != TokenKind::Emoji) break;
  }
  return toks.size();
}

/// Index of the previous Word token in the same clause, or tokens.size().
inline std::size_t previous_word_in_clause(const TokenizedText& t, std::size_t i) {
  const auto& toks = t.tokens;
  for (std::size_t j = i; j-- > 0;) {
    if (toks[j].kind == TokenKind::Word) return j;
    if (toks[j].kind != TokenKind::Emoji) break;
  }
  return toks.size();
}

/// What the lexicon says about the word at a token.
struct TermMatch {
  double valence = 0;           ///< 0 when nothing matched (or the entry is 0)
  std::size_t span = 1;         ///< tokens covered (a phrase covers several)
  const char* how = "lexicon";  ///< "lexicon", "phrase", "repeated letters" or "typo"
};

/// Matches the Word token at `i` of `t`. REQUIRES: t.tokens[i].kind == TokenKind::Word; `roles`
/// holds rule_roles() per token (rule_words.h): one intensifier inside a phrase is skipped
/// ("valeu super a pena" matches "valeu a pena").
TermMatch match_term(const Lexicon& lexicon, const TokenizedText& t, std::size_t i,
                     const std::vector<std::uint32_t>& roles);

}  // namespace zaplify::conversation
