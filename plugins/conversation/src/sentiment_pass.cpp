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
constexpr double kFunctionFails = -2.0;   // "it doesn't turn on"
constexpr double kRepeatedAsking = -2.0;  // "I've asked three times"
constexpr double kTimeWaited = -1.5;      // "it's been 10 days"
double sign(double x) { return x < 0 ? -1.0 : 1.0; }

// True when some word of the phrase at i..i+span is a service word ("quero cancelar").
bool has_service_word(const TokenizedText& t, std::size_t i, std::size_t span) {
  for (std::size_t j = i; j < i + span && j < t.tokens.size(); ++j)
    if (t.tokens[j].kind == TokenKind::Word && is_service_word(t.view(t.tokens[j]))) return true;
  return false;
}

// A count before "times"/"vezes": a count word or a number of 2 or more.
bool is_count(std::string_view w, std::uint32_t roles) {
  if (roles & kCount) return true;
  if (w.empty() || w.size() > 4) return false;
  for (char c : w)
    if (c < '0' || c > '9') return false;
  return !(w.size() == 1 && w[0] < '2');
}

}  // namespace

bool SentimentPass::comparative_before(std::size_t i) const {
  std::size_t j = i;
  for (int k = 0; k < 3; ++k) {
    j = previous_word_in_clause(t_, j);
    if (j == t_.tokens.size()) return false;
    if (roles_[j] & kComparative) return true;
  }
  return false;
}

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
  int clause_word = 0;                   // position of the word in its clause
  bool conditional = false;              // after if/se/caso in this clause
  bool reporter = false;                 // a reporting verb ("said") so far
  bool asked = false;                    // a verb of asking ("asked", "mandei")
  std::size_t times_at = toks.size();    // "times"/"vezes" after a count
  std::size_t elapsed_at = toks.size();  // "days" in "it's been 10 days"
  std::size_t prev_word = toks.size();
  for (std::size_t i = 0; i < toks.size(); ++i) {
    const Token& tok = toks[i];
    if (tok.kind == TokenKind::Exclaim) ++f_.exclaims;
    if (tok.kind == TokenKind::Question) ++f_.questions;
    if (tok.kind == TokenKind::Emoji) collect_emoji(i);
    if (tok.kind != TokenKind::Word) {
      if (tok.kind != TokenKind::Emoji) {
        clause_word = 0;
        conditional = false;
        prev_word = toks.size();
      }
      continue;
    }
    if (f_.first_word == toks.size()) f_.first_word = i;
    ++f_.words;
    const auto w = t_.view(tok);
    letters = letters || std::any_of(w.begin(), w.end(), [](char c) { return c < '0' || c > '9'; });
    const std::uint32_t r = roles_[i];
    const std::size_t before = prev_word;
    prev_word = i;
    if ((r & kRequest) && clause_word < 3) f_.request = true;
    ++clause_word;
    if (r & kContrast) {
      if (f_.contrast_at == toks.size()) f_.contrast_at = i;
      conditional = false;
      continue;
    }
    // "se" right after a negator is reflexive ("não se preocupe").
    if ((r & kConditional) && !(before != toks.size() && (roles_[before] & kNegator) && w == "se"))
      conditional = true;
    if (r & kAskingVerb) asked = true;
    if (r & kReporter) reporter = true;
    if ((r & kPromiseModal) && reporter) f_.promise = true;
    if ((r & kTimes) && times_at == toks.size() &&
        ((r & kCount) ||
         (before != toks.size() && is_count(t_.view(toks[before]), roles_[before]))))
      times_at = i;
    // "it's been 10 days", "já faz uma semana": waiting, stated.
    if ((r & kDuration) && elapsed_at == toks.size() && before != toks.size() &&
        is_count(t_.view(toks[before]), roles_[before])) {
      const std::size_t marker = previous_word_in_clause(t_, before);
      if (marker != toks.size() && (roles_[marker] & kElapsed)) elapsed_at = i;
    }
    if ((r & kComplaintCue) && !conditional) f_.complaint_cue = true;
    if (r & kCueHead) note_cues(i, w);
    // Modifies the next word, unless it starts a lexicon phrase ("bem atendido", "muito obrigado").
    TermMatch m;
    if ((r & (kIntensifier | kDampener)) && next_word_in_clause(t_, i) != toks.size()) {
      if (!lex_.starts_phrase(w)) continue;
      m = match_term(lex_, t_, i, roles_);
      if (m.span < 2 || m.valence == 0) continue;
    }
    // "atrasou demais": already counted as emphasis of the word before.
    if ((r & kPostIntensifier) && !terms_.empty() &&
        previous_word_in_clause(t_, i) == terms_.back().token)
      continue;
    // "mais feliz impossível": "the most", not a complaint.
    if ((r & kComparativeCloser) && comparative_before(i)) continue;
    if (m.span < 2) m = match_term(lex_, t_, i, roles_);
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
      if (conditional) {
        term.valence = 0;
        term.rule = "ignored: conditional";
      }
      push_term(term);
    } else if (m.span > 1) {
      // A phrase listed at 0 still owns its words ("can't believe" how good: "good" is not
      // negated).
      push_marks(i, m.span);
    } else if ((r & kFunctionVerb) && !conditional) {
      // "it doesn't even turn on", "o carregador nem liga": a negated function is a failure.
      const char* rule = "lexicon";
      const double v = modify(i, 1, -kFunctionFails, rule);
      if (std::string_view(rule) == "negated") {
        ScoredTerm term;
        term.token = i;
        term.base = kFunctionFails;
        term.valence = v;
        term.rule = "negated function: fails";
        term.service_word = true;
        push_term(term);
      }
    }
    i += m.span - 1;
  }
  // "I've asked three times", "já mandei mensagem umas 5 vezes": repeated asking (unless a lexicon
  // phrase already counted those words).
  if (asked && times_at != toks.size() && !f_.apology) {
    f_.repetition = true;
    const bool counted = std::any_of(terms_.begin(), terms_.end(), [&](const ScoredTerm& t) {
      return t.token <= times_at && times_at < t.token + t.span;
    });
    if (!counted) {
      ScoredTerm term;
      term.token = times_at;
      term.base = term.valence = kRepeatedAsking;
      term.rule = "repeated asking";
      push_term(term);
    }
  }
  if (elapsed_at != toks.size() && !(roles_[elapsed_at] & kInTerm)) {
    ScoredTerm term;
    term.token = elapsed_at;
    term.base = term.valence = kTimeWaited;
    term.rule = "time waited";
    term.service_word = true;  // "it's been 3 days, any news?" is a plain question
    push_term(term);
  }
  f_.all_caps = letters && !t_.has_lower;
  if (f_.contrast_at != toks.size())
    for (auto& it : terms_)
      it.weight = it.token < f_.contrast_at ? kBeforeContrast : kAfterContrast;
}

