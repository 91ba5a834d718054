#include "topics.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "text_normalizer.h"

namespace zaplify::conversation {
namespace {

constexpr std::string_view kClauseBreak = ".";

void split_words(std::string_view folded, std::vector<std::string_view>& out) {
  out.clear();
  while (!folded.empty()) {
    auto sp = folded.find(' ');
    auto w = folded.substr(0, sp);
    if (!w.empty()) out.push_back(w);
    folded.remove_prefix(sp == std::string_view::npos ? folded.size() : sp + 1);
  }
}

constexpr std::uint64_t kFnvBasis = 1469598103934665603ull;

// Splits on spaces and hashes every word in the same pass (the hash is StringHash's FNV-1a).
void split_hashed(std::string_view folded, std::vector<TopicMatcher::Word>& out) {
  out.clear();
  const char* p = folded.data();
  const char* end = p + folded.size();
  while (p < end) {
    while (p < end && *p == ' ') ++p;
    const char* start = p;
    std::uint64_t h = kFnvBasis;
    while (p < end && *p != ' ') h = (h ^ static_cast<unsigned char>(*p++)) * 1099511628211ull;
    if (p > start) out.push_back({std::string_view(start, static_cast<std::size_t>(p - start)), h});
  }
}

std::vector<std::string> split_owned(std::string_view folded) {
  std::vector<std::string_view> views;
  split_words(folded, views);
  return {views.begin(), views.end()};
}

bool is_term_word(std::string_view w) {
  if (w.size() < 2 || w == kClauseBreak) return false;
  return !std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Bigram key from its two word hashes (not the hash of "a b": no second pass over the bytes).
std::uint64_t pair_key(std::uint64_t a, std::uint64_t b) {
  return (a * 0x9E3779B97F4A7C15ull) ^ ((b << 29) | (b >> 35)) ^ 0xD6E8FEB86659FD93ull;
}

struct TermStat {
  std::uint32_t offset = 0, length = 0;                    // its text in W's TopicRows::text()
  std::int64_t conversations = 0, last_conversation = -1;  // W; `last` dedupes per conversation
  std::int64_t previous = 0, previous_last = -1;           // W′
};

// Open addressing on the 64-bit term hash: the hot loop of the route does millions of lookups,
// and std::unordered_map's node per entry cost about twice as much (measured).
class TermMap {
 public:
  TermMap() : keys_(1024, 0), slots_(1024, -1) {}

  TermStat& operator[](std::uint64_t key) {
    key |= 1;  // 0 marks an empty slot
    if ((stats_.size() + 1) * 2 > keys_.size()) grow();
    std::size_t i = probe(key);
    if (keys_[i] == 0) {
      keys_[i] = key;
      slots_[i] = static_cast<std::int32_t>(stats_.size());
      stats_.emplace_back();
    }
    return stats_[static_cast<std::size_t>(slots_[i])];
  }

  TermStat* find(std::uint64_t key) {
    key |= 1;
    std::size_t i = probe(key);
    return keys_[i] == 0 ? nullptr : &stats_[static_cast<std::size_t>(slots_[i])];
  }

  /// Entries with their (tagged) keys.
  template <typename F>
  void for_each(F&& f) const {
    for (std::size_t i = 0; i < keys_.size(); ++i)
      if (keys_[i] != 0) f(keys_[i], stats_[static_cast<std::size_t>(slots_[i])]);
  }
  std::size_t size() const { return stats_.size(); }

 private:
  std::size_t probe(std::uint64_t key) const {
    const std::size_t mask = keys_.size() - 1;
    std::size_t i = static_cast<std::size_t>(key * 0x9E3779B97F4A7C15ull >> 20) & mask;
    while (keys_[i] != 0 && keys_[i] != key) i = (i + 1) & mask;
    return i;
  }
  void grow() {
    std::vector<std::uint64_t> old_keys(keys_.size() * 2, 0);
    std::vector<std::int32_t> old_slots(slots_.size() * 2, -1);
    old_keys.swap(keys_);
    old_slots.swap(slots_);
    for (std::size_t i = 0; i < old_keys.size(); ++i) {
      if (old_keys[i] == 0) continue;
      std::size_t j = probe(old_keys[i]);
      keys_[j] = old_keys[i];
      slots_[j] = old_slots[i];
    }
  }

  std::vector<std::uint64_t> keys_;
  std::vector<std::int32_t> slots_;
  std::vector<TermStat> stats_;
};

struct TopicStat {
  std::int64_t conversations = 0;
  std::int64_t messages = 0;
  double score_sum = 0;
  std::int64_t last_conversation = -1;
};

// Everything counted over one window.
struct WindowCounts {
  std::int64_t conversations = 0;
  std::vector<TopicStat> topics;
  TermMap terms;
};

// Message indices ordered by conversation (counting sort on the dense conversation index), so a
// conversation's messages are consecutive and per-conversation dedupe is one comparison.
std::vector<std::uint32_t> by_conversation(const TopicRows& rows) {
  std::vector<std::uint32_t> start(rows.conversations() + 1, 0);
  for (const auto& m : rows.messages()) ++start[m.conversation + 1];
  for (std::size_t i = 1; i < start.size(); ++i) start[i] += start[i - 1];
  std::vector<std::uint32_t> order(rows.messages().size());
  for (std::uint32_t i = 0; i < order.size(); ++i)
    order[start[rows.messages()[i].conversation]++] = i;
  return order;
}

// W inserts terms; W′ (`previous`) only counts terms W already has: a term absent from W is
// neither top nor emerging, so W′ never pays for inserting its own vocabulary.
void count_terms(const std::vector<TopicMatcher::Word>& words, std::uint32_t base, const char* text,
                 const FlatWordIndex& stop, std::int64_t conv, bool previous, TermMap& terms) {
  auto count = [&](std::uint64_t key, std::uint32_t off, std::uint32_t len) {
    TermStat* st;
    if (previous) {
      st = terms.find(key);
      if (st == nullptr || st->previous_last == conv) return;
      st->previous_last = conv;
      ++st->previous;
      return;
    }
    st = &terms[key];
    if (st->last_conversation == conv) return;
    if (st->conversations == 0) {
      st->offset = off;
      st->length = len;
    }
    st->last_conversation = conv;
    ++st->conversations;
  };
  bool prev_ok = false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const auto& w = words[i];
    const bool ok = is_term_word(w.text) && stop.find(w.text, w.hash) < 0;
    if (ok) {
      const auto off = base + static_cast<std::uint32_t>(w.text.data() - text);
      count(w.hash, off, static_cast<std::uint32_t>(w.text.size()));
      if (prev_ok) {
        const auto prev_off = base + static_cast<std::uint32_t>(words[i - 1].text.data() - text);
        count(pair_key(words[i - 1].hash, w.hash), prev_off,
              off + static_cast<std::uint32_t>(w.text.size()) - prev_off);
      }
    }
    prev_ok = ok;
  }
}

// Topics of `rows` into `out`; terms into `terms` (W's map, also for W′: see count_terms).
void count_window(const TopicRows& rows, const TopicMatcher& matcher,
                  TopicMatcher::Session& session, const FlatWordIndex& stop, bool previous,
                  WindowCounts& out, TermMap& terms) {
  out.topics.assign(matcher.names().size(), TopicStat{});
  out.conversations = static_cast<std::int64_t>(rows.conversations());
  std::vector<TopicMatcher::Word> words;
  std::vector<char> hit(matcher.names().size());
  const char* text = rows.text().data();
  for (std::uint32_t index : by_conversation(rows)) {
    const auto& m = rows.messages()[index];
    const auto conv = static_cast<std::int64_t>(m.conversation);
    split_hashed(std::string_view(text + m.offset, m.length), words);
    if (!hit.empty()) {
      std::fill(hit.begin(), hit.end(), 0);
      session.match_words(words, hit);
      for (std::size_t t = 0; t < hit.size(); ++t) {
        if (!hit[t]) continue;
        auto& ts = out.topics[t];
        ++ts.messages;
        ts.score_sum += m.score;
        if (ts.last_conversation != conv) {
          ts.last_conversation = conv;
          ++ts.conversations;
        }
      }
    }
    count_terms(words, 0, text, stop, conv, previous, terms);
  }
}

nlohmann::json ratio_or_null(double num, double den) {
  return den == 0 ? nlohmann::json(nullptr) : nlohmann::json(num / den);
}

nlohmann::json topics_json(const TopicMatcher& matcher, const WindowCounts& now,
                           const WindowCounts& before) {
  std::vector<std::size_t> order(matcher.names().size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (now.topics[a].conversations != now.topics[b].conversations)
      return now.topics[a].conversations > now.topics[b].conversations;
    return matcher.names()[a] < matcher.names()[b];
  });
  auto arr = nlohmann::json::array();
  for (std::size_t t : order) {
    const auto& cur = now.topics[t];
    const auto prev = before.topics[t].conversations;
    arr.push_back(
        {{"topic", matcher.names()[t]},
         {"conversations", cur.conversations},
         {"share", ratio_or_null(static_cast<double>(cur.conversations),
                                 static_cast<double>(now.conversations))},
         {"messages", cur.messages},
         {"avg_sentiment", ratio_or_null(cur.score_sum, static_cast<double>(cur.messages))},
         {"previous_conversations", prev},
         {"change_pct", prev == 0 ? nlohmann::json(nullptr)
                                  : nlohmann::json((cur.conversations - prev) * 100.0 /
                                                   static_cast<double>(prev))}});
  }
  return arr;
}

struct RankedTerm {
  const TermStat* stat;
  double score;
  std::string_view term;
};

nlohmann::json ranked_json(std::vector<RankedTerm>& ranked, std::size_t limit) {
  const std::size_t n = std::min(limit, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(n), ranked.end(),
                    [](const RankedTerm& a, const RankedTerm& b) {
                      if (a.score != b.score) return a.score > b.score;
                      if (a.stat->conversations != b.stat->conversations)
                        return a.stat->conversations > b.stat->conversations;
                      return a.term < b.term;
                    });
  auto arr = nlohmann::json::array();
  for (std::size_t i = 0; i < n; ++i)
    arr.push_back({{"term", std::string(ranked[i].term)},
                   {"conversations", ranked[i].stat->conversations},
                   {"score", ranked[i].score}});
  return arr;
}

}  // namespace

