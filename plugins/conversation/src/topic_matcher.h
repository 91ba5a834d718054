#pragma once
// Topic taxonomy matching (SPEC §5 topics): a keyword or phrase matches a lead message when its
// stemmed word sequence occurs as consecutive words of the message's, under the Snowball English
// stemmer or under the Portuguese one ("entrega" matches "ENTREGAS", "refund" matches "refunded",
// "quanto custa" matches "quanto custava"; "price" does not match "priceless").
//
// Matching happens when a route reads, against the stored folded words of each message, so a
// taxonomy change (config reload, tenant_topics) applies to every stored message at once. Stems
// come from a StemCache shared by all taxonomies of one configuration.

#include <cstdint>
#include <memory>
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

  /// Matching state of one report: every distinct token is resolved to keyword stems once per
  /// report (one StemCache lookup), then each occurrence is one probe of a local table. Keeps views
  /// of the tokens it sees: their text must outlive the session. Not thread-safe: one per report.
  class Session {
   public:
    explicit Session(const TopicMatcher& matcher);
    /// match() over a message already split into hashed tokens.
    void match_words(const std::vector<Word>& words, std::vector<char>& hit);

   private:
    struct Entry {
      std::uint64_t hash = 0;
      std::string_view token;
      std::uint32_t first = 0, count = 0;  ///< Its pieces in pieces_.
      bool used = false;
    };
    const Entry& resolve(const Word& w);
    void grow();

    const TopicMatcher& matcher_;
    std::vector<Entry> table_;
    std::size_t used_ = 0;
    std::vector<std::int32_t> pieces_;  ///< Two ids (English, Portuguese) per SPEC word.
    std::vector<std::int32_t> sequence_[2];
  };

 private:
  /// Appends the keyword-stem ids of `token`'s SPEC words: per word the English id then the
  /// Portuguese id, -1 when no keyword uses that stem.
  void resolve_token(std::string_view token, std::vector<std::int32_t>& out) const;
  /// Sets hits from a message's id sequences (index 0 English, 1 Portuguese).
  void match_sequences(const std::vector<std::int32_t> (&sequence)[2], std::vector<char>& hit) const;

  struct Keyword {
    int topic;
    std::vector<std::int32_t> ids;  ///< Stem ids of its words under one stemmer.
  };
  std::vector<std::string> names_;
  std::shared_ptr<StemCache> stems_;
  std::unordered_map<std::string, std::int32_t, StringHash, std::equal_to<>> stem_ids_[2];
  std::vector<std::vector<Keyword>> by_first_[2];  ///< Keywords by their first stem id.
  std::size_t keyword_count_ = 0;
};

}  // namespace zaplify::conversation
