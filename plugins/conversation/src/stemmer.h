#pragma once
// Snowball stemming for topic matching (docs/api.md, GET /analytics/conversations/topics), over
// Debian's libstemmer (Snowball 2.2).
//
// The topic route reads each lead message as its stored folded words (text_normalizer.h:
// folded_words()). The matching rule's words ("rule words" below) are runs of Unicode letters,
// digits and '_' of the folded text, so one stored token can hold zero rule words (the clause marks
// "." and "\"", a lone symbol), one (almost always), or several ("don't" → "don", "t";
// "preço→alto" → "preco", "alto"). spec_words() derives them; StemCache stems each distinct stored
// token once per process (bounded), which is what keeps the route's cost close to the literal
// rule's.

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lexicon.h"

struct sb_stemmer;

namespace zaplify::conversation {

/// One Snowball stemmer ("english", "portuguese"). libstemmer keeps per-object state, so an object
/// is NOT thread-safe: guard it (StemCache does) or keep one per thread.
class SnowballStemmer {
 public:
  /// Throws std::runtime_error when libstemmer does not know `algorithm` in UTF-8.
  explicit SnowballStemmer(const char* algorithm);
  ~SnowballStemmer();
  SnowballStemmer(const SnowballStemmer&) = delete;
  SnowballStemmer& operator=(const SnowballStemmer&) = delete;

  /// The stem of one folded word (lower case, no accents).
  std::string stem(std::string_view word);

 private:
  sb_stemmer* stemmer_;
};

/// Appends to `out` the rule words of one token of folded_words(): split at apostrophes and at
/// anything that is not a Unicode letter, digit or '_', combining marks dropped (text typed in
/// decomposed form), other scripts lower-cased. "." and "\"" give none.
void spec_words(std::string_view folded_token, std::vector<std::string>& out);

/// Stems of one stored token, one per rule word it holds (both vectors have that length).
struct TokenStems {
  std::vector<std::string> english;
  std::vector<std::string> portuguese;
};

/// Token → stems under both stemmers. Thread-safe (one mutex; the stemmers run under it). Bounded:
/// when `max_tokens` distinct tokens are held it starts again from empty, so a long-running server
/// keeps its hot vocabulary and never grows without limit.
class StemCache {
 public:
  explicit StemCache(std::size_t max_tokens = 200000);

  /// Calls `use(const TokenStems&)` with the stems of `folded_token`, under the lock: `use` must
  /// be quick and must not call back into the cache.
  template <typename F>
  void with_stems(std::string_view folded_token, F&& use) {
    std::lock_guard<std::mutex> lock(mutex_);
    use(lookup_locked(folded_token));
  }

  /// Stems of a whole folded_words() string, in order (tests, keyword preparation).
  TokenStems stems_of_text(std::string_view folded);

  std::size_t size() const;

 private:
  const TokenStems& lookup_locked(std::string_view folded_token);

  mutable std::mutex mutex_;
  SnowballStemmer english_{"english"};
  SnowballStemmer portuguese_{"portuguese"};
  std::unordered_map<std::string, TokenStems, StringHash, std::equal_to<>> tokens_;
  std::size_t max_tokens_;
  std::vector<std::string> scratch_;
};

}  // namespace zaplify::conversation
