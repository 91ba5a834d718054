#pragma once
// A sentiment lexicon: folded words, multi-word phrases and emoji/emoticons with a valence in
// [-5, 5] (AFINN-style files, `entry<TAB>score`).

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace zaplify::conversation {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    // FNV-1a: short keys, and much faster than std::hash's murmur for 4-10 byte words.
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return static_cast<std::size_t>(h);
  }
};

using StringSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

/// Built once (not thread-safe while loading), then read concurrently without locks.
class Lexicon {
 public:
  /// Adds the entries of one AFINN-style text. Lines: `entry<TAB>score` (a run of spaces before a
  /// trailing number is accepted too); blank lines and lines starting with '#' are skipped. Entries
  /// are folded like messages ("Ótimo" = "otimo"); an entry of several words is a phrase. A later
  /// entry replaces an earlier one. Throws std::runtime_error naming `origin` and the line number
  /// for a malformed line or a score outside [-5, 5].
  void add_tsv(std::string_view content, const std::string& origin);

  /// The folded key of an entry as add_tsv() stores it ("Ótimo  Preço" → "otimo preco"), and in
  /// `words` how many words or emoji it has (0: nothing matchable, e.g. punctuation only).
  static std::string fold_entry(std::string_view entry, int& words);

  /// Adds or replaces one entry. `key` and `words` as returned by fold_entry() (words ≥ 1).
  /// REQUIRES: -5 ≤ score ≤ 5. A score of 0 keeps the entry (it then matches and counts nothing,
  /// which is how a tenant removes a word: also its typo and repeated-letter variants).
  void set(const std::string& key, int words, double score);

  /// Valence of a folded key (a word, an emoji, or phrase words joined by one space); 0 if absent.
  /// `found` tells absence apart from a listed 0.
  double find(std::string_view key, bool& found) const;

  /// Typo tolerance: the valence of the single-word entries one edit away (a letter dropped, added
  /// or replaced, or two neighbours swapped) from a folded ASCII word of at least kFuzzyMinLength
  /// letters, when they all agree on the score; found = false when there is none or they disagree
  /// (ambiguous). `matched`, if given, receives one of them. Thread-safe like find(). Short words
  /// are never guessed: "pedido" (order) is not "perdido" (lost).
  static constexpr std::size_t kFuzzyMinLength = 7;
  double find_fuzzy(std::string_view word, bool& found, std::string* matched = nullptr) const;

  /// The valence of the single-word entries (4+ letters) whose letters, with every doubled letter
  /// single, are `squashed` ("disapointing" for "disappointing"), when they agree; found = false
  /// when there is none or they disagree. For misspellings that double the wrong letter.
  double find_squashed(std::string_view squashed, bool& found) const;

  /// The phrases (entries of two or more words) that have `word` as one of their words, sorted.
  /// For diagnostics: walks every entry.
  std::vector<std::string> phrases_with(std::string_view word) const;

  /// True when some phrase starts with this folded word (phrase lookups are skipped otherwise).
  bool starts_phrase(std::string_view word) const { return phrase_prefixes_.count(word) > 0; }
  /// True when some phrase starts with these folded words (joined by one space) and has more: a
  /// longer phrase may still match ("que" → "que to", "que to esperando").
  bool continues_phrase(std::string_view words) const { return phrase_prefixes_.count(words) > 0; }
  int max_phrase_words() const { return max_phrase_words_; }
  std::size_t size() const { return entries_.size(); }

  /// Order-independent digest of the entries (key and score): a change of any lexicon file or of
  /// the configured extra files changes it.
  std::uint64_t fingerprint() const;

 private:
  std::unordered_map<std::string, double, StringHash, std::equal_to<>> entries_;
  StringSet phrase_prefixes_;  // every proper prefix, in words, of every phrase
  // Each single-word entry of kFuzzyMinLength+ letters under every one-letter deletion of it.
  std::unordered_map<std::string, std::vector<std::string>, StringHash, std::equal_to<>> deletions_;
  // Single-word entries (4+ letters) under their letters with doubled letters single.
  std::unordered_map<std::string, std::vector<std::string>, StringHash, std::equal_to<>> squashed_;
  int max_phrase_words_ = 1;
};

}  // namespace zaplify::conversation
