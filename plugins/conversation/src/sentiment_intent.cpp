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

constexpr double kSarcasm = -0.8;      // praise under a sarcasm cue: flipped, a bit weaker
constexpr double kCourtesyKept = 2.5;  // courtesy this strong ("muito obrigado") is praise
// Message-level rules for messages with nothing valenced left.
constexpr double kShoutedQuestion = -2.0;     // "CADÊ MEU PEDIDO???"
constexpr double kRepeatedQuestion = -1.5;    // "hello??? anyone???"
constexpr double kRhetoricalQuestion = -1.5;  // "do you guys even read this?"
constexpr double kBrokenPromise = -2.0;       // "you said it would arrive monday"

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
      if (it.service_word && it.valence < 0)
        ignore(it, plain_question  ? "ignored: service word in a question"
                   : plain_request ? "ignored: service word in a request"
                                   : "ignored: service word in an apology");
  for (auto& it : terms_) {
    if (f_.promise && it.valence > 0) ignore(it, "ignored: reported promise");
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
  }
}

void SentimentPass::apply_sarcasm() {
  bool praise = false, complaint = false, quoted = false;
  for (const auto& it : terms_) {
    if (it.valence > 0) praise = true;
    const Token& tok = t_.tokens[it.token];
    const bool clap = tok.kind == TokenKind::Emoji && t_.view(tok) == cues::kClap;
    if (it.valence < 0 && !clap) complaint = true;
    if (it.valence > 0 && in_quotes(it)) quoted = true;
  }
  const bool cue = f_.eye_roll || f_.sarcasm_marker || quoted ||
                   ((f_.clap || f_.repetition) && complaint) || (f_.rhetorical && f_.questions > 0);
  if (!praise || !cue) return;
  for (auto& it : terms_)
    if (it.valence > 0) {
      it.valence *= kSarcasm;
      it.rule = "sarcasm";
    }
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