FlatWordIndex::FlatWordIndex() : hashes_(16, 0), values_(16, -1), words_(16), mask_(15) {}

void FlatWordIndex::insert(std::string_view word, int value) {
  if ((used_ + 1) * 2 > values_.size()) grow();
  const std::uint64_t h = StringHash{}(word);
  std::size_t i = slot(h);
  while (values_[i] >= 0 && !(hashes_[i] == h && words_[i] == word)) i = (i + 1) & mask_;
  if (values_[i] < 0) ++used_;
  hashes_[i] = h;
  values_[i] = value;
  words_[i] = std::string(word);
}

void FlatWordIndex::grow() {
  std::vector<std::uint64_t> hashes(hashes_.size() * 2, 0);
  std::vector<int> values(values_.size() * 2, -1);
  std::vector<std::string> words(words_.size() * 2);
  hashes.swap(hashes_);
  values.swap(values_);
  words.swap(words_);
  mask_ = values_.size() - 1;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] < 0) continue;
    std::size_t j = slot(hashes[i]);
    while (values_[j] >= 0) j = (j + 1) & mask_;
    hashes_[j] = hashes[i];
    values_[j] = values[i];
    words_[j] = std::move(words[i]);
  }
}

void TopicRows::add(std::string_view conversation_id, double score, std::string_view folded_words) {
  auto it = conversation_index_.find(conversation_id);
  if (it == conversation_index_.end())
    it = conversation_index_
             .emplace(std::string(conversation_id),
                      static_cast<std::uint32_t>(conversation_index_.size()))
             .first;
  messages_.push_back({it->second, static_cast<std::uint32_t>(text_.size()),
                       static_cast<std::uint32_t>(folded_words.size()), score});
  text_.append(folded_words);
}

