#include "sentiment_analyzer.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "sentiment_cues.h"

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
// Ours, not VADER's.
constexpr double kSarcasm = -0.8;           // praise under a sarcasm cue: flipped, a bit weaker
constexpr double kShoutedQuestion = -2.0;   // "CADÊ MEU PEDIDO???" with nothing valenced
constexpr double kRepeatedQuestion = -1.5;  // "hello??? anyone???"
constexpr double kCourtesyKept = 2.5;       // courtesy this strong ("muito obrigado") is praise

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

// Collapses every run of 2+ equal letters to one ("adoreii" → "adorei", "diaa" → "dia").
std::string squash_runs(std::string_view w) {
  std::string out;
  out.reserve(w.size());
  for (char c : w)
    if (out.empty() || out.back() != c) out.push_back(c);
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

// First words of the multi-word cues, so note_cues() builds keys only where one can start.
const StringSet& cue_heads() {
  static const StringSet s = [] {
    StringSet heads;
    for (const StringSet* set : {&cues::repetition_phrases(), &cues::sarcasm_phrases(), &cues::apology_words()})
      for (const auto& p : *set) heads.insert(p.substr(0, p.find(' ')));
    return heads;
  }();
  return s;
}

// Every rule word's roles, so that each word of a message costs one hash lookup, not ten.
enum Role : std::uint16_t {
  kNegator = 1, kPronounNegator = 2, kIntensifier = 4, kDampener = 8, kPostIntensifier = 16,
  kContrast = 32, kJoiner = 64, kCourtesy = 128, kComplaintCue = 256, kCueHead = 512,
  kPortuguese = 1024,
};

using RoleMap = std::unordered_map<std::string, std::uint16_t, StringHash, std::equal_to<>>;

const RoleMap& roles() {
  static const RoleMap m = [] {
    RoleMap r;
    const std::pair<const StringSet*, Role> sets[] = {
        {&cues::negators(), kNegator}, {&cues::pronoun_negators(), kPronounNegator},
        {&cues::intensifiers(), kIntensifier}, {&cues::dampeners(), kDampener},
        {&cues::post_intensifiers(), kPostIntensifier}, {&cues::contrasts(), kContrast},
        {&cues::clause_joiners(), kJoiner}, {&cues::courtesy_words(), kCourtesy},
        {&cues::complaint_question_cues(), kComplaintCue}, {&cue_heads(), kCueHead},
        {&cues::portuguese_markers(), kPortuguese}};
    for (const auto& [set, role] : sets)
      for (const auto& w : *set) r[w] |= role;
    return r;
  }();
  return m;
}

std::uint16_t roles_of(std::string_view w) {
  const auto& m = roles();
  auto it = m.find(w);
  return it == m.end() ? 0 : it->second;
}

bool is_loaded(std::string_view w) {
  for (auto p : cues::kLoadedPrefixes)
    if (w.starts_with(p)) return true;
  return false;
}

bool is_courtesy_phrase(std::string_view key) {
  return key == "thank you" || key == "thanks so much" || key == "thank you so much" ||
         key == "thanks a lot" || key == "por favor" || key == "muito obrigado" ||
         key == "muito obrigada";
}

struct Item {
  std::size_t token = 0;
  std::size_t span = 1;
  double base = 0;     // the lexicon's valence
  double valence = 0;  // after modifiers and rules
  double weight = 1;   // contrast weight
  bool courtesy = false;
  bool loaded = false;
  const char* rule = "lexicon";
};

struct Facts {
  int exclaims = 0;
  int questions = 0;
  std::size_t contrast_at = 0;
  bool portuguese = false;
  bool all_caps = false;        // letters, none lower case
  bool eye_roll = false;        // 🙄 🙃 😒 😑
  bool clap = false;            // 👏
  bool repetition = false;      // "again", "de novo"
  bool sarcasm_marker = false;  // "yeah right", "só que não"
  bool complaint_cue = false;   // "why", "still", "cadê": a question that complains
  bool apology = false;
  double synthetic = 0;         // a shouted or repeated question with nothing valenced
  double emphasis = 0;          // '!' and shouting
  double raw = 0;               // the sum before the squash
};

class Pass {
 public:
  Pass(const Lexicon& lex, const TokenizedText& t, std::vector<Item>& items,
       std::vector<std::uint16_t>& roles)
      : lex_(lex), t_(t), items_(items), roles_(roles) {}

  double run() {
    items_.clear();
    collect();
    apply_intent();
    apply_sarcasm();
    double sum = 0;
    for (const auto& it : items_) sum += it.valence * it.weight;
    if (sum == 0 && f_.questions >= 2 && f_.all_caps) f_.synthetic = kShoutedQuestion;
    else if (sum == 0 && f_.questions >= 3) f_.synthetic = kRepeatedQuestion;
    sum += f_.synthetic;
    if (sum != 0) {
      f_.emphasis = sign(sum) * kExclaim * std::min(f_.exclaims, 4);
      if (f_.all_caps && (f_.questions >= 2 || f_.exclaims >= 2)) f_.emphasis += sign(sum) * kCapsEmphasis;
    }
    f_.raw = sum + f_.emphasis;
    return std::clamp(f_.raw / std::sqrt(f_.raw * f_.raw + kAlpha), -1.0, 1.0);
  }

  const Facts& facts() const { return f_; }

 private:
  void collect() {
    const auto& toks = t_.tokens;
    roles_.assign(toks.size(), 0);
    for (std::size_t i = 0; i < toks.size(); ++i) {
      if (toks[i].kind != TokenKind::Word) continue;
      roles_[i] = roles_of(t_.view(toks[i]));
      if (roles_[i] & kPortuguese) f_.portuguese = true;
    }
    f_.contrast_at = toks.size();
    bool letters = false;
    for (std::size_t i = 0; i < toks.size(); ++i) {
      const Token& tok = toks[i];
      if (tok.kind == TokenKind::Exclaim) ++f_.exclaims;
      if (tok.kind == TokenKind::Question) ++f_.questions;
      if (tok.kind == TokenKind::Emoji) collect_emoji(i);
      if (tok.kind != TokenKind::Word) continue;
      const auto w = t_.view(tok);
      letters = letters || std::any_of(w.begin(), w.end(), [](char c) { return c < '0' || c > '9'; });
      const std::uint16_t r = roles_[i];
      if (r & kContrast) {
        if (f_.contrast_at == toks.size()) f_.contrast_at = i;
        continue;
      }
      if (r & kComplaintCue) f_.complaint_cue = true;
      if (r & kCueHead) note_cues(i, w);
      if ((r & (kIntensifier | kDampener)) && next_word(i) != toks.size()) continue;  // modifies the next word
      // "atrasou demais": already counted as emphasis of the word before.
      if ((r & kPostIntensifier) && !items_.empty() &&
          previous_word(i) == items_.back().token)
        continue;
      Item item;
      item.token = i;
      item.base = lookup(i, item.span, item.rule);
      if (item.base != 0) {
        item.valence = modify(i, item.span, item.base, item.rule);
        item.courtesy = item.base > 0 && (item.span == 1 ? (r & kCourtesy) != 0
                                                         : is_courtesy_phrase(phrase_key(i, item.span)));
        item.loaded = item.base < 0 && item.base >= -3 && is_loaded(w);
        items_.push_back(item);
      }
      i += item.span - 1;
    }
    f_.all_caps = letters && !t_.has_lower;
    for (auto& it : items_)
      if (f_.contrast_at != toks.size()) it.weight = it.token < f_.contrast_at ? kBeforeContrast : kAfterContrast;
  }

  void collect_emoji(std::size_t i) {
    const auto e = t_.view(t_.tokens[i]);
    if (cues::sarcasm_emoji().count(e)) f_.eye_roll = true;
    if (e == cues::kClap) f_.clap = true;
    bool found = false;
    const double v = lex_.find(e, found);
    if (v == 0) return;
    Item item;
    item.token = i;
    item.base = item.valence = v;
    item.rule = "emoji";
    items_.push_back(item);
  }

  // Sarcasm, repetition, apology and complaint-question cues starting at word i.
  void note_cues(std::size_t i, std::string_view w) {
    std::string key(w);
    std::size_t j = i;
    for (int n = 1; n <= 3; ++n) {
      if (n > 1) {
        j = next_word(j);
        if (j == t_.tokens.size()) break;
        key.push_back(' ');
        key.append(t_.view(t_.tokens[j]));
      }
      if (cues::repetition_phrases().count(key)) f_.repetition = true;
      if (cues::sarcasm_phrases().count(key)) f_.sarcasm_marker = true;
      if (cues::apology_words().count(key)) f_.apology = true;
    }
  }

  // Intent before polarity: requests, questions, apologies and courtesy are not opinions.
  void apply_intent() {
    const bool plain_question = f_.questions > 0 && f_.questions < 3 && !f_.complaint_cue &&
                                !(f_.all_caps && f_.questions >= 2);
    if (plain_question || f_.apology)
      for (auto& it : items_)
        if (it.loaded && it.valence < 0) ignore(it, plain_question ? "ignored: service word in a question"
                                                                   : "ignored: service word in an apology");
    bool complaint = false, opinion = false;
    for (const auto& it : items_) {
      if (it.courtesy || it.valence == 0) continue;
      opinion = true;
      complaint = complaint || it.valence < 0;
    }
    for (auto& it : items_) {
      if (!it.courtesy || it.valence == 0) continue;
      if (complaint) ignore(it, "ignored: courtesy around a complaint");
      else if (!opinion && f_.exclaims == 0 && std::abs(it.valence) < kCourtesyKept)
        ignore(it, "ignored: courtesy");
    }
  }

  // Praise next to a cue that undercuts it reads as its opposite.
  void apply_sarcasm() {
    bool praise = false, complaint = false, quoted = false;
    for (const auto& it : items_) {
      if (it.valence > 0) praise = true;
      const bool clap = t_.tokens[it.token].kind == TokenKind::Emoji && t_.view(t_.tokens[it.token]) == cues::kClap;
      if (it.valence < 0 && !clap) complaint = true;
      if (it.valence > 0 && in_quotes(it)) quoted = true;
    }
    const bool cue = f_.eye_roll || f_.sarcasm_marker || quoted ||
                     ((f_.clap || f_.repetition) && complaint);
    if (!praise || !cue) return;
    for (auto& it : items_)
      if (it.valence > 0) {
        it.valence *= kSarcasm;
        it.rule = "sarcasm";
      }
  }

  static void ignore(Item& it, const char* why) {
    it.valence = 0;
    it.rule = why;
  }

  bool in_quotes(const Item& it) const {
    const auto& toks = t_.tokens;
    const std::size_t last = it.token + it.span - 1;
    auto is_quote = [&](std::size_t k) {
      return k < toks.size() && toks[k].kind == TokenKind::Break && t_.view(toks[k]) == "\"";
    };
    return it.token > 0 && is_quote(it.token - 1) && is_quote(last + 1);
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

  std::string phrase_key(std::size_t i, std::size_t span) const {
    std::string key(t_.view(t_.tokens[i]));
    for (std::size_t j = i + 1; j < i + span; ++j)
      if (t_.tokens[j].kind == TokenKind::Word) key.append(" ").append(t_.view(t_.tokens[j]));
    return key;
  }

  // Valence of the word at i, preferring the longest phrase starting there; `span` = its tokens.
  double lookup(std::size_t i, std::size_t& span, const char*& how) const {
    const auto w = t_.view(t_.tokens[i]);
    bool found = false;
    if (lex_.starts_phrase(w)) {
      std::string key(w), squashed(w);
      std::size_t j = i;
      double best = 0;
      for (int n = 2; n <= lex_.max_phrase_words(); ++n) {
        j = next_word(j);
        if (j == t_.tokens.size()) break;
        const auto next = t_.view(t_.tokens[j]);
        key.append(" ").append(next);
        squashed.append(" ").append(next.size() >= 4 ? squash_runs(next) : std::string(next));
        double v = lex_.find(key, found);
        if (!found && squashed != key) v = lex_.find(squashed, found);
        if (found) {
          best = v;
          span = j - i + 1;
          how = "phrase";
        }
      }
      if (span > 1) return best;
    }
    double v = lex_.find(w, found);
    if (found || w.size() < 4) return v;
    how = "repeated letters";
    if (has_run(w, 3)) {
      for (std::size_t keep : {2, 1}) {
        v = lex_.find(squeeze(w, keep), found);
        if (found) return v;
      }
    }
    if (has_run(w, 2)) {
      v = lex_.find(squash_runs(w), found);
      if (found) return v;
    }
    how = "typo";
    v = lex_.find_fuzzy(w, found);
    if (!found) how = "lexicon";
    return v;
  }

  // Applies caps emphasis and intensifiers (three words back) and negation (back to the clause's
  // start: punctuation, but/mas/porém, and/e/ou) to the word at i.
  double modify(std::size_t i, std::size_t span, double v, const char*& rule) const {
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
    std::size_t after = next_word(i + span - 1);
    if (after != toks.size() && (roles_[after] & kPostIntensifier))
      v += sign(v) * kBoost;
    if (negated) rule = "negated";
    return negated ? v * kNegation : v;
  }

  const Lexicon& lex_;
  const TokenizedText& t_;
  std::vector<Item>& items_;
  std::vector<std::uint16_t>& roles_;  // per token, roles_of() its word (0 for other tokens)
  Facts f_;
};

std::vector<Item>& scratch_items() {
  thread_local std::vector<Item> items;
  return items;
}

std::vector<std::uint16_t>& scratch_roles() {
  thread_local std::vector<std::uint16_t> roles;
  return roles;
}

constexpr double kGrid = 16777216.0;  // 2^24

double on_grid(double x) { return std::round(x * kGrid) / kGrid; }

std::string intent_of(const TokenizedText& t, const Facts& f, double score) {
  std::string_view first;
  for (const auto& tok : t.tokens)
    if (tok.kind == TokenKind::Word) {
      first = t.view(tok);
      break;
    }
  if (label_of(score) == SentimentLabel::Negative) return "complaint";
  if (label_of(score) == SentimentLabel::Positive) return "praise";
  if (f.questions > 0 || cues::question_words().count(first)) return "question";
  if (cues::greeting_words().count(first)) return "greeting";
  if (cues::acknowledgement_words().count(first)) return "acknowledgement";
  if (cues::request_words().count(first)) return "request";
  return "other";
}

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
  return on_grid(Pass(*lexicon_, tokens, scratch_items(), scratch_roles()).run());
}

SentimentExplanation SentimentAnalyzer::explain(std::string_view utf8) const {
  TokenizedText t;
  tokenize(utf8, t);
  std::vector<Item> items;
  std::vector<std::uint16_t> roles;
  Pass pass(*lexicon_, t, items, roles);
  SentimentExplanation out;
  out.score = on_grid(pass.run());
  out.label = label_of(out.score);
  const Facts& f = pass.facts();
  out.language = f.portuguese ? "pt" : "en";
  out.intent = intent_of(t, f, out.score);
  // Each part of the raw sum gets its proportional share of the squashed score; the last part
  // takes the rounding remainder so that the shares add up to the score exactly.
  const double share = f.raw != 0 ? out.score / f.raw : 0.0;
  for (const auto& it : items) {
    SentimentContribution c;
    for (std::size_t j = it.token; j < it.token + it.span; ++j) {
      const auto& tok = t.tokens[j];
      if (tok.kind != TokenKind::Word && tok.kind != TokenKind::Emoji) continue;
      if (!c.term.empty()) c.term.push_back(' ');
      c.term.append(t.view(tok));
    }
    c.rule = it.weight < 1 ? std::string(it.rule) + ", before a contrast"
             : it.weight > 1 ? std::string(it.rule) + ", after a contrast"
                             : it.rule;
    c.valence = it.valence * it.weight;
    c.contribution = c.valence * share;
    out.terms.push_back(std::move(c));
  }
  if (f.synthetic != 0)
    out.terms.push_back({"", f.all_caps ? "shouted question" : "repeated question marks", f.synthetic,
                         f.synthetic * share});
  if (f.emphasis != 0)
    out.terms.push_back({"", "emphasis: '!' or shouting", f.emphasis, f.emphasis * share});
  double sum = 0;
  SentimentContribution* last = nullptr;
  for (auto& c : out.terms)
    if (c.contribution != 0) {
      sum += c.contribution;
      last = &c;
    }
  if (last) last->contribution += out.score - sum;
  return out;
}

}  // namespace zaplify::conversation
