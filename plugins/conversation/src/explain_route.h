#pragma once
// GET /analytics/conversations/sentiment/explain?text=... (admin): why a text gets its label, term
// by term, with the analyser the plugin scores the requesting tenant's stored messages with (its
// tenant_sentiment overrides included) — so that a tenant can see what to override, and support
// can answer "why is this message negative?".

#include <memory>

#include "tenant_sentiment.h"
#include "zaplify/sdk/http.h"

namespace zaplify::conversation {

/// Longest text the route explains, in bytes (a WhatsApp message is far shorter).
inline constexpr std::size_t kMaxExplainBytes = 4096;

/// The route; `analyzers` is kept alive by the handler.
sdk::RouteSpec explain_route(std::shared_ptr<const SentimentAnalyzers> analyzers);

}  // namespace zaplify::conversation
