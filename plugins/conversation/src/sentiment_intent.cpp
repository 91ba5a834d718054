// Message-level rules of the sentiment pass: intent before polarity (questions, polite requests,
// apologies, courtesy and acknowledgements are not opinions), reported promises, rhetorical
// questions, sarcasm (praise next to a cue that undercuts it), and the values of messages with
// nothing valenced left (a shouted or rhetorical question, a broken promise).
#include <algorithm>
#include <cmath>

#include "rule_words.h"
#include "sentiment_analyzer.h"
#include "sentiment_cues.h"
#include "sentiment_pass.h"

namespace zaplify::conversation {
namespace {

constexpr double kSarcasm = -0.8;  // praise under a sarcasm cue: flipped, a bit weaker
constexpr double kCourtesyKept = 2.5;
constexpr std::size_t kOpenerTokens = 16;  // a praise opener is short
constexpr double kMildPraise = 2.0;  // "which is cheaper, ...?": mild praise words in a question
                                     // ask  // courtesy this strong ("muito obrigado") is praise
// Message-level rules for messages with nothing valenced left.
constexpr double kShoutedQuestion = -2.0;     // "CADÊ MEU PEDIDO???"
constexpr double kRepeatedQuestion = -1.5;    // "hello??? anyone???"
constexpr double kRhetoricalQuestion = -1.5;  // "do you guys even read this?"
constexpr double kBrokenPromise = -2.0;       // "you said it would arrive monday"
constexpr double kShoutedExclamation = -1.5;  // "ANSWER ME PLEASE!!!"
constexpr double kSarcasmMarker = -1.5;       // "yeah right" with nothing else valenced

void ignore(ScoredTerm& term, const char* why) {
  term.valence = 0;
  term.rule = why;
}

}  // namespace

void SentimentPass::apply_intent() {
  const bool shouted = f_.all_caps && (f_.questions >= 2 || f_.exclaims >= 2);
  const bool plain_question =
      f_.questions > 0 && f_.questions < 3 && !f_.complaint_cue && !f_.rhetorical && !shouted;
  const bool plain_request =
      f_.request && !f_.complaint_cue && !f_.repetition && !shouted && f_.exclaims < 2;
  f_.plain_question = plain_question;
  if (plain_question || plain_request || f_.apology)
    for (auto& it : terms_)
      // An apology covers what comes before a but/mas: "sorry to bother you, but it never arrived".
      if (it.service_word && it.valence < 0 &&
          (plain_question || plain_request || it.token < f_.contrast_at))
        ignore(it, plain_question  ? "ignored: service word in a question"
                   : plain_request ? "ignored: service word in a request"
                                   : "ignored: service word in an apology");
  for (auto& it : terms_) {
    if (f_.promise && it.valence > 0) ignore(it, "ignored: reported promise");
    // "como funciona a troca?", "is the quality good?": asking about it is not praising it.
    if (plain_question && it.valence > 0 && !it.courtesy &&
        (in_question_clause(it) ||
         (it.base <= kMildPraise && f_.exclaims == 0 && ends_with_question())))
      ignore(it, "ignored: praise word in a question");
    // "e aí, tudo certo?": a greeting, not praise.
    if (plain_question && it.valence > 0 && it.span > 1 &&
        cues::greeting_questions().count(phrase_key(it.token, it.span)))
      ignore(it, "ignored: greeting");
  }
  bool complaint = false, opinion = false;
  for (const auto& it : terms_) {
    if (it.courtesy || it.valence == 0) continue;
    opinion = true;
    complaint = complaint || it.valence < 0;
  }
  for (auto& it : terms_) {
    if (!it.courtesy || it.valence == 0) continue;
    if (complaint)
      ignore(it, "ignored: courtesy around a complaint");
    else if (!opinion && f_.exclaims == 0 && std::abs(it.valence) < kCourtesyKept)
      ignore(it, "ignored: courtesy");
  }
}

// "perfect, talk tomorrow then": praise opening an acknowledgement with nothing else valenced.
void SentimentPass::apply_acknowledgement() {
  const auto& toks = t_.tokens;
  const std::size_t first = f_.first_word;
  if (first == toks.size() || !(roles_[first] & kAckOpener) || f_.exclaims > 0) return;
  const std::size_t after = first + 1;
  if (after >= toks.size() || toks[after].kind != TokenKind::Break) return;
  if (std::none_of(toks.begin() + static_cast<std::ptrdiff_t>(after), toks.end(),
                   [](const Token& t) { return t.kind == TokenKind::Word; }))
    return;  // "perfeito." alone is praise
  ScoredTerm* opener = nullptr;
  for (auto& it : terms_) {
    if (it.token == first && it.span == 1)
      opener = &it;
    else if (it.valence != 0)
      return;
  }
  if (opener && opener->valence > 0) ignore(*opener, "ignored: acknowledgement");
}

void SentimentPass::apply_message_rules(double sum) {
  if (sum != 0) return;
  if (f_.questions >= 2 && f_.all_caps) {
    f_.synthetic = kShoutedQuestion;
    f_.synthetic_rule = "shouted question";
  } else if (f_.questions >= 3) {
    f_.synthetic = kRepeatedQuestion;
    f_.synthetic_rule = "repeated question marks";
  } else if (f_.questions > 0 && f_.rhetorical) {
    f_.synthetic = kRhetoricalQuestion;
    f_.synthetic_rule = "rhetorical question";
  } else if (f_.promise && !f_.plain_question) {
    f_.synthetic = kBrokenPromise;
    f_.synthetic_rule = "broken promise";
  } else if (f_.all_caps && f_.exclaims >= 2 && f_.words >= 2) {
    f_.synthetic = kShoutedExclamation;
    f_.synthetic_rule = "shouted exclamation";
  } else if (f_.sarcasm_marker) {
    f_.synthetic = kSarcasmMarker;
    f_.synthetic_rule = "sarcasm marker";
  }
}

void SentimentPass::apply_sarcasm() {
  bool praise = false, complaint = false, quoted = false;
  for (const auto& it : terms_) {
    if (it.valence > 0) praise = true;
    const Token& tok = t_.tokens[it.token];
    const bool clap =
        tok.kind == TokenKind::Emoji && cues::applause_emoji().count(t_.view(tok)) > 0;
    if (it.valence < 0 && !clap) complaint = true;
    if (it.valence > 0 && in_quotes(it)) quoted = true;
  }
  const bool cue = f_.eye_roll || f_.sarcasm_marker || quoted ||
                   ((f_.clap || f_.repetition) && complaint) ||
                   (f_.rhetorical && f_.questions > 0) || (complaint && praise_opener());
  if (!praise || !cue) return;
  for (auto& it : terms_)
    if (it.valence > 0) {
      it.valence *= kSarcasm;
      it.rule = "sarcasm";
    }
}

bool SentimentPass::ends_with_question() const {
  for (std::size_t k = t_.tokens.size(); k-- > 0;) {
    if (t_.tokens[k].kind == TokenKind::Emoji) continue;
    return t_.tokens[k].kind == TokenKind::Question;
  }
  return false;
}

bool SentimentPass::in_question_clause(const ScoredTerm& term) const {
  const auto& toks = t_.tokens;
  for (std::size_t k = term.token + term.span; k < toks.size(); ++k) {
    if (toks[k].kind == TokenKind::Question) return true;
    if (toks[k].kind == TokenKind::Break || toks[k].kind == TokenKind::Exclaim) return false;
  }
  return false;
}

// "wow, such great customer care, 5 days and no reply": the message opens with praise in clauses of
// their own (praise, intensifiers and interjections only), and every complaint comes after them,
// with no but/mas in the message. Such praise is sarcastic.
bool SentimentPass::praise_opener() const {
  const auto& toks = t_.tokens;
  if (f_.contrast_at != toks.size() || f_.first_word == toks.size()) return false;
  std::size_t first_negative = toks.size(), last_positive = 0;
  bool any_positive = false;
  for (const auto& it : terms_) {
    if (it.valence < 0 && it.token < first_negative) first_negative = it.token;
    if (it.valence > 0) {
      any_positive = true;
      last_positive = std::max(last_positive, it.token + it.span - 1);
    }
  }
  if (!any_positive || first_negative == toks.size() || last_positive > first_negative)
    return false;
  // The opener: from the first word to the clause break before the first complaint; every word in
  // it is part of a praise term or an interjection/intensifier, and it ends with a break.
  std::size_t end = first_negative;
  while (end > 0 &&
         (toks[end - 1].kind == TokenKind::Word || toks[end - 1].kind == TokenKind::Emoji))
    --end;
  if (end == 0 || end <= f_.first_word || end - f_.first_word > kOpenerTokens) return false;
  for (std::size_t k = f_.first_word; k < end; ++k) {
    if (toks[k].kind != TokenKind::Word) continue;
    if (roles_[k] & (kInterjection | kIntensifier)) continue;
    const bool in_praise = std::any_of(terms_.begin(), terms_.end(), [&](const ScoredTerm& it) {
      return it.valence > 0 && !it.courtesy && it.token <= k && k < it.token + it.span;
    });
    if (!in_praise) return false;
  }
  return true;
}

bool SentimentPass::in_quotes(const ScoredTerm& term) const {
  const auto& toks = t_.tokens;
  const std::size_t last = term.token + term.span - 1;
  auto is_quote = [&](std::size_t k) {
    return k < toks.size() && toks[k].kind == TokenKind::Break && t_.view(toks[k]) == "\"";
  };
  return term.token > 0 && is_quote(term.token - 1) && is_quote(last + 1);
}

std::string intent_of(const TokenizedText& t, const MessageFacts& f, double score) {
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

}  // namespace zaplify::conversation
