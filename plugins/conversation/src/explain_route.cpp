#include "explain_route.h"

#include <utility>

#include "zaplify/sdk/schema.h"

namespace zaplify::conversation {
namespace {

namespace s = sdk::schema;

sdk::Schema explain_schema() {
  auto term =
      s::object("One word, phrase, emoji or message-level rule that moved the score")
          .field("term", s::string("Folded word, phrase or emoji; empty for a message-level rule"))
          .field("rule",
                 s::string("What applied, e.g. lexicon, negated, sarcasm, ignored: courtesy"))
          .field("valence", s::number("Valence after modifiers, before the squash into [-1, 1]"))
          .field("contribution",
                 s::number("Share of score; the contributions add up to score").with_unit("score"));
  return s::object("Why the text scores what it does")
      .field(
          "score",
          s::number("Compound score in [-1, 1], as stored for a lead message").with_unit("score"))
      .field("label", s::string("positive ≥ 0.05, negative ≤ -0.05, else neutral")
                          .one_of({"positive", "neutral", "negative"}))
      .field("language", s::string("Language guessed from function words").one_of({"en", "pt"}))
      .field("intent", s::string("Detected intent")
                           .one_of({"question", "request", "greeting", "acknowledgement",
                                    "complaint", "praise", "other"}))
      .field("terms", s::array_of(term))
      .named("SentimentExplainResponse");
}

nlohmann::json explanation_json(const SentimentExplanation& e) {
  auto terms = nlohmann::json::array();
  for (const auto& t : e.terms)
    terms.push_back({{"term", t.term},
                     {"rule", t.rule},
                     {"valence", t.valence},
                     {"contribution", t.contribution}});
  return {{"score", e.score},
          {"label", label_name(e.label)},
          {"language", e.language},
          {"intent", e.intent},
          {"terms", std::move(terms)}};
}

}  // namespace

sdk::RouteSpec explain_route(std::shared_ptr<const SentimentAnalyzers> analyzers) {
  sdk::RouteSpec r;
  r.path = "/analytics/conversations/sentiment/explain";
  r.summary = "Explain the sentiment of a text, term by term (admin)";
  r.description =
      "Scores `text` as a lead message of the requesting tenant would be scored at ingest (with "
      "the "
      "tenant's tenant_sentiment overrides), and lists each word, phrase, emoji or rule with its "
      "contribution; the contributions add up to the score. Nothing is stored.";
  r.required_role = sdk::Role::Admin;
  r.cache = sdk::CachePolicy::None;  // the text is the input: nothing to share between callers
  r.heavy = false;                   // one message: microseconds, no store access
  r.params = {{"text",
               sdk::ParamLocation::Query,
               "string",
               true,
               "The message text (UTF-8, at most 4096 bytes)",
               "",
               {}}};
  r.response_schema = explain_schema();
  r.handler = [analyzers = std::move(analyzers)](const sdk::Request& req) {
    const std::string text = req.param("text").value_or("");
    if (text.size() > kMaxExplainBytes)
      throw sdk::invalid_parameter(
          "text", "text must be at most " + std::to_string(kMaxExplainBytes) + " bytes");
    return sdk::Response::of_json(
        explanation_json(analyzers->for_tenant(req.tenant_id).explain(text)));
  };
  return r;
}

}  // namespace zaplify::conversation
