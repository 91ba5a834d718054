#include "sentiment_pass.h"

#include <algorithm>
#include <cmath>

#include "rule_words.h"
#include "sentiment_cues.h"
#include "term_matching.h"

namespace zaplify::conversation {
namespace {

// Constants as in VADER, rescaled for AFINN-style valences (±5 rather than ±4).
constexpr double kBoost = 0.4;           // per intensifier ("very", "muito")
constexpr double kCapsEmphasis = 0.733;  // an ALL-CAPS word in a mixed-case message
constexpr double kNegation = -0.74;      // "not good" is weaker than "bad"
constexpr double kExclaim = 0.292;       // per '!', at most four
constexpr double kBeforeContrast = 0.5;  // "...but X": X matters more
constexpr double kAfterContrast = 1.5;
constexpr double kAlpha = 15.0;  // x / sqrt(x² + alpha)
constexpr double kDecay[3] = {1.0, 0.95, 0.9};
double sign(double x) { return x < 0 ? -1.0 : 1.0; }

// True when some word of the phrase at i..i+span is a service word ("quero cancelar").
bool has_service_word(const TokenizedText& t, std::size_t i, std::size_t span) {
  for (std::size_t j = i; j < i + span && j < t.tokens.size(); ++j)
    if (t.tokens[j].kind == TokenKind::Word && is_service_word(t.view(t.tokens[j]))) return true;
  return false;
}

}  // namespace

double SentimentPass::run() {
  terms_.clear();
  collect();
  apply_intent();
  apply_acknowledgement();
  apply_sarcasm();
  double sum = 0;
  for (const auto& it : terms_) sum += it.valence * it.weight;
  apply_message_rules(sum);
  sum += f_.synthetic;
  if (sum != 0) {
    f_.emphasis = sign(sum) * kExclaim * std::min(f_.exclaims, 4);
    if (f_.all_caps && (f_.questions >= 2 || f_.exclaims >= 2))
      f_.emphasis += sign(sum) * kCapsEmphasis;
  }
  f_.raw = sum + f_.emphasis;
  return std::clamp(f_.raw / std::sqrt(f_.raw * f_.raw + kAlpha), -1.0, 1.0);
}

void SentimentPass::collect() {
  const auto& toks = t_.tokens;
  roles_.assign(toks.size(), 0);
  for (std::size_t i = 0; i < toks.size(); ++i) {
    if (toks[i].kind != TokenKind::Word) continue;
    roles_[i] = rule_roles(t_.view(toks[i]));
    if (roles_[i] & kPortuguese) f_.portuguese = true;
  }
  f_.contrast_at = toks.size();
  f_.first_word = toks.size();
  bool letters = false;
  int clause_word = 0;  // position of the word in its clause
  for (std::size_t i = 0; i < toks.size(); ++i) {
    const Token& tok = toks[i];
    if (tok.kind == TokenKind::Exclaim) ++f_.exclaims;
    if (tok.kind == TokenKind::Question) ++f_.questions;
    if (tok.kind == TokenKind::Emoji) collect_emoji(i);
    if (tok.kind != TokenKind::Word) {
      if (tok.kind != TokenKind::Emoji) clause_word = 0;
      continue;
    }
    if (f_.first_word == toks.size()) f_.first_word = i;
    const auto w = t_.view(tok);
    letters = letters || std::any_of(w.begin(), w.end(), [](char c) { return c < '0' || c > '9'; });
    const std::uint16_t r = roles_[i];
    if ((r & kRequest) && clause_word < 3) f_.request = true;
    ++clause_word;
    if (r & kContrast) {
      if (f_.contrast_at == toks.size()) f_.contrast_at = i;
      continue;
    }
    if (r & kComplaintCue) f_.complaint_cue = true;
    if (r & kCueHead) note_cues(i, w);
    // Modifies the next word.
    if ((r & (kIntensifier | kDampener)) && next_word_in_clause(t_, i) != toks.size()) continue;
    // "atrasou demais": already counted as emphasis of the word before.
    if ((r & kPostIntensifier) && !terms_.empty() &&
        previous_word_in_clause(t_, i) == terms_.back().token)
      continue;
    const TermMatch m = match_term(lex_, t_, i);
    if (m.valence != 0) {
      ScoredTerm term;
      term.token = i;
      term.span = m.span;
      term.base = m.valence;
      term.rule = m.how;
      term.valence = modify(i, m.span, m.valence, term.rule);
      term.courtesy = m.valence > 0 && (m.span == 1 ? (r & kCourtesy) != 0
                                                    : is_courtesy_phrase(phrase_key(i, m.span)));
      term.service_word = m.valence < 0 && m.valence >= -3 &&
                          (is_service_word(w) || (m.span > 1 && has_service_word(t_, i, m.span)));
      terms_.push_back(term);
    }
    i += m.span - 1;
  }
  f_.all_caps = letters && !t_.has_lower;
  if (f_.contrast_at != toks.size())
    for (auto& it : terms_)
      it.weight = it.token < f_.contrast_at ? kBeforeContrast : kAfterContrast;
}

void SentimentPass::collect_emoji(std::size_t i) {
  const auto e = t_.view(t_.tokens[i]);
  if (cues::sarcasm_emoji().count(e)) f_.eye_roll = true;
  if (e == cues::kClap) f_.clap = true;
  bool found = false;
  const double v = lex_.find(e, found);
  if (v == 0) return;
  ScoredTerm term;
  term.token = i;
  term.base = term.valence = v;
  term.rule = "emoji";
  terms_.push_back(term);
}

// Repetition, sarcasm, apology, rhetorical and promise cues starting at word i.
void SentimentPass::note_cues(std::size_t i, std::string_view w) {
  const int longest = cue_phrase_words(roles_[i]);
  std::string key(w);
  std::size_t j = i;
  for (int n = 1; n <= longest; ++n) {
    if (n > 1) {
      j = next_word_in_clause(t_, j);
      if (j == t_.tokens.size()) break;
      key.push_back(' ');
      key.append(t_.view(t_.tokens[j]));
    }
    const std::uint8_t flags = cue_flags(key);
    if (flags & kRepetitionCue) f_.repetition = true;
    if (flags & kSarcasmCue) f_.sarcasm_marker = true;
    if (flags & kApologyCue) f_.apology = true;
    if (flags & kRhetoricalCue) f_.rhetorical = true;
    if (flags & kPromiseCue) f_.promise = true;
  }
}

std::string SentimentPass::phrase_key(std::size_t i, std::size_t span) const {
  std::string key(t_.view(t_.tokens[i]));
  for (std::size_t j = i + 1; j < i + span; ++j)
    if (t_.tokens[j].kind == TokenKind::Word) key.append(" ").append(t_.view(t_.tokens[j]));
  return key;
}

// Applies caps emphasis and intensifiers (three words back) and negation (back to the clause's
// start: punctuation, but/mas/porém, and/e/ou) to the word at i.
double SentimentPass::modify(std::size_t i, std::size_t span, double v, const char*& rule) const {
  const auto& toks = t_.tokens;
  const bool shouting_allowed = t_.has_lower;  // an all-caps message emphasises nothing
  if (toks[i].all_caps && shouting_allowed) v += sign(v) * kCapsEmphasis;
  bool negated = false;
  int dist = 0;
  for (std::size_t j = i; j-- > 0;) {
    if (toks[j].kind == TokenKind::Emoji) continue;
    if (toks[j].kind != TokenKind::Word) break;  // clause boundary
    const std::uint16_t r = roles_[j];
    if (r & (kContrast | kJoiner)) break;
    if ((r & kNegator) && (!f_.portuguese || t_.view(toks[j]) != "no") &&
        (dist < 3 || !(r & kPronounNegator)))
      negated = true;
    if (dist < 3) {
      double b = (r & kIntensifier) ? kBoost : (r & kDampener) ? -kBoost : 0.0;
      if (b != 0) {
        double scalar = b * kDecay[dist];
        if (toks[j].all_caps && shouting_allowed) scalar += sign(b) * kCapsEmphasis;
        v += sign(v) * scalar;
      }
    }
    ++dist;
  }
  std::size_t after = next_word_in_clause(t_, i + span - 1);
  if (after != toks.size() && (roles_[after] & kPostIntensifier)) v += sign(v) * kBoost;
  if (negated) rule = "negated";
  return negated ? v * kNegation : v;
}

}  // namespace zaplify::conversation