void SentimentPass::collect_emoji(std::size_t i) {
  const auto e = t_.view(t_.tokens[i]);
  if (cues::sarcasm_emoji().count(e)) f_.eye_roll = true;
  if (cues::applause_emoji().count(e)) f_.clap = true;
  bool found = false;
  const double v = lex_.find(e, found);
  if (v == 0) return;
  ScoredTerm term;
  term.token = i;
  term.base = term.valence = v;
  term.rule = "emoji";
  push_term(term);
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

void SentimentPass::push_marks(std::size_t token, std::size_t span) {
  const std::size_t end = std::min(token + span, roles_.size());
  for (std::size_t j = token; j < end; ++j) roles_[j] |= kInTerm;
  roles_[end - 1] |= kEndsTerm;
}

// Records a term and marks its tokens (kInTerm, kEndsTerm) for the negation scan.
void SentimentPass::push_term(const ScoredTerm& term) {
  terms_.push_back(term);
  push_marks(term.token, term.span);
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
  bool superlative = false;  // "couldn't be happier", "never so bad", "nothing better"
  bool comparative = false, modal = false, so_marker = false;
  for (std::size_t j = i; j < i + span && j < toks.size(); ++j) {
    if (roles_[j] & kComparative) comparative = true;
    if (roles_[j] & kSoMarker) so_marker = true;  // "atendimento tão ruim" (an intensifier skipped)
  }
  // A valenced word or a function verb between the negator and a complaint word takes the
  // negation: "não resolve meu problema", "didn't like the delay" (the complaint stays one).
  bool blocked = false;
  int dist = 0;
  for (std::size_t j = i; j-- > 0;) {
    if (toks[j].kind == TokenKind::Emoji) continue;
    if (toks[j].kind != TokenKind::Word) break;  // clause boundary
    const std::uint32_t r = roles_[j];
    if (r & (kContrast | kJoiner)) break;
    if (r & kComparative) comparative = true;
    if (r & kModal) modal = true;
    if (r & kSoMarker) so_marker = true;
    const bool covering = (r & kInTerm) != 0;
    // A negator inside a matched phrase belongs to it ("never got" my money back), unless it ends
    // the phrase ("still not" fixed).
    const bool own = covering && !(r & kEndsTerm);
    if ((r & kNegator) && (!f_.portuguese || t_.view(toks[j]) != "no") &&
        (dist < 3 || !(r & kPronounNegator)) && !own) {
      if (!(blocked && v < 0)) negated = true;
      if ((comparative && (modal || (r & (kPronounNegator | kNever)))) ||
          ((r & kNever) && so_marker))
        superlative = true;
    } else if (covering || (r & kFunctionVerb)) {
      blocked = true;
    }
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
  if (negated && superlative) {
    rule = "superlative (negated comparative)";
    return v + sign(v) * kBoost;
  }
  if (negated) rule = "negated";
  return negated ? v * kNegation : v;
}

}  // namespace zaplify::conversation
