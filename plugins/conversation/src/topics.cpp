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

std::vector<std::string> split_owned(std::string_view folded) {
  std::vector<std::string_view> views;
  split_words(folded, views);
  return {views.begin(), views.end()};
}

std::uint64_t fnv(std::uint64_t h, std::string_view s) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}
constexpr std::uint64_t kFnvBasis = 1469598103934665603ull;

bool is_term_word(std::string_view w, const StringSet& stop) {
  if (w.size() < 2 || w == kClauseBreak) return false;
  if (std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  return stop.find(w) == stop.end();
}

struct TermStat {
  std::string term;
  std::int64_t conversations = 0;
  std::int64_t last_conversation = -1;  // dedupes a term within one conversation
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

  const TermStat* find(std::uint64_t key) const {
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

// Message indices grouped by conversation (counting sort on a dense conversation index).
std::vector<std::vector<std::size_t>> group_by_conversation(const std::vector<TopicMessage>& msgs) {
  std::unordered_map<std::string_view, std::size_t, StringHash, std::equal_to<>> index;
  std::vector<std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    auto [it, fresh] = index.try_emplace(msgs[i].conversation_id, groups.size());
    if (fresh) groups.emplace_back();
    groups[it->second].push_back(i);
  }
  return groups;
}

void count_term(TermMap& terms, std::uint64_t key, std::int64_t conv, std::string_view a,
                std::string_view b) {
  auto& st = terms[key];
  if (st.last_conversation == conv) return;
  if (st.term.empty()) {
    st.term.assign(a);
    if (!b.empty()) st.term.append(" ").append(b);
  }
  st.last_conversation = conv;
  ++st.conversations;
}

// Unigrams and bigrams (two consecutive non-stop words of one clause) of one message.
void count_terms(const std::vector<std::string_view>& words, const StringSet& stop,
                 std::int64_t conv, TermMap& terms) {
  bool prev_ok = false;
  std::uint64_t prev_hash = 0;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const bool ok = is_term_word(words[i], stop);
    if (ok) {
      const std::uint64_t h = fnv(kFnvBasis, words[i]);
      count_term(terms, h, conv, words[i], {});
      if (prev_ok) count_term(terms, fnv(fnv(prev_hash, " "), words[i]), conv, words[i - 1], words[i]);
      prev_hash = h;
    }
    prev_ok = ok;
  }
}

WindowCounts count_window(const std::vector<TopicMessage>& msgs, const TopicMatcher& matcher,
                          const StringSet& stop, bool with_terms) {
  WindowCounts out;
  out.topics.resize(matcher.names().size());
  auto groups = group_by_conversation(msgs);
  out.conversations = static_cast<std::int64_t>(groups.size());
  std::vector<std::string_view> words;
  std::vector<char> hit(matcher.names().size());
  for (std::size_t c = 0; c < groups.size(); ++c) {
    const auto conv = static_cast<std::int64_t>(c);
    for (std::size_t m : groups[c]) {
      std::fill(hit.begin(), hit.end(), 0);
      matcher.match(msgs[m].words, hit);
      for (std::size_t t = 0; t < hit.size(); ++t) {
        if (!hit[t]) continue;
        auto& ts = out.topics[t];
        ++ts.messages;
        ts.score_sum += msgs[m].score;
        if (ts.last_conversation != conv) {
          ts.last_conversation = conv;
          ++ts.conversations;
        }
      }
      if (!with_terms) continue;
      split_words(msgs[m].words, words);
      count_terms(words, stop, conv, out.terms);
    }
  }
  return out;
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
    arr.push_back({{"topic", matcher.names()[t]},
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
};

nlohmann::json ranked_json(std::vector<RankedTerm>& ranked, std::size_t limit) {
  std::sort(ranked.begin(), ranked.end(), [](const RankedTerm& a, const RankedTerm& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.stat->conversations != b.stat->conversations)
      return a.stat->conversations > b.stat->conversations;
    return a.stat->term < b.stat->term;
  });
  auto arr = nlohmann::json::array();
  for (std::size_t i = 0; i < ranked.size() && i < limit; ++i)
    arr.push_back({{"term", ranked[i].stat->term},
                   {"conversations", ranked[i].stat->conversations},
                   {"score", ranked[i].score}});
  return arr;
}

}  // namespace

TopicMatcher::TopicMatcher(const nlohmann::json& topics) {
  if (topics.is_null()) return;
  if (!topics.is_object()) throw std::invalid_argument("topics must be a map of name to keyword list");
  for (const auto& [name, keywords] : topics.items()) {
    if (!keywords.is_array())
      throw std::invalid_argument("topics." + name + " must be a list of keywords");
    const int topic = static_cast<int>(names_.size());
    names_.push_back(name);
    for (const auto& kw : keywords) {
      if (!kw.is_string()) throw std::invalid_argument("topics." + name + ": keywords must be strings");
      auto words = split_owned(folded_words(kw.get<std::string>()));
      words.erase(std::remove(words.begin(), words.end(), std::string(kClauseBreak)), words.end());
      if (words.empty()) continue;
      Keyword k{topic, {words.begin() + 1, words.end()}};
      by_first_[words.front()].push_back(std::move(k));
    }
  }
}

void TopicMatcher::match(std::string_view folded, std::vector<char>& hit) const {
  thread_local std::vector<std::string_view> words;
  split_words(folded, words);
  for (std::size_t i = 0; i < words.size(); ++i) {
    auto it = by_first_.find(words[i]);
    if (it == by_first_.end()) continue;
    for (const auto& kw : it->second) {
      if (hit[kw.topic] || i + kw.rest.size() >= words.size()) continue;
      bool all = true;
      for (std::size_t k = 0; k < kw.rest.size() && all; ++k) all = words[i + 1 + k] == kw.rest[k];
      if (all) hit[kw.topic] = 1;
    }
  }
}

double emerging_score(double p, double q) {
  constexpr double kSmoothing = 0.01;
  return (p - q) * std::log((p + kSmoothing) / (q + kSmoothing));
}

nlohmann::json topics_report(const std::vector<TopicMessage>& current,
                             const std::vector<TopicMessage>& previous,
                             const TopicMatcher& matcher, const StringSet& stop_words,
                             const TermOptions& options) {
  const auto now = count_window(current, matcher, stop_words, true);
  const auto before = count_window(previous, matcher, stop_words, true);
  std::vector<RankedTerm> top, emerging;
  top.reserve(now.terms.size());
  const double n_now = static_cast<double>(now.conversations);
  const double n_before = static_cast<double>(before.conversations);
  now.terms.for_each([&](std::uint64_t key, const TermStat& st) {
    const double p = static_cast<double>(st.conversations) / n_now;
    top.push_back({&st, p});
    const TermStat* prev = before.terms.find(key);
    const double q = prev == nullptr || n_before == 0
                         ? 0.0
                         : static_cast<double>(prev->conversations) / n_before;
    if (p > q) emerging.push_back({&st, emerging_score(p, q)});
  });
  return {{"conversations", now.conversations},
          {"topics", topics_json(matcher, now, before)},
          {"top_terms", ranked_json(top, options.limit)},
          {"emerging_terms", ranked_json(emerging, options.limit)}};
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
