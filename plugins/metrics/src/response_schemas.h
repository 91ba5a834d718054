#pragma once
// What the metrics plugin's routes answer, field by field (sdk/schema.h). The host publishes them
// under components/schemas as Metrics*; the integration suite validates live answers against them.
// Header-only so the route declarations include it without a build change.

#include <string>
#include <utility>

#include "zaplify/sdk/schema.h"

namespace zaplify::metrics::schemas {

namespace s = sdk::schema;

/// {value, previous, change_pct} of a count: the counts are never null, the change is when W′ is 0.
inline sdk::Schema count_kpi() {
  return s::object("A count of W with its W′ value")
      .field("value", s::integer("Count in W").with_unit("count"))
      .field("previous", s::integer("Count in W′").with_unit("count"))
      .field("change_pct",
             s::number("(value − previous) / |previous| × 100; null when previous is 0")
                 .with_unit("percent")
                 .or_null())
      .named("CountKpi");
}

/// {value, previous, change_pct} of a measure: null where it has no data (a ratio over zero, a
/// mean of nothing).
inline sdk::Schema measure_kpi(const std::string& unit, const std::string& name) {
  return s::object("A measure of W with its W′ value; null without data")
      .field("value", s::number("Value in W").with_unit(unit).or_null())
      .field("previous", s::number("Value in W′").with_unit(unit).or_null())
      .field("change_pct",
             s::number("(value − previous) / |previous| × 100; null when previous is null or 0")
                 .with_unit("percent")
                 .or_null())
      .named(name);
}

inline sdk::Schema kpi_response() {
  const auto rate = measure_kpi("ratio", "RateKpi");
  const auto ms = measure_kpi("ms", "DurationKpi");
  // Named schemas are published once: what each KPI counts is said here, not per field.
  auto kpis =
      s::object(
          "Headline KPIs of W, each with its W′ value: conversations (conversation_started "
          "events), messages (message events), new_leads (distinct lead_id of "
          "lead_created), conversions (distinct leads into a funnel's final stage), "
          "conversion_rate (conversions / new_leads, may exceed 1), response times of "
          "assistant replies (avg, p50, p95) and of agent replies (avg), resolution_rate and "
          "handoff_rate (over conversation_ended)")
          .field("conversations", count_kpi())
          .field("messages", count_kpi())
          .field("new_leads", count_kpi())
          .field("conversions", count_kpi())
          .field("conversion_rate", rate)
          .field("avg_response_time_ms", ms)
          .field("p50_response_time_ms", ms)
          .field("p95_response_time_ms", ms)
          .field("agent_avg_response_time_ms", ms)
          .field("resolution_rate", rate)
          .field("handoff_rate", rate);
  auto by_sender = s::object("message events in W by sender")
                       .field("lead", s::integer().with_unit("count"))
                       .field("assistant", s::integer().with_unit("count"))
                       .field("agent", s::integer().with_unit("count"));
  auto bucket = s::object("One calendar bucket of W in tz (empty ones as zeros)")
                    .field("bucket", s::timestamp("The bucket's aligned start, with tz's offset"))
                    .field("conversations", s::integer().with_unit("count"))
                    .field("messages", s::integer().with_unit("count"))
                    .field("new_leads", s::integer().with_unit("count"))
                    .field("conversions", s::integer().with_unit("count"))
                    .named("KpiBucket");
  return s::object("Headline KPIs of W with W′ values")
      .field("kpis", kpis)
      .field("messages_by_sender", by_sender)
      .field("active_conversations",
             s::integer("Conversations active in the real-time window").with_unit("count"))
      .optional_field("series", s::array_of(bucket, "Only with `interval`: every bucket of W"))
      .named("KpiResponse");
}

inline sdk::Schema conversion_response() {
  auto funnel =
      s::object("A funnel's conversion in W and W′")
          .field("funnel_id", s::string())
          .field("name", s::string())
          .field("entered", s::integer("Distinct leads with any stage change of the funnel in W")
                                .with_unit("count"))
          .field("converted",
                 s::integer("Those with one into its final stage in W").with_unit("count"))
          .field(
              "conversion_rate",
              s::number("converted / entered; null when entered is 0").with_unit("ratio").or_null())
          .field("previous_conversion_rate",
                 s::number("The same over W′").with_unit("ratio").or_null())
          .field("change_pts", s::number("(rate − previous rate) × 100; null when either is null")
                                   .with_unit("percentage_points")
                                   .or_null())
          .named("FunnelConversion");
  return s::object()
      .field("funnels", s::array_of(funnel, "One per funnel (or the one asked for)"))
      .named("ConversionResponse");
}

/// `business_hours` of GET /metrics/performance?hours=business (plugins/metrics/README.md,
/// Business hours).
inline sdk::Schema business_hours() {
  auto ms = [](std::string what) { return s::number(std::move(what)).with_unit("ms").or_null(); };
  auto sender =
      s::object(
          "Replies of one sender in W that have a trigger (the earliest lead message after "
          "the previous reply, or after the conversation's start, and at or before this "
          "one); business time = the part of trigger → reply inside the tenant's open hours")
          .field("replies", s::integer("Replies of W with a trigger").with_unit("count"))
          .field("avg_response_ms", ms("Mean business time; null without replies"))
          .field("p50_response_ms", ms("Median business time (linear interpolation)"))
          .field("p90_response_ms", ms("90th percentile business time (linear interpolation)"))
          .field("replies_outside_hours",
                 s::integer("Those replies sent while the business was closed").with_unit("count"))
          .named("BusinessHoursReplies");
  return s::object(
             "Only with hours=business: response times counted in the tenant's business "
             "hours (the metrics plugin's business_hours config)")
      .field("assistant", sender)
      .field("agent", sender)
      .field(
          "lead_messages_outside_hours",
          s::integer("Lead messages of W (any conversation) sent while closed").with_unit("count"))
      .named("BusinessHours");
}

inline sdk::Schema performance_response() {
  auto ms = [](std::string what) { return s::number(std::move(what)).with_unit("ms").or_null(); };
  auto assistant =
      s::object("One assistant's performance in W")
          .field("assistant_id", s::string())
          .field("conversations", s::integer("Conversations started in W").with_unit("count"))
          .field("replies", s::integer("Its messages in W").with_unit("count"))
          .field("avg_response_time_ms", ms("Mean response time of the replies"))
          .field("p50_response_time_ms", ms("Median response time"))
          .field("p95_response_time_ms", ms("95th percentile response time"))
          .field("resolution_rate", s::number("Resolved / ended in W").with_unit("ratio").or_null())
          .field("handoff_rate", s::number("Handed off / ended in W").with_unit("ratio").or_null())
          .field("tokens", s::integer("Sum over the replies").with_unit("tokens"))
          .named("AssistantPerformance");
  return s::object()
      .field("assistants", s::array_of(assistant, "By conversations desc, then assistant_id"))
      .optional_field("business_hours", business_hours())
      .named("PerformanceResponse");
}

inline sdk::Schema activity_response() {
  auto count = [](std::string what) { return s::integer(std::move(what)).with_unit("count"); };
  auto minute = s::object("One UTC minute of R")
                    .field("minute", s::timestamp("The minute's start (UTC)"))
                    .field("messages", count("Messages in that minute"))
                    .field("events", count("Counted events in that minute"))
                    .named("ActivityMinute");
  auto range = s::object("R = [now − realtime_window_minutes, now], UTC")
                   .field("from", s::timestamp())
                   .field("to", s::timestamp());
  return s::object("Counts over the real-time window R")
      .field("messages", count("message events in R"))
      .field("conversations_started", count("conversation_started events in R"))
      .field("conversations_ended", count("conversation_ended events in R"))
      .field("stage_changes", count("stage_changed events in R"))
      .field("active_leads", count("Distinct leads that sent a message in R"))
      .field("active_conversations", count("Started, not ended, active in R"))
      .field("per_minute", s::array_of(minute, "From the minute holding R's start to now's"))
      .field("window", range)
      .field("data_as_of", s::timestamp("When it was computed"))
      .named("ActivityResponse");
}

}  // namespace zaplify::metrics::schemas
