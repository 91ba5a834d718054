#include "topic_matcher.h"

#include <stdexcept>

#include "text_normalizer.h"

namespace zaplify::conversation {
namespace {

template <typename F>
void for_each_token(std::string_view folded, F&& f) {
  while (!folded.empty()) {
    const auto sp = folded.find(' ');
    const auto token = folded.substr(0, sp);
    folded.remove_prefix(sp == std::string_view::npos ? folded.size() : sp + 1);
    if (!token.empty()) f(token);
  }
}

std::int32_t intern(std::unordered_map<std::string, std::int32_t, StringHash, std::equal_to<>>& ids,
                    const std::string& stem) {
  return ids.try_emplace(stem, static_cast<std::int32_t>(ids.size())).first->second;
}

}  // namespace

TopicMatcher::TopicMatcher(const nlohmann::json& topics, std::shared_ptr<StemCache> stems,
                           const std::string& key)
    : stems_(stems ? std::move(stems) : std::make_shared<StemCache>()) {
  if (topics.is_null()) return;
  if (!topics.is_object())
    throw std::invalid_argument(key + " must be a map of topic name to keyword list");
  for (const auto& [name, keywords] : topics.items()) {
    if (!keywords.is_array())
      throw std::invalid_argument(key + "." + name + " must be a list of keywords");
    const int topic = static_cast<int>(names_.size());
    names_.push_back(name);
    for (const auto& kw : keywords) {
      if (!kw.is_string())
        throw std::invalid_argument(key + "." + name + ": keywords must be strings");
      const auto text = kw.get<std::string>();
      const TokenStems s = stems_->stems_of_text(folded_words(text));
      if (s.english.empty())
        throw std::invalid_argument(key + "." + name + ": keyword '" + text +
                                    "' has no word (letters or digits)");
      const std::vector<std::string>* per_language[2] = {&s.english, &s.portuguese};
      for (int lang = 0; lang < 2; ++lang) {
        Keyword k{topic, {}};
        for (const auto& stem : *per_language[lang]) k.ids.push_back(intern(stem_ids_[lang], stem));
        auto& lists = by_first_[lang];
        if (lists.size() < stem_ids_[lang].size()) lists.resize(stem_ids_[lang].size());
        lists[static_cast<std::size_t>(k.ids.front())].push_back(std::move(k));
      }
      ++keyword_count_;
    }
  }
}

void TopicMatcher::resolve_token(std::string_view token, std::vector<std::int32_t>& out) const {
  TokenIds& cache = *token_ids_;
  std::lock_guard<std::mutex> lock(cache.mutex);  // then StemCache's, never the other way round
  auto it = cache.tokens.find(token);
  if (it == cache.tokens.end()) {
    if (cache.tokens.size() >= cache.max_tokens) {
      cache.tokens.clear();
      cache.ids.clear();
    }
    cache.scratch.clear();
    compute_token(token, cache.scratch);
    const auto offset = static_cast<std::uint32_t>(cache.ids.size());
    const auto count = static_cast<std::uint32_t>(cache.scratch.size());
    cache.ids.insert(cache.ids.end(), cache.scratch.begin(), cache.scratch.end());
    it = cache.tokens.emplace(std::string(token), std::pair{offset, count}).first;
  }
  const auto [offset, count] = it->second;
  out.insert(out.end(), cache.ids.begin() + offset, cache.ids.begin() + offset + count);
}

void TopicMatcher::compute_token(std::string_view token, std::vector<std::int32_t>& out) const {
  stems_->with_stems(token, [&](const TokenStems& s) {
    for (std::size_t i = 0; i < s.english.size(); ++i) {
      const auto en = stem_ids_[0].find(s.english[i]);
      const auto pt = stem_ids_[1].find(s.portuguese[i]);
      out.push_back(en == stem_ids_[0].end() ? -1 : en->second);
      out.push_back(pt == stem_ids_[1].end() ? -1 : pt->second);
    }
  });
}

void TopicMatcher::match_sequences(const std::vector<std::int32_t> (&sequence)[2],
                                   std::vector<char>& hit) const {
  for (int lang = 0; lang < 2; ++lang) {
    const auto& seq = sequence[lang];
    for (std::size_t i = 0; i < seq.size(); ++i) {
      if (seq[i] < 0) continue;
      for (const auto& kw : by_first_[lang][static_cast<std::size_t>(seq[i])]) {
        if (hit[static_cast<std::size_t>(kw.topic)] || i + kw.ids.size() > seq.size()) continue;
        bool all = true;
        for (std::size_t k = 1; k < kw.ids.size() && all; ++k) all = seq[i + k] == kw.ids[k];
        if (all) hit[static_cast<std::size_t>(kw.topic)] = 1;
      }
    }
  }
}

void TopicMatcher::match(std::string_view folded, std::vector<char>& hit) const {
  if (keyword_count_ == 0) return;
  std::vector<std::int32_t> pieces;
  for_each_token(folded, [&](std::string_view token) { resolve_token(token, pieces); });
  std::vector<std::int32_t> sequence[2];
  for (std::size_t i = 0; i + 1 < pieces.size(); i += 2) {
    sequence[0].push_back(pieces[i]);
    sequence[1].push_back(pieces[i + 1]);
  }
  match_sequences(sequence, hit);
}

TopicMatcher::Session::Session(const TopicMatcher& matcher) : matcher_(matcher), table_(1024) {}

void TopicMatcher::Session::grow() {
  std::vector<Entry> old(table_.size() * 2);
  old.swap(table_);
  const std::size_t mask = table_.size() - 1;
  for (const auto& e : old) {
    if (e.key == 0) continue;
    std::size_t i = static_cast<std::size_t>(e.key * 0x9E3779B97F4A7C15ull >> 20) & mask;
    while (table_[i].key != 0) i = (i + 1) & mask;
    table_[i] = e;
  }
}

const TopicMatcher::Session::Entry& TopicMatcher::Session::resolve(const Word& w) {
  const std::uint64_t key = w.hash | 1;
  std::size_t mask = table_.size() - 1;
  std::size_t i = static_cast<std::size_t>(key * 0x9E3779B97F4A7C15ull >> 20) & mask;
  for (; table_[i].key != 0; i = (i + 1) & mask)
    if (table_[i].key == key) return table_[i];
  // First sight of this word in the report: ask the taxonomy's token cache once.
  if ((used_ + 1) * 2 > table_.size()) {
    grow();
    mask = table_.size() - 1;
    i = static_cast<std::size_t>(key * 0x9E3779B97F4A7C15ull >> 20) & mask;
    while (table_[i].key != 0) i = (i + 1) & mask;
  }
  Entry& e = table_[i];
  e.key = key;
  e.first = static_cast<std::uint32_t>(pieces_.size());
  matcher_.resolve_token(w.text, pieces_);
  e.count = static_cast<std::uint32_t>(pieces_.size()) - e.first;
  bool starts = false;
  for (std::uint32_t k = e.first; k < e.first + e.count; k += 2)
    starts = starts || (pieces_[k] >= 0 && matcher_.starts_keyword(0, pieces_[k])) ||
             (pieces_[k + 1] >= 0 && matcher_.starts_keyword(1, pieces_[k + 1]));
  if (starts) e.count |= kStarts;
  ++used_;
  return e;
}

void TopicMatcher::Session::match_words(const std::vector<Word>& words, std::vector<char>& hit) {
  if (matcher_.keyword_count_ == 0) return;
  sequence_[0].clear();
  sequence_[1].clear();
  bool any = false;
  for (const auto& w : words) {
    const Entry& e = resolve(w);
    const std::uint32_t end = e.first + (e.count & ~kStarts);
    for (std::uint32_t k = e.first; k < end; k += 2) {
      sequence_[0].push_back(pieces_[k]);
      sequence_[1].push_back(pieces_[k + 1]);
    }
    any = any || (e.count & kStarts) != 0;
  }
  if (any) matcher_.match_sequences(sequence_, hit);
}

}  // namespace zaplify::conversation
