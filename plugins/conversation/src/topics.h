#pragma once
// Topic taxonomy matching and term statistics over lead messages (GET
// /analytics/conversations/topics).
//
// Messages are given as their folded words (text_normalizer.h: folded_words()), stored once at
// ingest, so this route never re-tokenises raw text. Taxonomy matching: topic_matcher.h.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "lexicon.h"
#include "topic_matcher.h"

namespace zaplify::conversation {

/// a == b, inlined: the route looks up one stored word per occurrence, and most are shorter than
/// 16 bytes, where a call to memcmp costs more than the comparison.
inline bool same_word(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  std::size_t n = a.size();
  for (; n >= 8; n -= 8, p += 8, q += 8) {
    std::uint64_t x, y;
    std::memcpy(&x, p, 8);
    std::memcpy(&y, q, 8);
    if (x != y) return false;
  }
  for (; n > 0; --n)
    if (*p++ != *q++) return false;
  return true;
}

/// word → small int, open addressing on the word's FNV-1a hash (the words are verified, so a hash
/// collision cannot give a false hit). Immutable after building; thread-safe to read.
class FlatWordIndex {
 public:
  FlatWordIndex();
  /// Adds or replaces `word`.
  void insert(std::string_view word, int value);
  /// The value of `word` whose hash is `hash`, or -1.
  int find(std::string_view word, std::uint64_t hash) const {
    for (std::size_t i = slot(hash);; i = (i + 1) & mask_) {
      if (values_[i] < 0) return -1;
      if (hashes_[i] == hash && same_word(words_[i], word)) return values_[i];
    }
  }

 private:
  std::size_t slot(std::uint64_t hash) const {
    return static_cast<std::size_t>(hash * 0x9E3779B97F4A7C15ull >> 40) & mask_;
  }
  void grow();
  std::vector<std::uint64_t> hashes_;
  std::vector<int> values_;
  std::vector<std::string> words_;
  std::size_t mask_ = 0, used_ = 0;
};

/// One lead message as the topic route reads it.
struct TopicMessage {
  std::string conversation_id;
  std::int64_t ts_ms = 0;
  double score = 0;
  std::string words;  ///< folded_words() of the text.
};

/// Lead messages of one window, packed for the topic route: all folded words back to back in one
/// buffer and conversation ids interned, so loading 100,000 rows allocates almost nothing per row.
class TopicRows {
 public:
  struct Message {
    std::uint32_t conversation;    ///< Dense index, 0 .. conversations()-1.
    std::uint32_t offset, length;  ///< Of its folded words in text().
    double score;
  };
  void add(std::string_view conversation_id, double score, std::string_view folded_words);
  const std::vector<Message>& messages() const { return messages_; }
  std::size_t conversations() const { return conversation_index_.size(); }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::vector<Message> messages_;
  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> conversation_index_;
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
                             const std::vector<TopicMessage>& previous, const TopicMatcher& matcher,
                             const StringSet& stop_words, const TermOptions& options);

/// The same over packed rows (what the route uses).
nlohmann::json topics_report(const TopicRows& current, const TopicRows& previous,
                             const TopicMatcher& matcher, const StringSet& stop_words,
                             const TermOptions& options);

/// The emerging-term score above.
double emerging_score(double share_now, double share_before);

/// Folded stop words from a text file (one word per line, '#' comments).
void add_stop_words(std::string_view content, StringSet& out);

}  // namespace zaplify::conversation
