#include "rule_words.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>

#include "sentiment_cues.h"

namespace zaplify::conversation {
namespace {

using CueMap = std::unordered_map<std::string, std::uint8_t, StringHash, std::equal_to<>>;

// Every cue phrase with its flags: one lookup per candidate phrase of a message.
const CueMap& cue_map() {
  static const CueMap m = [] {
    CueMap c;
    const std::pair<const StringSet*, CueFlag> sets[] = {
        {&cues::repetition_phrases(), kRepetitionCue},
        {&cues::sarcasm_phrases(), kSarcasmCue},
        {&cues::apology_words(), kApologyCue},
        {&cues::rhetorical_phrases(), kRhetoricalCue},
        {&cues::promise_phrases(), kPromiseCue}};
    for (const auto& [set, flag] : sets)
      for (const auto& p : *set) c[p] |= flag;
    return c;
  }();
  return m;
}

using RoleMap = std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>>;

const RoleMap& roles() {
  static const RoleMap m = [] {
    RoleMap r;
    const std::pair<const StringSet*, RuleRole> sets[] = {
        {&cues::negators(), kNegator},
        {&cues::pronoun_negators(), kPronounNegator},
        {&cues::intensifiers(), kIntensifier},
        {&cues::dampeners(), kDampener},
        {&cues::post_intensifiers(), kPostIntensifier},
        {&cues::contrasts(), kContrast},
        {&cues::clause_joiners(), kJoiner},
        {&cues::courtesy_words(), kCourtesy},
        {&cues::complaint_question_cues(), kComplaintCue},
        {&cues::portuguese_markers(), kPortuguese},
        {&cues::laughter(), kCourtesy},
        {&cues::request_cues(), kRequest},
        {&cues::acknowledgement_openers(), kAckOpener},
        {&cues::conditionals(), kConditional},
        {&cues::asking_verbs(), kAskingVerb},
        {&cues::times_words(), kTimes},
        {&cues::count_words(), kCount},
        {&cues::reporting_verbs(), kReporter},
        {&cues::promise_modals(), kPromiseModal},
        {&cues::function_verbs(), kFunctionVerb},
        {&cues::modals(), kModal},
        {&cues::comparatives(), kComparative},
        {&cues::never_words(), kNever},
        {&cues::so_markers(), kSoMarker},
        {&cues::comparative_closers(), kComparativeCloser},
        {&cues::interjections(), kInterjection},
        {&cues::elapsed_markers(), kElapsed},
        {&cues::duration_units(), kDuration}};
    for (const auto& [set, role] : sets)
      for (const auto& w : *set) r[w] |= role;
    for (const auto& [phrase, flags] : cue_map()) {
      const int words = 1 + static_cast<int>(std::count(phrase.begin(), phrase.end(), ' '));
      auto& roles = r[phrase.substr(0, phrase.find(' '))];
      roles |= kCueHead;
      if (words > cue_phrase_words(roles))
        roles = (roles & 0x3FFFFFFFu) | (static_cast<std::uint32_t>(words) << 30);
    }
    return r;
  }();
  return m;
}

}  // namespace

std::uint32_t rule_roles(std::string_view word) {
  const auto& m = roles();
  auto it = m.find(word);
  return it == m.end() ? 0 : it->second;
}

std::uint8_t cue_flags(std::string_view phrase) {
  const auto& m = cue_map();
  auto it = m.find(phrase);
  return it == m.end() ? 0 : it->second;
}

bool is_service_word(std::string_view word) {
  for (const auto& p : cues::service_prefixes())
    if (word.starts_with(p)) return true;
  return false;
}

bool is_courtesy_phrase(std::string_view key) { return cues::courtesy_phrases().count(key) > 0; }

}  // namespace zaplify::conversation
