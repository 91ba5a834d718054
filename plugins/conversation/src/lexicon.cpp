#include "lexicon.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "text_normalizer.h"

namespace zaplify::conversation {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Splits "entry<TAB>score" (or "entry   score"): the score is the last whitespace-separated field.
bool split_line(std::string_view line, std::string_view& entry, double& score) {
  auto cut = line.find_last_of(" \t");
  if (cut == std::string_view::npos) return false;
  entry = trim(line.substr(0, cut));
  auto num = trim(line.substr(cut + 1));
  if (entry.empty() || num.empty()) return false;
  if (num.front() == '+') num.remove_prefix(1);
  auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), score);
  return ec == std::errc() && p == num.data() + num.size();
}

bool is_ascii_word(std::string_view w) {
  for (char c : w)
    if (c < 'a' || c > 'z') return false;
  return true;
}

// Same length, and one letter replaced or two neighbours swapped.
bool one_replacement_or_swap(std::string_view a, std::string_view b) {
  std::size_t first = a.size(), count = 0;
  for (std::size_t k = 0; k < a.size(); ++k)
    if (a[k] != b[k]) {
      if (count++ == 0) first = k;
    }
  if (count == 1) return true;
  return count == 2 && first + 1 < a.size() && a[first] == b[first + 1] && a[first + 1] == b[first];
}

}  // namespace

void Lexicon::add_tsv(std::string_view content, const std::string& origin) {
  std::size_t line_no = 0;
  while (!content.empty()) {
    auto nl = content.find('\n');
    auto line = trim(content.substr(0, nl));
    content.remove_prefix(nl == std::string_view::npos ? content.size() : nl + 1);
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    std::string_view entry;
    double score = 0;
    if (!split_line(line, entry, score) || score < -5 || score > 5)
      throw std::runtime_error(origin + ":" + std::to_string(line_no) +
                               ": expected `word<TAB>score` with a score from -5 to 5");
    int words = 0;
    std::string key = fold_entry(entry, words);
    if (words == 0) continue;  // nothing matchable, e.g. a lone punctuation mark
    set(key, words, score);
  }
}

std::string Lexicon::fold_entry(std::string_view entry, int& words) {
  TokenizedText t;
  tokenize(entry, t);
  std::string key;
  words = 0;
  for (const auto& tok : t.tokens) {
    if (tok.kind != TokenKind::Word && tok.kind != TokenKind::Emoji) continue;
    if (!key.empty()) key.push_back(' ');
    key.append(t.view(tok));
    ++words;
  }
  return key;
}

void Lexicon::set(const std::string& key, int words, double score) {
  if (words > 1) {
    for (std::size_t space = key.find(' '); space != std::string::npos;
         space = key.find(' ', space + 1))
      phrase_prefixes_.insert(key.substr(0, space));
    if (words > max_phrase_words_) max_phrase_words_ = words;
  }
  if (words == 1 && key.size() >= kFuzzyMinLength && is_ascii_word(key)) {
    std::string variant;
    for (std::size_t k = 0; k < key.size(); ++k) {
      variant.assign(key).erase(k, 1);
      auto& keys = deletions_[variant];
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    }
  }
  entries_[key] = score;
  if (words == 1 && key.size() >= 4) {
    auto& keys = squashed_[squash_runs(key)];
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  }
}

double Lexicon::find_squashed(std::string_view squashed, bool& found) const {
  found = false;
  auto it = squashed_.find(squashed);
  if (it == squashed_.end()) return 0.0;
  double score = 0;
  for (std::size_t k = 0; k < it->second.size(); ++k) {
    const double v = entries_.find(it->second[k])->second;
    if (k > 0 && v != score) return 0.0;
    score = v;
  }
  found = true;
  return score;
}

double Lexicon::find_fuzzy(std::string_view word, bool& found, std::string* matched) const {
  found = false;
  if (word.size() < kFuzzyMinLength || !is_ascii_word(word)) return 0.0;
  double score = 0;
  bool any = false, agree = true;
  auto consider = [&](std::string_view key) {
    auto it = entries_.find(key);
    if (it == entries_.end()) return;
    if (any && it->second != score) agree = false;
    if (!any && matched) matched->assign(key);
    score = it->second;
    any = true;
  };
  // A letter dropped from an entry ("terible" for "terrible").
  if (auto it = deletions_.find(word); it != deletions_.end())
    for (const auto& key : it->second) consider(key);
  thread_local std::string variant;
  for (std::size_t k = 0; k < word.size(); ++k) {
    variant.assign(word).erase(k, 1);
    // A letter added to an entry ("horrivell").
    consider(variant);
    // A letter replaced ("maravilhozo" for "maravilhoso") or two swapped ("obirgado").
    if (auto it = deletions_.find(variant); it != deletions_.end())
      for (const auto& key : it->second)
        if (key.size() == word.size() && one_replacement_or_swap(key, word)) consider(key);
  }
  found = any && agree;
  return found ? score : 0.0;
}

std::vector<std::string> Lexicon::phrases_with(std::string_view word) const {
  std::vector<std::string> out;
  for (const auto& [key, score] : entries_) {
    if (key.find(' ') == std::string::npos) continue;
    for (std::size_t start = 0; start <= key.size();) {
      const std::size_t end = std::min(key.find(' ', start), key.size());
      if (std::string_view(key).substr(start, end - start) == word) {
        out.push_back(key);
        break;
      }
      start = end + 1;
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

double Lexicon::find(std::string_view key, bool& found) const {
  auto it = entries_.find(key);
  found = it != entries_.end();
  return found ? it->second : 0.0;
}

std::uint64_t Lexicon::fingerprint() const {
  // Sum of per-entry hashes: independent of the map's iteration order.
  std::uint64_t sum = entries_.size();
  StringHash h;
  for (const auto& [key, score] : entries_) {
    auto scaled = static_cast<std::int64_t>(score * 1000.0);
    std::uint64_t x = h(key) ^ (static_cast<std::uint64_t>(scaled) * 0x9E3779B97F4A7C15ull);
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 32;
    sum += x;
  }
  return sum;
}

}  // namespace zaplify::conversation
