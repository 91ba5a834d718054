#pragma once
// A lexicon-based sentiment analyser in the spirit of VADER (Hutto & Gilbert, 2014), for short
// English and Brazilian Portuguese chat messages.
//
// Per valenced word or emoji: ALL-CAPS emphasis, intensifiers/dampeners among the three words
// before it (decaying with distance) and "demais" after it, negation among the three words before
// it (scaled by -0.74), all within the clause. Then "but"/"mas"/"porém" halves what comes before
// and raises what follows by half, '!' adds emphasis, and the sum is squashed with
// x / sqrt(x² + 15) into [-1, 1].

#include <memory>
#include <string_view>

#include "lexicon.h"
#include "text_normalizer.h"

namespace zaplify::conversation {

enum class SentimentLabel { Negative = -1, Neutral = 0, Positive = 1 };

/// positive when score ≥ 0.05, negative when ≤ -0.05, else neutral (SPEC §5).
SentimentLabel label_of(double score);
const char* label_name(SentimentLabel label);

/// Immutable after construction; score() is thread-safe (scratch space is thread-local).
class SentimentAnalyzer {
 public:
  explicit SentimentAnalyzer(std::shared_ptr<const Lexicon> lexicon);

  /// Compound score in [-1, 1], a multiple of 2^-24 (so sums are exact and order-free); 0 for
  /// text with nothing valenced (empty, digits only, ...).
  double score(std::string_view utf8) const;
  /// Same, over text already tokenised by tokenize() (lets the caller reuse the tokens).
  double score_tokens(const TokenizedText& tokens) const;

  const Lexicon& lexicon() const { return *lexicon_; }

 private:
  std::shared_ptr<const Lexicon> lexicon_;
};

}  // namespace zaplify::conversation
