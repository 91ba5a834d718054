#pragma once
// A lexicon-based sentiment analyser in the spirit of VADER (Hutto & Gilbert, 2014), for short
// English and Brazilian Portuguese chat messages (rules: plugins/conversation/README.md).
//
// Per valenced word, phrase or emoji (term_matching.h: accents, repeated letters, typos): ALL-CAPS
// emphasis, intensifiers/dampeners among the three words before it and "demais" after it,
// negation anywhere before it in its clause (sentiment_pass.cpp). Then the message's intent
// (sentiment_intent.cpp): service words in a plain question, a polite request or an apology
// ("can I cancel?") and courtesy or an acknowledgement alone ("ok thanks", "perfect, talk
// tomorrow") count nothing, courtesy around a complaint does not soften it, praise inside a
// reported promise counts nothing, praise next to a sarcasm cue or in a rhetorical question flips.
// "but"/"mas"/"porém" halves what comes before and raises what follows by half, '!' and shouting
// add emphasis, a shouted or rhetorical question or a broken promise with nothing else valenced is
// negative, and the sum is squashed with x / sqrt(x² + 15) into [-1, 1].

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lexicon.h"
#include "text_normalizer.h"

namespace zaplify::conversation {

enum class SentimentLabel { Negative = -1, Neutral = 0, Positive = 1 };

/// positive when score ≥ 0.05, negative when ≤ -0.05, else neutral (docs/api.md, GET
/// /analytics/conversations/sentiment).
SentimentLabel label_of(double score);
const char* label_name(SentimentLabel label);

/// One term's (or rule's) share of a score, for explanations.
struct SentimentContribution {
  std::string term;    ///< Folded word, phrase or emoji; empty for a message-level rule.
  std::string rule;    ///< What applied, e.g. "lexicon", "negated", "sarcasm", "ignored: courtesy".
  double valence = 0;  ///< After modifiers, before the squash (0 for an ignored term).
  double contribution = 0;  ///< Share of `score`: the contributions add up to the score.
};

struct SentimentExplanation {
  double score = 0;
  SentimentLabel label = SentimentLabel::Neutral;
  std::string language;  ///< "en" or "pt" (a guess from function words).
  std::string intent;  ///< question, request, greeting, acknowledgement, complaint, praise, other.
  std::vector<SentimentContribution> terms;
};

/// Immutable after construction; score() is thread-safe (scratch space is thread-local).
class SentimentAnalyzer {
 public:
  explicit SentimentAnalyzer(std::shared_ptr<const Lexicon> lexicon);

  /// Compound score in [-1, 1], a multiple of 2^-24 (so sums are exact and order-free); 0 for
  /// text with nothing valenced (empty, digits only, ...).
  double score(std::string_view utf8) const;
  /// Same, over text already tokenised by tokenize() (lets the caller reuse the tokens).
  double score_tokens(const TokenizedText& tokens) const;

  /// Why `utf8` scores what it does: the same score as score(), with each term's contribution.
  /// Slower than score() (allocates); meant for an explain route, not for ingest.
  SentimentExplanation explain(std::string_view utf8) const;

  const Lexicon& lexicon() const { return *lexicon_; }

 private:
  std::shared_ptr<const Lexicon> lexicon_;
};

}  // namespace zaplify::conversation
