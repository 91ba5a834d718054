#pragma once
// Message phrasebook of the demo generator. Internal to core/demo.

#include <string>
#include <vector>

namespace zaplify::core::demo {

struct Phrase {
  const char* text;
  int sentiment;  ///< -1, 0 or 1: used to pick endings consistent with the mood.
};

/// Lead messages by language (0 = English, 1 = Portuguese).
const std::vector<Phrase>& lead_phrases(int language);
const std::vector<const char*>& greetings(int language);
const std::vector<const char*>& assistant_replies(int language);
const std::vector<const char*>& agent_replies(int language);

}  // namespace zaplify::core::demo
