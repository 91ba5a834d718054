#pragma once
// Topic taxonomy matching (docs/api.md, GET /analytics/conversations/topics): a keyword or phrase
// matches a lead message when its stemmed word sequence occurs as consecutive words of the
// message's, under the Snowball English stemmer or under the Portuguese one ("entrega" matches
// "ENTREGAS", "refund" matches "refunded", "quanto custa" matches "quanto custava"; "price" does
// not match "priceless").
//
// Matching happens when a route reads, against the stored folded words of each message, so a
// taxonomy change (config reload, tenant_topics) applies to every stored message at once. Stems
// come from a StemCache shared by all taxonomies of one configuration; each taxonomy keeps what a
// stored token means for it (its keyword-stem ids) across reports, so a report asks the stemmers
// nothing for words seen before and hashes no stem.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "lexicon.h"
#include "stemmer.h"

namespace zaplify::conversation {

/// The taxonomy `{name: [keyword or phrase, ...]}`. Immutable after construction; thread-safe.
class TopicMatcher {
 public:
  /// `stems` may be null (the matcher then makes its own cache). `config_key` names the taxonomy in
  /// errors ("topics", "tenant_topics.acme"). Throws std::invalid_argument when `topics` is not a
  /// map of string lists or a keyword has no word (e.g. only punctuation or emoji).
  explicit TopicMatcher(const nlohmann::json& topics, std::shared_ptr<StemCache> stems = nullptr,
                        const std::string& config_key = "topics");

  const std::vector<std::string>& names() const { return names_; }
  std::size_t keyword_count() const { return keyword_count_; }

  /// Sets hit[t] = 1 for every topic t with a keyword matching `folded` (a folded_words() string).
  /// REQUIRES: hit.size() == names().size().
  void match(std::string_view folded, std::vector<char>& hit) const;

  /// A stored token with its FNV-1a hash (StringHash), computed once per word by the caller.
  struct Word {
    std::string_view text;
    std::uint64_t hash;
  };

  /// Matching state of one report: every distinct token is resolved to keyword-stem ids once per
  /// report (one lookup in the taxonomy's token cache), then each occurrence is one probe of a
  /// local table of 16-byte entries, and a message none of whose words begins a keyword skips the
  /// keyword scan. Not thread-safe: one per report.
  class Session {
   public:
    explicit Session(const TopicMatcher& matcher);
    /// match() over a message already split into hashed tokens.
    void match_words(const std::vector<Word>& words, std::vector<char>& hit);

   private:
    // 16 bytes, four to a cache line: the table holds every distinct word of a report and is
    // probed once per word occurrence. A word is known by its 64-bit FNV-1a hash alone, as the
    // route's term counts are (TermMap): two distinct words of one report share a hash with
    // probability about n² / 2^65 (3·10⁻¹⁰ for 100,000 words).
    struct Entry {
      std::uint64_t key = 0;    ///< hash | 1; 0: free slot.
      std::uint32_t first = 0;  ///< Its pieces in pieces_.
      std::uint32_t count = 0;  ///< Pieces (two per spec_words() word), top bit: kStarts.
    };
    static constexpr std::uint32_t kStarts = 0x80000000u;  ///< One of its stems begins a keyword.
    const Entry& resolve(const Word& w);
    void grow();

    const TopicMatcher& matcher_;
    std::vector<Entry> table_;
    std::size_t used_ = 0;
    std::vector<std::int32_t> pieces_;  ///< Two ids (English, Portuguese) per spec_words() word.
    std::vector<std::int32_t> sequence_[2];
  };

 private:
  /// Appends the keyword-stem ids of `token`'s words (spec_words()): per word the English id then
  /// the Portuguese id, -1 when no keyword uses that stem. Thread-safe (TokenIds).
  void resolve_token(std::string_view token, std::vector<std::int32_t>& out) const;
  /// resolve_token() without the cache: stems from the StemCache, ids from stem_ids_.
  void compute_token(std::string_view token, std::vector<std::int32_t>& out) const;
  /// Whether keyword-stem id `id` (>= 0) of language `lang` is the first stem of a keyword.
  bool starts_keyword(int lang, std::int32_t id) const {
    return !by_first_[lang][static_cast<std::size_t>(id)].empty();
  }
  /// Sets hits from a message's id sequences (index 0 English, 1 Portuguese).
  void match_sequences(const std::vector<std::int32_t> (&sequence)[2],
                       std::vector<char>& hit) const;

  struct Keyword {
    int topic;
    std::vector<std::int32_t> ids;  ///< Stem ids of its words under one stemmer.
  };
  std::vector<std::string> names_;
  std::shared_ptr<StemCache> stems_;
  std::unordered_map<std::string, std::int32_t, StringHash, std::equal_to<>> stem_ids_[2];
  std::vector<std::vector<Keyword>> by_first_[2];  ///< Keywords by their first stem id.
  std::size_t keyword_count_ = 0;

  /// Token → its keyword-stem ids (resolve_token's answer), kept across reports. Guarded by its
  /// mutex. Bounded: emptied when `max_tokens` are held (about 80 bytes each, so at most ~8 MB per
  /// taxonomy); a taxonomy whose tenants use more words falls back to the StemCache after that.
  struct TokenIds {
    std::mutex mutex;
    using Span = std::pair<std::uint32_t, std::uint32_t>;  ///< (offset, count) in `ids`.
    std::unordered_map<std::string, Span, StringHash, std::equal_to<>> tokens;
    std::vector<std::int32_t> ids;
    std::vector<std::int32_t> scratch;
    std::size_t max_tokens = 100000;
  };
  std::unique_ptr<TokenIds> token_ids_ = std::make_unique<TokenIds>();
};

}  // namespace zaplify::conversation
