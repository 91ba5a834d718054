#pragma once
// What the conversation plugin's routes answer, field by field (sdk/schema.h). The host
// publishes them under components/schemas as Conversation*; the integration suite validates live
// answers against them. Header-only so the route declarations include it without a build change.

#include <string>
#include <utility>

#include "zaplify/sdk/schema.h"

namespace zaplify::conversation::schemas {

namespace s = sdk::schema;

inline sdk::Schema count(std::string what = {}) {
  return s::integer(std::move(what)).with_unit("count");
}

inline sdk::Schema overview_response() {
  auto outcomes = s::object("Conversations by outcome (open = never ended)")
                      .field("resolved", count())
                      .field("handoff", count())
                      .field("abandoned", count())
                      .field("open", count());
  return s::object("Over conversations started in W")
      .field("total", count("Conversations started in W"))
      .field("by_channel", s::map_of(count(), "Conversations per channel name"))
      .field("by_outcome", outcomes)
      .field(
          "avg_messages",
          s::number("Messages of those conversations (whenever sent) / total; null when total is 0")
              .or_null())
      .field("avg_lead_messages",
             s::number("Lead messages / total; null when total is 0").or_null())
      .field("lead_reply_rate",
             s::number("Share with at least one lead message").with_unit("ratio").or_null())
      .field("avg_duration_minutes",
             s::number("Mean end − start of the ended ones").with_unit("minutes").or_null())
      .field("median_first_response_seconds",
             s::number("First lead message → first assistant/agent message at or after it")
                 .with_unit("seconds")
                 .or_null())
      .named("OverviewResponse");
}

inline sdk::Schema sentiment_response() {
  auto labels = [](std::string what, bool shares) {
    auto value = [shares] { return shares ? s::number().with_unit("ratio").or_null() : count(); };
    return s::object(std::move(what))
        .field("positive", value())
        .field("neutral", value())
        .field("negative", value());
  };
  auto score = [](std::string what) {
    return s::number(std::move(what) + " in [−1, 1]; null without lead messages")
        .with_unit("score")
        .or_null();
  };
  auto bucket = s::object("One calendar bucket of W in tz")
                    .field("bucket", s::timestamp("The bucket's aligned start, with tz's offset"))
                    .field("positive", count())
                    .field("neutral", count())
                    .field("negative", count())
                    .field("total", count("Lead messages in the bucket"))
                    .field("avg_score", score("Mean score"))
                    .named("SentimentBucket");
  auto negative = s::object("A conversation by the mean score of its lead messages in W")
                      .field("conversation_id", s::string())
                      .field("avg_score", s::number("Mean score in [−1, 1]").with_unit("score"));
  return s::object("Every lead message of W scored in [−1, 1]: positive ≥ 0.05, negative ≤ −0.05")
      .field("total", count("Lead messages in W"))
      .field("distribution", labels("Lead messages by label", false))
      .field("shares", labels("Share of each label; null when there is no lead message", true))
      .field("avg_score", score("Mean score"))
      .field("most_negative_conversations",
             s::array_of(negative, "Up to 10, lowest mean score first"))
      .optional_field("series", s::array_of(bucket, "Only with `interval`: every bucket of W"))
      .named("SentimentResponse");
}

inline sdk::Schema topics_response() {
  auto topic =
      s::object("A taxonomy topic (every one is listed, even at 0)")
          .field("topic", s::string("Topic name from the config"))
          .field("conversations", count("Conversations with a lead message in W matching it"))
          .field("share", s::number("Over conversations with a lead message in W; null when none")
                              .with_unit("ratio")
                              .or_null())
          .field("messages", count("Matching lead messages in W"))
          .field("avg_sentiment",
                 s::number("Mean score of the matching messages").with_unit("score").or_null())
          .field("previous_conversations", count("The same count over W′"))
          .field(
              "change_pct",
              s::number("Change against W′; null when W′ had none").with_unit("percent").or_null())
          .named("TopicStat");
  auto term = s::object("A unigram or bigram of lead messages (stop words removed)")
                  .field("term", s::string())
                  .field("conversations", count("Conversations of W using it"))
                  .field("score", s::number("Ranking score (docs/api-notes.md)"))
                  .named("TermStat");
  return s::object("Topics, top and emerging terms of lead messages in W")
      .field("conversations", count("Conversations with a lead message in W"))
      .field("topics", s::array_of(topic, "By conversations desc, then name"))
      .field("top_terms", s::array_of(term, "By conversations using them in W (up to limit)"))
      .field("emerging_terms", s::array_of(term, "By their rise against W′ (up to limit)"))
      .named("TopicsResponse");
}

inline sdk::Schema realtime_response() {
  auto conversation =
      s::object("An active conversation: started, not ended, active in the real-time window")
          .field("conversation_id", s::string())
          .field("lead_id", s::string().or_null())
          .field("assistant_id", s::string("null: human only").or_null())
          .field("channel", s::string().example("\"whatsapp\""))
          .field("started_at", s::timestamp("Its earliest conversation_started"))
          .field("last_activity_at", s::timestamp("Its start or latest message"))
          .field("messages", count("All its messages"))
          .field("last_sentiment",
                 s::number("Score of its latest scored lead message").with_unit("score").or_null())
          .named("ActiveConversation");
  return s::object("Active conversations, newest activity first")
      .field("conversations", s::array_of(conversation, "Up to limit"))
      .field("limit", s::integer("The limit applied"))
      .field("total", count("Active conversations in all"))
      .named("RealtimeConversationsResponse");
}

inline sdk::Schema whatsapp_window_response() {
  auto at_risk =
      s::object("An open conversation whose 24-hour window closes within 2 hours")
          .field("conversation_id", s::string())
          .field("lead_id", s::string().or_null())
          .field("last_lead_message_at", s::timestamp("Its latest message, from the lead"))
          .field("window_closes_at", s::timestamp("last_lead_message_at + 24 h"))
          .named("AtRiskConversation");
  return s::object("The WhatsApp 24-hour customer-service window over whatsapp conversations")
      .field("business_messages", count("Assistant and agent messages in W"))
      .field("outside_window", count("Those sent more than 24 h after the latest lead message, or "
                                     "with none"))
      .field("outside_share",
             s::number("outside_window / business_messages; null when there is none")
                 .with_unit("ratio")
                 .or_null())
      .field("expired_conversations",
             count("Conversations whose lead waited more than 24 h for a business message"))
      .field("at_risk", s::array_of(at_risk, "Soonest window_closes_at first, up to limit"))
      .field("at_risk_total", count("Such conversations in all"))
      .field("limit", s::integer("The limit applied"))
      .named("WhatsappWindowResponse");
}

}  // namespace zaplify::conversation::schemas