double emerging_score(double p, double q) {
  constexpr double kSmoothing = 0.01;
  return (p - q) * std::log((p + kSmoothing) / (q + kSmoothing));
}

nlohmann::json topics_report(const TopicRows& current, const TopicRows& previous,
                             const TopicMatcher& matcher, const StringSet& stop_words,
                             const TermOptions& options) {
  FlatWordIndex stop;
  for (const auto& w : stop_words) stop.insert(w, 1);
  WindowCounts now, before;
  TopicMatcher::Session session(matcher);  // W and W′ share it: a word is resolved once per report
  count_window(current, matcher, session, stop, false, now, now.terms);
  count_window(previous, matcher, session, stop, true, before, now.terms);
  std::vector<RankedTerm> top, emerging;
  top.reserve(now.terms.size());
  const double n_now = static_cast<double>(now.conversations);
  const double n_before = static_cast<double>(before.conversations);
  const std::string& text = current.text();
  now.terms.for_each([&](std::uint64_t, const TermStat& st) {
    if (st.conversations == 0) return;
    const std::string_view term(text.data() + st.offset, st.length);
    const double p = static_cast<double>(st.conversations) / n_now;
    top.push_back({&st, p, term});
    const double q = n_before == 0 ? 0.0 : static_cast<double>(st.previous) / n_before;
    if (p > q) emerging.push_back({&st, emerging_score(p, q), term});
  });
  return {{"conversations", now.conversations},
          {"topics", topics_json(matcher, now, before)},
          {"top_terms", ranked_json(top, options.limit)},
          {"emerging_terms", ranked_json(emerging, options.limit)}};
}

nlohmann::json topics_report(const std::vector<TopicMessage>& current,
                             const std::vector<TopicMessage>& previous, const TopicMatcher& matcher,
                             const StringSet& stop_words, const TermOptions& options) {
  TopicRows now, before;
  for (const auto& m : current) now.add(m.conversation_id, m.score, m.words);
  for (const auto& m : previous) before.add(m.conversation_id, m.score, m.words);
  return topics_report(now, before, matcher, stop_words, options);
}

void add_stop_words(std::string_view content, StringSet& out) {
  while (!content.empty()) {
    auto nl = content.find('\n');
    auto line = content.substr(0, nl);
    content.remove_prefix(nl == std::string_view::npos ? content.size() : nl + 1);
    if (line.empty() || line.front() == '#') continue;
    for (auto& w : split_owned(folded_words(line)))
      if (w != kClauseBreak) out.insert(std::move(w));
  }
}

}  // namespace zaplify::conversation
