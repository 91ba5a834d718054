#pragma once
// Shared fixtures for the conversation plugin's unit tests.
#include <memory>

#include "plugin_config.h"
#include "sentiment_analyzer.h"

namespace zaplify::conversation::testing {

/// The shipped data files, loaded once per test binary.
inline const LoadedData& shipped_data() {
  static const LoadedData data =
      load_plugin_data(nlohmann::json::object(), CONVERSATION_LEXICON_DIR, ".");
  return data;
}

inline const SentimentAnalyzer& shipped_analyzer() {
  static const SentimentAnalyzer analyzer(shipped_data().lexicon);
  return analyzer;
}

}  // namespace zaplify::conversation::testing
