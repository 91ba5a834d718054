#pragma once
// Word lists the sentiment analyser's rules use (grammar and cues, not vocabulary: valences live in
// the lexicon files). The lists are data: plugins/conversation/cues/<name>.txt, one entry per line
// ('#' comments), embedded into the library at build time (cmake/embed_cues.cmake) and folded
// (lower case, no accents) when first used. Written for Zaplify. Internal to the analyser.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lexicon.h"

namespace zaplify::conversation::cues {

/// One embedded cues/<name>.txt.
struct EmbeddedCueFile {
  const char* name;  ///< file name without ".txt"
  const char* data;
  std::size_t size;
};

/// Every embedded cue file, sorted by name (generated source).
std::span<const EmbeddedCueFile> embedded_files();

/// The folded entries of cues/<name>.txt, in file order. Thread-safe (built once). Throws
/// std::logic_error for a list that was not embedded.
const std::vector<std::string>& entries(std::string_view name);
/// The same as a set.
const StringSet& list(std::string_view name);

/// Digest of every embedded list: part of the analyser's fingerprint, so editing a list re-scores
/// stored messages like a lexicon edit does.
std::uint64_t digest();

// The lists by role (see each file's header for what the rule does with it).
#define ZAPLIFY_CUE_LIST(fn)               \
  inline const StringSet& fn() {           \
    static const StringSet& s = list(#fn); \
    return s;                              \
  }
ZAPLIFY_CUE_LIST(negators)
ZAPLIFY_CUE_LIST(pronoun_negators)
ZAPLIFY_CUE_LIST(intensifiers)
ZAPLIFY_CUE_LIST(dampeners)
ZAPLIFY_CUE_LIST(post_intensifiers)
ZAPLIFY_CUE_LIST(contrasts)
ZAPLIFY_CUE_LIST(clause_joiners)
ZAPLIFY_CUE_LIST(portuguese_markers)
ZAPLIFY_CUE_LIST(courtesy_words)
ZAPLIFY_CUE_LIST(laughter)
ZAPLIFY_CUE_LIST(courtesy_phrases)
ZAPLIFY_CUE_LIST(greeting_questions)
ZAPLIFY_CUE_LIST(acknowledgement_openers)
ZAPLIFY_CUE_LIST(request_cues)
ZAPLIFY_CUE_LIST(rhetorical_phrases)
ZAPLIFY_CUE_LIST(promise_phrases)
ZAPLIFY_CUE_LIST(apology_words)
ZAPLIFY_CUE_LIST(complaint_question_cues)
ZAPLIFY_CUE_LIST(sarcasm_emoji)
ZAPLIFY_CUE_LIST(applause_emoji)
ZAPLIFY_CUE_LIST(repetition_phrases)
ZAPLIFY_CUE_LIST(sarcasm_phrases)
ZAPLIFY_CUE_LIST(greeting_words)
ZAPLIFY_CUE_LIST(acknowledgement_words)
ZAPLIFY_CUE_LIST(request_words)
ZAPLIFY_CUE_LIST(question_words)
ZAPLIFY_CUE_LIST(conditionals)
ZAPLIFY_CUE_LIST(asking_verbs)
ZAPLIFY_CUE_LIST(times_words)
ZAPLIFY_CUE_LIST(count_words)
ZAPLIFY_CUE_LIST(reporting_verbs)
ZAPLIFY_CUE_LIST(promise_modals)
ZAPLIFY_CUE_LIST(function_verbs)
ZAPLIFY_CUE_LIST(modals)
ZAPLIFY_CUE_LIST(comparatives)
ZAPLIFY_CUE_LIST(never_words)
ZAPLIFY_CUE_LIST(so_markers)
ZAPLIFY_CUE_LIST(comparative_closers)
ZAPLIFY_CUE_LIST(interjections)
ZAPLIFY_CUE_LIST(elapsed_markers)
ZAPLIFY_CUE_LIST(duration_units)
#undef ZAPLIFY_CUE_LIST

/// Word prefixes of service words ("cancel", "atras"): cues/service_prefixes.txt.
inline const std::vector<std::string>& service_prefixes() {
  static const std::vector<std::string>& v = entries("service_prefixes");
  return v;
}

}  // namespace zaplify::conversation::cues
