#include "sentiment_analyzer.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace zaplify::conversation {
namespace {

// Constants as in VADER, rescaled for AFINN-style valences (±5 rather than ±4).
constexpr double kBoost = 0.4;          // per intensifier ("very", "muito")
constexpr double kCapsEmphasis = 0.733; // an ALL-CAPS word in a mixed-case message
constexpr double kNegation = -0.74;     // "not good" is weaker than "bad"
constexpr double kExclaim = 0.292;      // per '!', at most four
constexpr double kBeforeContrast = 0.5; // "...but X": X matters more
constexpr double kAfterContrast = 1.5;
constexpr double kAlpha = 15.0;         // x / sqrt(x² + alpha)
constexpr double kDecay[3] = {1.0, 0.95, 0.9};

// Modifier words are grammar, not vocabulary, so they live here rather than in the data files.
// All are folded (no accents, lower case).
const StringSet& negators() {
  static const StringSet s{
      "not", "no", "never", "dont", "don't", "doesnt", "doesn't", "didnt", "didn't", "isnt",
      "isn't", "wasnt", "wasn't", "arent", "aren't", "werent", "weren't", "cant", "can't",
      "cannot", "couldnt", "couldn't", "wont", "won't", "wouldnt", "wouldn't", "shouldnt",
      "shouldn't", "havent", "haven't", "hasnt", "hasn't", "hadnt", "hadn't", "aint", "ain't",
      "nothing", "nobody", "none", "neither", "nor", "without", "nao", "n", "nunca", "nem",
      "jamais", "nada", "ninguem", "nenhum", "nenhuma", "sem", "tampouco"};
  return s;
}

const StringSet& intensifiers() {
  static const StringSet s{
      "very", "really", "so", "too", "extremely", "super", "totally", "absolutely", "completely",
      "incredibly", "highly", "truly", "especially", "utterly", "most", "more", "such", "damn",
      "freaking", "seriously", "insanely", "ridiculously", "hugely", "awfully", "terribly",
      "deeply", "majorly", "exceptionally", "remarkably", "muito", "muita", "muitos", "muitas",
      "mt", "mto", "mta", "mtt", "bem", "bastante", "extremamente", "totalmente",
      "completamente", "absolutamente", "tao", "mega", "hiper", "ultra", "realmente",
      "simplesmente", "mais", "tanto", "tanta", "incrivelmente", "altamente", "demasiado"};
  return s;
}

const StringSet& dampeners() {
  static const StringSet s{
      "slightly", "somewhat", "kinda", "sorta", "barely", "hardly", "little",
      "bit", "marginally", "partly", "fairly", "pouco", "pouquinho", "meio", "meia",
      "razoavelmente", "ligeiramente", "levemente", "quase", "meh"};
  return s;
}

// Words after the valenced one that intensify it ("caro demais").
const StringSet& post_intensifiers() {
  static const StringSet s{"demais", "dms", "pacas"};
  return s;
}

const StringSet& contrasts() {
  static const StringSet s{"but", "however", "mas", "porem", "contudo", "entretanto", "todavia"};
  return s;
}

// Portuguese "no" is "in the": only English text treats it as a negation.
const StringSet& portuguese_markers() {
  static const StringSet s{"de", "que", "nao", "voce", "vc", "eu", "um", "uma", "para", "pra",
                           "com", "muito", "meu", "minha", "esta", "ta", "foi", "o", "os", "do",
                           "da", "na", "mas", "isso", "obrigado", "obrigada", "e", "em", "ja"};
  return s;
}

double sign(double x) { return x < 0 ? -1.0 : 1.0; }

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

struct Scored {
  std::size_t token;
  double valence;
};

class Pass {
 public:
  Pass(const Lexicon& lex, const TokenizedText& t) : lex_(lex), t_(t) {}

  double run() {
    const auto& toks = t_.tokens;
    portuguese_ = looks_portuguese();
    std::size_t contrast_at = toks.size();
    int exclaims = 0;
    std::vector<Scored>& items = scratch();
    items.clear();
    for (std::size_t i = 0; i < toks.size(); ++i) {
      const Token& tok = toks[i];
      if (tok.kind == TokenKind::Exclaim) ++exclaims;
      if (tok.kind == TokenKind::Emoji) {
        bool found = false;
        double v = lex_.find(t_.view(tok), found);
        if (v != 0) items.push_back({i, v});
      }
      if (tok.kind != TokenKind::Word) continue;
      const auto w = t_.view(tok);
      if (contrasts().count(w)) {
        if (contrast_at == toks.size()) contrast_at = i;
        continue;
      }
      if (is_booster(w) && next_word(i) != toks.size()) continue;  // modifies the next word
      // "atrasou demais": already counted as emphasis of the word before.
      if (post_intensifiers().count(w) && !items.empty() && previous_word(i) == items.back().token)
        continue;
      std::size_t span = 1;
      double v = lookup(i, span);
      if (v != 0) items.push_back({i, modify(i, span, v)});
      i += span - 1;
    }
    double sum = 0;
    for (const auto& s : items) {
      double weight = 1.0;
      if (contrast_at != toks.size()) weight = s.token < contrast_at ? kBeforeContrast : kAfterContrast;
      sum += s.valence * weight;
    }
    if (sum != 0) sum += sign(sum) * kExclaim * std::min(exclaims, 4);
    return std::clamp(sum / std::sqrt(sum * sum + kAlpha), -1.0, 1.0);
  }

