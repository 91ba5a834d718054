#pragma once
// GET /analytics/conversations/sentiment/explain?text=... (admin): why a text gets its label, term
// by term, with the analyzer the plugin scores stored messages with — so that a tenant can see
// what to override, and support can answer "why is this message negative?".

#include <memory>

#include "sentiment_analyzer.h"
#include "zaplify/sdk/http.h"

namespace zaplify::conversation {

/// Longest text the route explains, in bytes (a WhatsApp message is far shorter).
inline constexpr std::size_t kMaxExplainBytes = 4096;

/// The route; `analyzer` is kept alive by the handler.
sdk::RouteSpec explain_route(std::shared_ptr<const SentimentAnalyzer> analyzer);

}  // namespace zaplify::conversation
