#pragma once
// UTF-8 aware tokenisation with accent and case folding, shared by the sentiment analyser, the
// topic matcher and the term statistics, so that all three see the same words.
//
// Folding: letters of Latin-1 Supplement and Latin Extended-A lose their accents and are
// lower-cased to ASCII ("Ótimo" → "otimo", "ß" → "ss"); ASCII is lower-cased; other scripts are
// kept byte for byte. Emoji (with skin tones, variation selectors and ZWJ stripped) and common
// ASCII emoticons (":)", ":-(", "<3", ...) become tokens of their own. Sentence punctuation becomes
// break tokens so that phrases, bigrams and negation scopes do not cross a clause.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace zaplify::conversation {

enum class TokenKind : std::uint8_t {
  Word,      ///< Folded letters/digits, possibly with an inner apostrophe ("don't").
  Emoji,     ///< One emoji codepoint (UTF-8) or an ASCII emoticon.
  Break,     ///< Clause punctuation: . , ; : ( ) and line breaks (text "."), quotes (text "\"").
  Exclaim,   ///< '!' (also a break).
  Question,  ///< '?' (also a break).
};

struct Token {
  TokenKind kind = TokenKind::Word;
  bool all_caps = false;     ///< Word written in capitals (at least two letters, none lower).
  std::uint32_t offset = 0;  ///< Into TokenizedText::text.
  std::uint32_t length = 0;
};

/// The result of tokenize(). Reusable: tokenize() clears it first, keeping capacity.
struct TokenizedText {
  std::string text;  ///< Folded token texts, back to back.
  std::vector<Token> tokens;
  bool has_lower = false;  ///< Any lower-case letter in the input (for "whole text in caps").

  std::string_view view(const Token& t) const { return {text.data() + t.offset, t.length}; }
  void clear() {
    text.clear();
    tokens.clear();
    has_lower = false;
  }
};

/// Tokenises `utf8` into `out`. Invalid UTF-8 bytes act as separators. Never throws except
/// std::bad_alloc. Laughter is normalised ("kkkkk" → "kkk", "hahaha" → "haha", "rsrsrs" → "rsrs").
void tokenize(std::string_view utf8, TokenizedText& out);

/// The folded words of `utf8` joined by single spaces, with "." for every clause break
/// (e.g. "Preço ALTO, né?" → "preco alto . ne"). Emoji are left out. Used to store a message's
/// words for the topic and term routes and to fold taxonomy keywords.
std::string folded_words(std::string_view utf8);

/// Appends the folded words of `tokens` to `out` in the folded_words() format.
void append_folded_words(const TokenizedText& tokens, std::string& out);

/// Collapses every run of 2+ equal bytes to one ("adoreii" → "adorei", "diaa" → "dia"): how a
/// lexicon key and a chat word with doubled letters are matched.
std::string squash_runs(std::string_view w);

}  // namespace zaplify::conversation
