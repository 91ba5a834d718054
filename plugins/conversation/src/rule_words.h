#pragma once
// The roles the sentiment rules give to grammar words (negators, intensifiers, contrasts, courtesy,
// ...; the lists are in sentiment_cues.h), folded into one bit set per word so that each word of a
// message costs one hash lookup, not ten. Internal to the analyser.

#include <cstdint>
#include <string_view>

namespace zaplify::conversation {

enum RuleRole : std::uint16_t {
  kNegator = 1,
  kPronounNegator = 2,  ///< "nobody", "nada": negates only the next three words
  kIntensifier = 4,
  kDampener = 8,
  kPostIntensifier = 16,  ///< after its word: "caro demais"
  kContrast = 32,         ///< but/mas/porém: ends a clause, weighs what follows
  kJoiner = 64,           ///< and/e/ou/porque: ends a negation's scope
  kCourtesy = 128,
  kComplaintCue = 256,  ///< why/still/cadê: a question that complains
  kCueHead = 512,       ///< first word of a cue phrase (cue_flags())
  kPortuguese = 1024,   ///< a Portuguese function word (language guess)
  kRequest = 2048,      ///< need/could/gostaria...: a request when early in its clause
  kAckOpener = 4096,    ///< perfect/show/massa...: may open an acknowledgement
};

/// Bits 14-15 of rule_roles(): the most words of a cue phrase starting with the word (0-3).
inline int cue_phrase_words(std::uint16_t roles) { return roles >> 14; }

/// What a cue phrase of sentiment_cues.h marks.
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
std::uint16_t rule_roles(std::string_view word);

/// True for a service word that makes a routine request sound negative ("cancel", "atraso"):
/// neutral in a plain question or an apology.
bool is_service_word(std::string_view word);

/// True for a courtesy phrase of the lexicon ("thank you", "muito obrigado").
bool is_courtesy_phrase(std::string_view folded_phrase);

}  // namespace zaplify::conversation