 private:
  static std::vector<Scored>& scratch() {
    thread_local std::vector<Scored> items;
    return items;
  }

  bool is_booster(std::string_view w) const {
    return intensifiers().count(w) > 0 || dampeners().count(w) > 0;
  }

  bool looks_portuguese() const {
    int pt = 0;
    for (const auto& tok : t_.tokens)
      if (tok.kind == TokenKind::Word && portuguese_markers().count(t_.view(tok))) ++pt;
    return pt > 0;
  }

  // Index of the next Word token in the same clause, or tokens.size().
  std::size_t next_word(std::size_t i) const {
    const auto& toks = t_.tokens;
    for (std::size_t j = i + 1; j < toks.size(); ++j) {
      if (toks[j].kind == TokenKind::Word) return j;
      if (toks[j].kind != TokenKind::Emoji) break;
    }
    return toks.size();
  }

  // Index of the previous Word token in the same clause, or tokens.size().
  std::size_t previous_word(std::size_t i) const {
    const auto& toks = t_.tokens;
    for (std::size_t j = i; j-- > 0;) {
      if (toks[j].kind == TokenKind::Word) return j;
      if (toks[j].kind != TokenKind::Emoji) break;
    }
    return toks.size();
  }

  // Valence of the word at i, preferring the longest phrase starting there; `span` = its words.
  double lookup(std::size_t i, std::size_t& span) const {
    const auto w = t_.view(t_.tokens[i]);
    bool found = false;
    if (lex_.starts_phrase(w)) {
      std::string key(w);
      std::size_t j = i;
      double best = 0;
      for (int n = 2; n <= lex_.max_phrase_words(); ++n) {
        j = next_word(j);
        if (j == t_.tokens.size()) break;
        key.push_back(' ');
        key.append(t_.view(t_.tokens[j]));
        double v = lex_.find(key, found);
        if (found) {
          best = v;
          span = j - i + 1;
        }
      }
      if (span > 1) return best;
    }
    double v = lex_.find(w, found);
    if (found || w.size() < 4) return v;
    v = lex_.find(squeeze(w, 2), found);
    if (found) return v;
    return lex_.find(squeeze(w, 1), found);
  }

  // Applies caps emphasis, intensifiers and negation from the clause around the word at i.
  double modify(std::size_t i, std::size_t span, double v) const {
    const auto& toks = t_.tokens;
    const bool shouting_allowed = t_.has_lower;  // an all-caps message emphasises nothing
    if (toks[i].all_caps && shouting_allowed) v += sign(v) * kCapsEmphasis;
    bool negated = false;
    int dist = 0;
    for (std::size_t j = i; j-- > 0 && dist < 3;) {
      if (toks[j].kind == TokenKind::Emoji) continue;
      if (toks[j].kind != TokenKind::Word) break;  // clause boundary
      const auto w = t_.view(toks[j]);
      if (negators().count(w) && (w != "no" || !portuguese_)) negated = true;
      double b = intensifiers().count(w) ? kBoost : dampeners().count(w) ? -kBoost : 0.0;
      if (b != 0) {
        double scalar = b * kDecay[dist];
        if (toks[j].all_caps && shouting_allowed) scalar += sign(b) * kCapsEmphasis;
        v += sign(v) * scalar;
      }
      ++dist;
    }
    std::size_t after = next_word(i + span - 1);
    if (after != toks.size() && post_intensifiers().count(t_.view(toks[after])))
      v += sign(v) * kBoost;
    return negated ? v * kNegation : v;
  }

  const Lexicon& lex_;
  const TokenizedText& t_;
  bool portuguese_ = false;
};

}  // namespace

SentimentLabel label_of(double score) {
  if (score >= 0.05) return SentimentLabel::Positive;
  if (score <= -0.05) return SentimentLabel::Negative;
  return SentimentLabel::Neutral;
}

const char* label_name(SentimentLabel label) {
  switch (label) {
    case SentimentLabel::Positive: return "positive";
    case SentimentLabel::Negative: return "negative";
    case SentimentLabel::Neutral: return "neutral";
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
  constexpr double kGrid = 16777216.0;  // 2^24
  return std::round(Pass(*lexicon_, tokens).run() * kGrid) / kGrid;
}

}  // namespace zaplify::conversation
