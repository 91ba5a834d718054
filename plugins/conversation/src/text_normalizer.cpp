#include "text_normalizer.h"

#include "utf8_codec.h"

#include <array>
#include <cctype>

namespace zaplify::conversation {
namespace {

#include "fold_table.inc"

bool is_emoji(char32_t cp) {
  return (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) ||
         (cp >= 0x2300 && cp <= 0x23FF) || (cp >= 0x2B00 && cp <= 0x2BFF) || cp == 0x3030 ||
         cp == 0x303D;
}

// Joiners and modifiers that only decorate the emoji before them.
bool is_emoji_modifier(char32_t cp) {
  return cp == 0xFE0F || cp == 0xFE0E || cp == 0x200D || cp == 0x20E3 ||
         (cp >= 0x1F3FB && cp <= 0x1F3FF);
}

bool is_ascii_alnum(char32_t cp) {
  return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
}

// Other scripts are words too, but not the general/CJK punctuation and space blocks.
bool is_other_letter(char32_t cp) {
  if (cp < 0x180) return false;
  if (cp >= 0x2000 && cp <= 0x206F) return false;
  if (cp >= 0x3000 && cp <= 0x303F) return false;
  if (cp >= 0xFE00 && cp <= 0xFE0F) return false;
  if (cp == 0xFEFF) return false;
  return !is_emoji(cp) && !is_emoji_modifier(cp);
}

struct Emoticon {
  std::string_view text;
  bool needs_space_before;  // ":/" would otherwise fire inside URLs
  bool needs_space_after;   // ":D" would otherwise fire on ":Desconto"
};

// Longest first, so ":-)" wins over ":-".
constexpr std::array<Emoticon, 36> kEmoticons{{
    {":'-(", false, false}, {"^_^", false, false}, {":-)", false, false}, {":-(", false, false},
    {":-D", false, true},   {";-)", false, false}, {":-P", false, true},  {":-p", false, true},
    {":-/", true, false},   {":-|", false, false}, {":-*", false, false}, {":'(", false, false},
    {"</3", false, false},  {":))", false, false}, {":((", false, false}, {":)", false, false},
    {":(", false, false},   {":D", false, true},   {";)", false, false},  {":P", false, true},
    {":p", false, true},    {":/", true, false},   {":\\", true, false},  {"<3", false, false},
    {":O", false, true},    {":o", false, true},   {"=)", false, false},  {"=(", false, false},
    {"=D", false, true},    {":|", false, false},  {"^^", false, false},  {":*", false, false},
    {":]", false, false},   {":[", false, false},  {";D", false, true},   {";(", false, false},
}};

class Tokenizer {
 public:
  Tokenizer(std::string_view in, TokenizedText& out) : in_(in), out_(out) {}

  void run() {
    std::size_t i = 0;
    while (i < in_.size()) {
      const std::size_t start = i;
      const char32_t cp = decode_utf8(in_, i);
      if (cp == kInvalidCodepoint) {
        end_word();
        continue;
      }
      if (try_emoticon(start, i)) continue;
      if (add_letter(cp)) continue;
      if (in_word_ && (cp == '\'' || cp == 0x2019) && i < in_.size() &&
          is_ascii_alnum(static_cast<unsigned char>(in_[i]))) {
        out_.text.push_back('\'');
        continue;
      }
      end_word();
      prev_alnum_ = false;
      if (is_emoji_modifier(cp)) continue;  // skin tones, joiners: decorate the emoji before
      if (is_emoji(cp)) {
        push_single(TokenKind::Emoji, cp);
      } else {
        punctuation(cp);
      }
    }
    end_word();
  }

 private:
  bool add_letter(char32_t cp) {
    const char* folded = nullptr;
    char ascii[2] = {0, 0};
    bool upper = false;
    if (is_ascii_alnum(cp)) {
      upper = cp >= 'A' && cp <= 'Z';
      ascii[0] = static_cast<char>(upper ? cp + 32 : cp);
      folded = ascii;
      if (cp >= 'a' && cp <= 'z') out_.has_lower = true;
    } else if (cp >= 0xC0 && cp < 0x180 && kFoldTable[cp - 0xC0][0] != 0) {
      folded = kFoldTable[cp - 0xC0];
      upper = kUpperTable[cp - 0xC0] == '1';
      if (!upper) out_.has_lower = true;
    } else if (!is_other_letter(cp)) {
      return false;
    }
    begin_word();
    if (folded != nullptr) {
      out_.text.append(folded);
      if (!std::isdigit(static_cast<unsigned char>(folded[0]))) {
        ++letters_;
        if (upper) ++uppers_;
      }
    } else {
      append_utf8(out_.text, cp);
    }
    prev_alnum_ = true;
    return true;
  }

