#pragma once
// One message's pass through the sentiment rules (plugins/conversation/README.md, "Sentiment"):
// collect the valenced terms with their modifiers (sentiment_pass.cpp), let the message's intent
// and sarcasm cues adjust them (sentiment_intent.cpp), then add emphasis and squash the sum into
// [-1, 1]. Internal to SentimentAnalyzer: one object per message, on one thread.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "lexicon.h"
#include "text_normalizer.h"

namespace zaplify::conversation {

/// A valenced word, phrase or emoji of the message.
struct ScoredTerm {
  std::size_t token = 0;
  std::size_t span = 1;
  double base = 0;     ///< the lexicon's valence
  double valence = 0;  ///< after modifiers and rules
  double weight = 1;   ///< contrast weight
  bool courtesy = false;
  bool service_word = false;  ///< "cancel", "atraso"...: neutral in a plain question or apology
  const char* rule = "lexicon";
};

/// What the pass learned about the message as a whole.
struct MessageFacts {
  int exclaims = 0;
  int questions = 0;
  std::size_t contrast_at = 0;  ///< token of the first but/mas/porém, or tokens.size()
  bool portuguese = false;
  bool all_caps = false;        ///< letters, none lower case
  bool eye_roll = false;        ///< 🙄 🙃 😒 😑
  bool clap = false;            ///< 👏
  bool repetition = false;      ///< "again", "de novo"
  bool sarcasm_marker = false;  ///< "yeah right", "só que não"
  bool complaint_cue = false;   ///< "why", "still", "cadê": a question that complains
  bool apology = false;
  bool request = false;         ///< "I need...", "gostaria de...": a request cue early in a clause
  bool rhetorical = false;      ///< "do you even", "ou não": a question that complains
  bool promise = false;         ///< "you said", "prometeram": a reported promise
  bool plain_question = false;  ///< a question that does not complain
  std::size_t first_word = 0;   ///< token of the message's first word, or tokens.size()
  int words = 0;                ///< words in the message
  double synthetic = 0;         ///< valence of a message-level rule with nothing else valenced
  const char* synthetic_rule = "";
  double emphasis = 0;  ///< '!' and shouting
  double raw = 0;       ///< the sum before the squash
};

class SentimentPass {
 public:
  /// `terms` and `roles` are scratch space the caller may reuse between messages; all references
  /// must outlive the pass.
  SentimentPass(const Lexicon& lexicon, const TokenizedText& text, std::vector<ScoredTerm>& terms,
                std::vector<std::uint32_t>& roles)
      : lex_(lexicon), t_(text), terms_(terms), roles_(roles) {}

  /// The compound score in [-1, 1] (not yet on the 2^-24 grid). Call once.
  double run();

  const MessageFacts& facts() const { return f_; }

 private:
  // sentiment_pass.cpp: terms and their modifiers.
  void collect();
  void collect_emoji(std::size_t i);
  void note_cues(std::size_t i, std::string_view w);
  double modify(std::size_t i, std::size_t span, double v, const char*& rule) const;
  std::string phrase_key(std::size_t i, std::size_t span) const;
  void push_term(const ScoredTerm& term);
  void push_marks(std::size_t token, std::size_t span);
  bool comparative_before(std::size_t i) const;

  // sentiment_intent.cpp: message-level rules.
  void apply_intent();
  void apply_acknowledgement();
  void apply_sarcasm();
  void apply_message_rules(double sum);
  bool in_quotes(const ScoredTerm& term) const;
  bool in_question_clause(const ScoredTerm& term) const;
  bool ends_with_question() const;
  bool praise_opener() const;

  const Lexicon& lex_;
  const TokenizedText& t_;
  std::vector<ScoredTerm>& terms_;
  std::vector<std::uint32_t>& roles_;  // per token, rule_roles() of its word (0 for other tokens)
  MessageFacts f_;
};

/// The explained intent: question, request, greeting, acknowledgement, complaint, praise or other.
std::string intent_of(const TokenizedText& t, const MessageFacts& facts, double score);

}  // namespace zaplify::conversation
