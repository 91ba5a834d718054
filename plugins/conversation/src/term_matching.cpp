#include "term_matching.h"

#include "rule_words.h"

#include <string>
#include <string_view>

namespace zaplify::conversation {
namespace {

// Collapses runs of 3+ equal letters to `keep` letters ("otimoooo" → "otimo" with keep = 1).
std::string squeeze(std::string_view w, std::size_t keep) {
  std::string out;
  out.reserve(w.size());
  for (std::size_t i = 0; i < w.size();) {
    std::size_t j = i;
    while (j < w.size() && w[j] == w[i]) ++j;
    out.append(j - i >= 3 ? keep : j - i, w[i]);
    i = j;
  }
  return out;
}

// True when some letter repeats `run` or more times in a row (cheap pre-check for squeeze()).
bool has_run(std::string_view w, std::size_t run) {
  std::size_t n = 1;
  for (std::size_t i = 1; i < w.size(); ++i) {
    n = w[i] == w[i - 1] ? n + 1 : 1;
    if (n >= run) return true;
  }
  return false;
}

// The longest phrase of the lexicon starting at word i (later words may have doubled letters; one
// intensifier inside may be skipped: "valeu super a pena").
bool match_phrase(const Lexicon& lex, const TokenizedText& t, std::size_t i,
                  const std::vector<std::uint32_t>& roles, TermMatch& out) {
  const auto w = t.view(t.tokens[i]);
  std::string key(w), squashed(w);
  std::size_t j = i;
  bool found = false, any = false, skipped = false;
  for (int n = 2; n <= lex.max_phrase_words(); ++n) {
    j = next_word_in_clause(t, j);
    if (j == t.tokens.size()) break;
    if (!skipped && (roles[j] & kIntensifier)) {
      const std::size_t after = next_word_in_clause(t, j);
      if (after != t.tokens.size()) {
        thread_local std::string probe;
        auto known = [&](std::size_t k) {
          probe.assign(key).append(" ").append(t.view(t.tokens[k]));
          bool f = false;
          lex.find(probe, f);
          return f || lex.continues_phrase(probe);
        };
        if (!known(j) && known(after)) {
          skipped = true;
          j = after;
        }
      }
    }
    const auto next = t.view(t.tokens[j]);
    key.append(" ").append(next);
    squashed.append(" ").append(next.size() >= 4 ? squash_runs(next) : std::string(next));
    double v = lex.find(key, found);
    if (!found && squashed != key) v = lex.find(squashed, found);
    if (found) {
      out = {v, j - i + 1, "phrase"};
      any = true;
    }
    if (!lex.continues_phrase(key) && (squashed == key || !lex.continues_phrase(squashed))) break;
  }
  return any;
}

}  // namespace

TermMatch match_term(const Lexicon& lex, const TokenizedText& t, std::size_t i,
                     const std::vector<std::uint32_t>& roles) {
  TermMatch out;
  const auto w = t.view(t.tokens[i]);
  if (lex.starts_phrase(w) && match_phrase(lex, t, i, roles, out)) return out;
  bool found = false;
  out.valence = lex.find(w, found);
  if (found || w.size() < 4) return out;
  out.how = "repeated letters";
  if (has_run(w, 3)) {
    for (std::size_t keep : {2, 1}) {
      out.valence = lex.find(squeeze(w, keep), found);
      if (found) return out;
    }
  }
  if (has_run(w, 2)) {
    const std::string squashed = squash_runs(w);
    out.valence = lex.find(squashed, found);
    if (found) return out;
    // Doubled letters wrong on both sides: "dissapointing" for "disappointing".
    out.valence = lex.find_squashed(squashed, found);
    if (found) return out;
  }
  out.how = "typo";
  out.valence = lex.find_fuzzy(w, found);
  if (!found) out.how = "lexicon";
  return out;
}

}  // namespace zaplify::conversation
