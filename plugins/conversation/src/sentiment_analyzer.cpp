#include "sentiment_analyzer.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include "sentiment_pass.h"

namespace zaplify::conversation {
namespace {

std::vector<ScoredTerm>& scratch_terms() {
  thread_local std::vector<ScoredTerm> terms;
  return terms;
}

std::vector<std::uint32_t>& scratch_roles() {
  thread_local std::vector<std::uint32_t> roles;
  return roles;
}

constexpr double kGrid = 16777216.0;  // 2^24

double on_grid(double x) { return std::round(x * kGrid) / kGrid; }

}  // namespace

SentimentLabel label_of(double score) {
  if (score >= 0.05) return SentimentLabel::Positive;
  if (score <= -0.05) return SentimentLabel::Negative;
  return SentimentLabel::Neutral;
}

const char* label_name(SentimentLabel label) {
  switch (label) {
    case SentimentLabel::Positive:
      return "positive";
    case SentimentLabel::Negative:
      return "negative";
    case SentimentLabel::Neutral:
      return "neutral";
  }
  return "neutral";
}

SentimentAnalyzer::SentimentAnalyzer(std::shared_ptr<const Lexicon> lexicon)
    : lexicon_(std::move(lexicon)) {}

double SentimentAnalyzer::score(std::string_view utf8) const {
  thread_local TokenizedText tokens;
  tokenize(utf8, tokens);
  return score_tokens(tokens);
}

double SentimentAnalyzer::score_tokens(const TokenizedText& tokens) const {
  // Scores sit on a grid of 2^-24: any sum of them (below 2^29 messages) is exact in a double, so
  // averages do not depend on the order of addition — how events were batched at ingest or
  // replayed after a toggle, or the plan PostgreSQL picks for SUM. 6e-8 is far below any label
  // threshold's meaning.
  return on_grid(SentimentPass(*lexicon_, tokens, scratch_terms(), scratch_roles()).run());
}

SentimentExplanation SentimentAnalyzer::explain(std::string_view utf8) const {
  TokenizedText t;
  tokenize(utf8, t);
  std::vector<ScoredTerm> items;
  std::vector<std::uint32_t> roles;
  SentimentPass pass(*lexicon_, t, items, roles);
  SentimentExplanation out;
  out.score = on_grid(pass.run());
  out.label = label_of(out.score);
  const MessageFacts& f = pass.facts();
  out.language = f.portuguese ? "pt" : "en";
  out.intent = intent_of(t, f, out.score);
  // Each part of the raw sum gets its proportional share of the squashed score, on the score's
  // 2^-24 grid; the last part takes the remainder. Sums of grid values this small are exact in a
  // double, so the shares add up to the score exactly, in any order.
  const double share = f.raw != 0 ? out.score / f.raw : 0.0;
  for (const auto& it : items) {
    SentimentContribution c;
    for (std::size_t j = it.token; j < it.token + it.span; ++j) {
      const auto& tok = t.tokens[j];
      if (tok.kind != TokenKind::Word && tok.kind != TokenKind::Emoji) continue;
      if (!c.term.empty()) c.term.push_back(' ');
      c.term.append(t.view(tok));
    }
    c.rule = it.weight < 1   ? std::string(it.rule) + ", before a contrast"
             : it.weight > 1 ? std::string(it.rule) + ", after a contrast"
                             : it.rule;
    c.valence = it.valence * it.weight;
    c.contribution = on_grid(c.valence * share);
    out.terms.push_back(std::move(c));
  }
  if (f.synthetic != 0)
    out.terms.push_back({"", f.synthetic_rule, f.synthetic, on_grid(f.synthetic * share)});
  if (f.emphasis != 0)
    out.terms.push_back({"", "emphasis: '!' or shouting", f.emphasis, on_grid(f.emphasis * share)});
  SentimentContribution* last = nullptr;
  for (auto& c : out.terms)
    if (c.valence != 0) last = &c;
  if (last) {
    double others = 0;
    for (const auto& c : out.terms)
      if (&c != last) others += c.contribution;
    last->contribution = out.score - others;
  }
  return out;
}

}  // namespace zaplify::conversation
