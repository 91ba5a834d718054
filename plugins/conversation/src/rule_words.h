#pragma once
// The roles the sentiment rules give to grammar words (negators, intensifiers, contrasts, courtesy,
// ...; the lists are plugins/conversation/cues/*.txt, read by sentiment_cues.h), folded into one
// bit set per word so that each word of a message costs one hash lookup, not ten. Internal to the
// analyser.

#include <cstdint>
#include <string_view>

namespace zaplify::conversation {

enum RuleRole : std::uint32_t {
  kNegator = 1,
  kPronounNegator = 2,  ///< "nobody", "nada": negates only the next three words
  kIntensifier = 4,
  kDampener = 8,
  kPostIntensifier = 16,  ///< after its word: "caro demais"
  kContrast = 32,         ///< but/mas/porém: ends a clause, weighs what follows
  kJoiner = 64,           ///< and/e/ou/porque: ends a negation's scope
  kCourtesy = 128,
  kComplaintCue = 256,            ///< why/still/cadê: a question that complains
  kCueHead = 512,                 ///< first word of a cue phrase (cue_flags())
  kPortuguese = 1024,             ///< a Portuguese function word (language guess)
  kRequest = 2048,                ///< need/could/gostaria...: a request when early in its clause
  kAckOpener = 4096,              ///< perfect/show/massa...: may open an acknowledgement
  kConditional = 1u << 13,        ///< if/se/caso: what follows in its clause is hypothetical
  kAskingVerb = 1u << 14,         ///< asked/sent/perguntei/mandei: with "N times", repeated asking
  kTimes = 1u << 15,              ///< times/vezes (after a count)
  kCount = 1u << 16,              ///< two/three/duas/várias/mil... (digits count too)
  kReporter = 1u << 17,           ///< said/told/disse: with a later modal, a reported promise
  kPromiseModal = 1u << 18,       ///< would/will/ia/iria: the promised part of a reported promise
  kFunctionVerb = 1u << 19,       ///< turn/charge/liga/carrega: negated, the product fails
  kModal = 1u << 20,              ///< could/can/poderia: "couldn't be better" is not negated
  kComparative = 1u << 21,        ///< more/better/mais/melhor
  kNever = 1u << 22,              ///< never/nunca: "never so bad" is not negated
  kSoMarker = 1u << 23,           ///< so/such/tão: "never so happy"
  kComparativeCloser = 1u << 24,  ///< impossível after a comparative: "mais feliz impossível"
  kInterjection = 1u << 25,       ///< wow/oh/nossa/que: may fill a sarcastic praise opener
  kElapsed = 1u << 26,            ///< been/faz/há: "it's been 10 days"
  kDuration = 1u << 27,           ///< days/weeks/dias/semanas
  // Set by the sentiment pass on its per-token copy, not by rule_roles():
  kInTerm = 1u << 28,    ///< the token is part of a matched term
  kEndsTerm = 1u << 29,  ///< the token is the last of a matched term
};

/// Bits 30-31 of rule_roles(): the most words of a cue phrase starting with the word (0-3).
inline int cue_phrase_words(std::uint32_t roles) { return static_cast<int>(roles >> 30); }

/// What a cue phrase (cues/*.txt) marks.
enum CueFlag : std::uint8_t {
  kRepetitionCue = 1,  ///< "again", "de novo"
  kSarcasmCue = 2,     ///< "yeah right", "só que não"
  kApologyCue = 4,     ///< "sorry", "foi mal"
  kRhetoricalCue = 8,  ///< "do you even", "ou não"
  kPromiseCue = 16,    ///< "you said", "prometeram"
};

/// The CueFlag bits of a folded phrase of one to three words joined by single spaces; 0 when it is
/// no cue. Thread-safe.
std::uint8_t cue_flags(std::string_view phrase);

/// The RuleRole bits of a folded word; 0 for a word with no role. Thread-safe.
std::uint32_t rule_roles(std::string_view word);

/// True for a service word that makes a routine request sound negative ("cancel", "atraso"):
/// neutral in a plain question or an apology.
bool is_service_word(std::string_view word);

/// True for a courtesy phrase of the lexicon ("thank you", "muito obrigado").
bool is_courtesy_phrase(std::string_view folded_phrase);

}  // namespace zaplify::conversation
