#include "lexicon.h"

#include <charconv>
#include <stdexcept>

#include "text_normalizer.h"

namespace zaplify::conversation {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
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

// The folded key of an entry: words joined by spaces, or a single emoji/emoticon.
std::string folded_key(std::string_view entry, int& words) {
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
    std::string key = folded_key(entry, words);
    if (key.empty()) continue;  // nothing matchable, e.g. a lone punctuation mark
    if (words > 1) {
      phrase_heads_.insert(key.substr(0, key.find(' ')));
      if (words > max_phrase_words_) max_phrase_words_ = words;
    }
    entries_[std::move(key)] = score;
  }
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
