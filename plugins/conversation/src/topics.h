#pragma once
// Topic taxonomy matching and term statistics over lead messages (GET
// /analytics/conversations/topics).
//
// Messages are given as their folded words (text_normalizer.h: folded_words()), stored once at
// ingest, so this route never re-tokenises raw text.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "lexicon.h"

namespace zaplify::conversation {

/// The taxonomy `{name: [keyword or phrase, ...]}`. Immutable after construction; thread-safe.
class TopicMatcher {
 public:
  /// Throws std::invalid_argument when `topics` is not an object of string arrays.
  explicit TopicMatcher(const nlohmann::json& topics);

  const std::vector<std::string>& names() const { return names_; }

  /// Sets hit[t] = true for every topic t with a keyword in `folded` (a folded_words() string):
  /// whole words only, a phrase's words consecutive and within one clause.
  /// REQUIRES: hit.size() == names().size().
  void match(std::string_view folded, std::vector<char>& hit) const;

 private:
  struct Keyword {
    int topic;
    std::vector<std::string> rest;  ///< Words after the first.
  };
  std::vector<std::string> names_;
  std::unordered_map<std::string, std::vector<Keyword>, StringHash, std::equal_to<>> by_first_;
};

/// One lead message as the topic route reads it.
struct TopicMessage {
  std::string conversation_id;
  std::int64_t ts_ms = 0;
  double score = 0;
  std::string words;  ///< folded_words() of the text.
};

struct TermOptions {
  std::size_t limit = 20;  ///< Items in top_terms and in emerging_terms.
};

/// The response body of the topics route (without window/data_as_of): `topics`, `top_terms`,
/// `emerging_terms`, `conversations` (those with a lead message in W).
///
/// Emerging score of a term with conversation shares p in W and q in W′ (q = 0 when W′ has no
/// conversation): (p − q) · ln((p + 0.01) / (q + 0.01)), listed only when p > q. The first factor
/// rewards volume, the second the ratio; a term in 20 % of W and 1 % of W′ scores ≥ 0.44, while a
/// term going from 10 % to 0 scores 0.24 and one from 50 % to 30 % scores 0.10.
nlohmann::json topics_report(const std::vector<TopicMessage>& current,
                             const std::vector<TopicMessage>& previous,
                             const TopicMatcher& matcher, const StringSet& stop_words,
                             const TermOptions& options);

/// The emerging-term score above.
double emerging_score(double share_now, double share_before);

/// Folded stop words from a text file (one word per line, '#' comments).
void add_stop_words(std::string_view content, StringSet& out);

}  // namespace zaplify::conversation
