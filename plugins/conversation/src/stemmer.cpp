#include "stemmer.h"

#include "utf8_codec.h"

#include <libstemmer.h>

#include <new>
#include <stdexcept>

#include <locale.h>
#include <wctype.h>

namespace zaplify::conversation {
namespace {

// Unicode letter/digit classes and lower-casing come from glibc's C.UTF-8 (built into Debian 12's
// libc-bin), through the *_l functions: no process-wide setlocale(). Created on first use and freed
// when the plugin's library is unloaded (static destruction at dlclose): by then the host has
// stopped the plugin and no handler or re-scoring thread can still read it.
struct UnicodeCtype {
  locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  UnicodeCtype() = default;
  UnicodeCtype(const UnicodeCtype&) = delete;
  UnicodeCtype& operator=(const UnicodeCtype&) = delete;
  ~UnicodeCtype() {
    if (loc != static_cast<locale_t>(nullptr)) freelocale(loc);
  }
};

locale_t unicode_ctype() {
  static const UnicodeCtype ctype;
  return ctype.loc;
}

// Combining marks (NFKD leaves them after their base letter; the matching rule drops them).
bool is_combining_mark(char32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
         (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
         (cp >= 0xFE20 && cp <= 0xFE2F);
}

bool is_ascii_word_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

SnowballStemmer::SnowballStemmer(const char* algorithm)
    : stemmer_(sb_stemmer_new(algorithm, "UTF_8")) {
  if (stemmer_ == nullptr)
    throw std::runtime_error(std::string("libstemmer has no UTF-8 stemmer '") + algorithm + "'");
}

SnowballStemmer::~SnowballStemmer() { sb_stemmer_delete(stemmer_); }

std::string SnowballStemmer::stem(std::string_view word) {
  const sb_symbol* s = sb_stemmer_stem(stemmer_, reinterpret_cast<const sb_symbol*>(word.data()),
                                       static_cast<int>(word.size()));
  if (s == nullptr) throw std::bad_alloc();  // libstemmer's only failure
  return std::string(reinterpret_cast<const char*>(s),
                     static_cast<std::size_t>(sb_stemmer_length(stemmer_)));
}

void spec_words(std::string_view token, std::vector<std::string>& out) {
  std::string word;
  auto flush = [&] {
    if (!word.empty()) out.push_back(std::move(word));
    word.clear();
  };
  const locale_t loc = unicode_ctype();
  std::size_t i = 0;
  while (i < token.size()) {
    const auto c = static_cast<unsigned char>(token[i]);
    if (c < 0x80) {  // the tokenizer already lower-cased ASCII; "'" and the marks split
      if (is_ascii_word_char(c))
        word.push_back(static_cast<char>(c));
      else
        flush();
      ++i;
      continue;
    }
    const char32_t cp = decode_utf8(token, i);
    if (is_combining_mark(cp)) continue;
    const auto wc = static_cast<wint_t>(cp);
    // Without the C.UTF-8 locale every non-ASCII codepoint the tokenizer kept counts as a letter.
    if (loc != static_cast<locale_t>(nullptr) && !iswalnum_l(wc, loc)) {
      flush();
      continue;
    }
    append_utf8(word, loc != static_cast<locale_t>(nullptr)
                          ? static_cast<char32_t>(towlower_l(wc, loc))
                          : cp);
  }
  flush();
}

StemCache::StemCache(std::size_t max_tokens) : max_tokens_(max_tokens) {}

const TokenStems& StemCache::lookup_locked(std::string_view token) {
  if (auto it = tokens_.find(token); it != tokens_.end()) return it->second;
  if (tokens_.size() >= max_tokens_) tokens_.clear();
  TokenStems stems;
  scratch_.clear();
  spec_words(token, scratch_);
  for (const auto& w : scratch_) {
    stems.english.push_back(english_.stem(w));
    stems.portuguese.push_back(portuguese_.stem(w));
  }
  return tokens_.emplace(std::string(token), std::move(stems)).first->second;
}

TokenStems StemCache::stems_of_text(std::string_view folded) {
  TokenStems all;
  while (!folded.empty()) {
    const auto sp = folded.find(' ');
    const auto token = folded.substr(0, sp);
    folded.remove_prefix(sp == std::string_view::npos ? folded.size() : sp + 1);
    if (token.empty()) continue;
    with_stems(token, [&](const TokenStems& s) {
      all.english.insert(all.english.end(), s.english.begin(), s.english.end());
      all.portuguese.insert(all.portuguese.end(), s.portuguese.begin(), s.portuguese.end());
    });
  }
  return all;
}

std::size_t StemCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return tokens_.size();
}

}  // namespace zaplify::conversation