  bool try_emoticon(std::size_t start, std::size_t& i) {
    const char c = in_[start];
    if (c != ':' && c != ';' && c != '<' && c != '=' && c != '^') return false;
    for (const auto& e : kEmoticons) {
      if (in_.compare(start, e.text.size(), e.text) != 0) continue;
      const std::size_t end = start + e.text.size();
      if (e.needs_space_before && prev_alnum_) continue;
      if (e.needs_space_after && end < in_.size() &&
          is_ascii_alnum(static_cast<unsigned char>(in_[end])))
        continue;
      end_word();
      prev_alnum_ = false;
      push_text(TokenKind::Emoji, e.text);
      i = end;
      return true;
    }
    return false;
  }

  void punctuation(char32_t cp) {
    switch (cp) {
      case '!':
        push_text(TokenKind::Exclaim, "!");
        break;
      case '?':
        push_text(TokenKind::Question, "?");
        break;
      case '.':
      case ',':
      case ';':
      case ':':
      case '(':
      case ')':
      case '\n':
      case 0xA1:
      case 0xBF:
      case 0x2026:
        push_text(TokenKind::Break, ".");
        break;
      // Quotes break a clause too, but keep their own text: praise in scare quotes is a sarcasm
      // cue.
      case '"':
      case 0x201C:
      case 0x201D:
        push_text(TokenKind::Break, "\"");
        break;
      default:
        break;  // spaces and other symbols only separate words
    }
  }

  void begin_word() {
    if (in_word_) return;
    in_word_ = true;
    word_start_ = out_.text.size();
    letters_ = uppers_ = 0;
  }

  void end_word() {
    if (!in_word_) return;
    in_word_ = false;
    normalise_laughter();
    Token t;
    t.kind = TokenKind::Word;
    t.offset = static_cast<std::uint32_t>(word_start_);
    t.length = static_cast<std::uint32_t>(out_.text.size() - word_start_);
    t.all_caps = letters_ >= 2 && uppers_ == letters_;
    out_.tokens.push_back(t);
  }

  // "kkkkk", "hahaha", "rsrsrs": one spelling each, so the lexicon and term counts see one word.
  void normalise_laughter() {
    std::string_view w(out_.text.data() + word_start_, out_.text.size() - word_start_);
    if (w.size() < 3) return;
    auto all_of = [&](std::string_view unit) {
      for (std::size_t k = 0; k < w.size(); ++k)
        if (w[k] != unit[k % unit.size()]) return false;
      return true;
    };
    const char* canonical = nullptr;
    if (all_of("k"))
      canonical = "kkk";
    else if (w.size() >= 4 && (all_of("ha") || all_of("ah") || all_of("he") || all_of("hua")))
      canonical = "haha";
    else if (w.size() >= 4 && all_of("rs"))
      canonical = "rsrs";
    if (canonical == nullptr) return;
    out_.text.resize(word_start_);
    out_.text.append(canonical);
  }

  void push_text(TokenKind kind, std::string_view text) {
    Token t;
    t.kind = kind;
    t.offset = static_cast<std::uint32_t>(out_.text.size());
    t.length = static_cast<std::uint32_t>(text.size());
    out_.text.append(text);
    out_.tokens.push_back(t);
  }

  void push_single(TokenKind kind, char32_t cp) {
    Token t;
    t.kind = kind;
    t.offset = static_cast<std::uint32_t>(out_.text.size());
    append_utf8(out_.text, cp);
    t.length = static_cast<std::uint32_t>(out_.text.size() - t.offset);
    out_.tokens.push_back(t);
  }

  std::string_view in_;
  TokenizedText& out_;
  bool in_word_ = false;
  bool prev_alnum_ = false;
  std::size_t word_start_ = 0;
  int letters_ = 0;
  int uppers_ = 0;
};

}  // namespace

void tokenize(std::string_view utf8, TokenizedText& out) {
  out.clear();
  Tokenizer(utf8, out).run();
}

void append_folded_words(const TokenizedText& tokens, std::string& out) {
  bool last_break = true;  // no leading break, no doubled breaks
  for (const auto& t : tokens.tokens) {
    if (t.kind == TokenKind::Word) {
      if (!out.empty()) out.push_back(' ');
      out.append(tokens.view(t));
      last_break = false;
    } else if (t.kind != TokenKind::Emoji && !last_break) {
      out.append(" .");
      last_break = true;
    }
  }
  if (last_break && out.size() >= 2 && out.compare(out.size() - 2, 2, " .") == 0)
    out.resize(out.size() - 2);
}

std::string folded_words(std::string_view utf8) {
  TokenizedText t;
  tokenize(utf8, t);
  std::string out;
  append_folded_words(t, out);
  return out;
}

std::string squash_runs(std::string_view w) {
  std::string out;
  out.reserve(w.size());
  for (char c : w)
    if (out.empty() || out.back() != c) out.push_back(c);
  return out;
}

}  // namespace zaplify::conversation
