#pragma once
// What the funnel plugin's routes answer, field by field (sdk/schema.h). The host publishes them
// under components/schemas as Funnel*; the integration suite validates live answers against them.
// Header-only so the route declarations include it without a build change.

#include <string>
#include <utility>

#include "zaplify/sdk/schema.h"

namespace zaplify::funnel::schemas {

namespace s = sdk::schema;

inline sdk::Schema count(std::string what = {}) {
  return s::integer(std::move(what)).with_unit("count");
}
inline sdk::Schema ratio(std::string what) {
  return s::number(std::move(what)).with_unit("ratio").or_null();
}
inline sdk::Schema hours(std::string what) {
  return s::number(std::move(what)).with_unit("hours").or_null();
}

inline sdk::Schema list_response() {
  auto funnel =
      s::object("A funnel's current definition (its latest funnel_defined event)")
          .field("funnel_id", s::string())
          .field("name", s::string())
          .field("stages", s::array_of(s::string(), "Stage names in order; the last is final"))
          .named("Definition");
  return s::object()
      .field("funnels", s::array_of(funnel, "The tenant's funnels"))
      .named("ListResponse");
}

inline sdk::Schema report_response() {
  auto stage =
      s::object("One stage: leads that reached it in W (a later stage implies the earlier ones)")
          .field("stage", s::string())
          .field("index", s::integer("0-based position"))
          .field("count", count("Leads that reached the stage"))
          .field("conversion_from_previous", ratio("count / previous stage's count; null for S0"))
          .field("conversion_from_start", ratio("count / S0's count; null when S0's is 0"))
          .field("drop_off", s::integer("count − next stage's count; null for the last stage")
                                 .with_unit("count")
                                 .or_null())
          .field("median_hours_to_next",
                 hours("From the first event into exactly this stage to the first later-or-equal "
                       "one into a later stage; null for the last stage or without such leads"))
          .named("StageReport");
  auto edge = s::object("Leads with hours ≤ le_hours and > the previous edge")
                  .field("le_hours", s::number("Upper edge: 1, 6, 24, 72, 168, 336, 720, then null "
                                               "(above 720)")
                                         .with_unit("hours")
                                         .or_null())
                  .field("leads", count());
  auto time_to_convert =
      s::object(
          "Over leads that reached the final stage (by the rule in force): hours from their "
          "first stage change in W to their first event into the final stage")
          .field("leads", count("Leads that converted"))
          .field("median_hours", hours("Median; null without converted leads"))
          .field("p90_hours", hours("90th percentile; null without converted leads"))
          .field("histogram", s::array_of(edge, "Eight buckets, in edge order"))
          .named("TimeToConvert");
  auto segment =
      s::object("The funnel for the leads with one value of the breakdown")
          .field("value", s::string("The source, channel or assistant_id; null: none").or_null())
          .field("stages",
                 s::array_of(s::object()
                                 .field("stage", s::string())
                                 .field("count", count("Leads of this value that reached it")),
                             "Every stage, in order"))
          .field("overall_conversion", ratio("Last stage's count / S0's count"))
          .named("BreakdownSegment");
  return s::object("Stage counts and conversion of a funnel in W")
      .field("funnel_id", s::string())
      .field("name", s::string())
      .field("stages", s::array_of(stage, "Every stage, in order"))
      .field("overall_conversion", ratio("Last stage's count / S0's count"))
      .field("unknown_stage_events",
             count("Events of the funnel into names that are not its stages (ignored)"))
      .field("time_to_convert", time_to_convert)
      .optional_field("breakdown", s::array_of(segment,
                                               "Only with `breakdown`: by S0's count "
                                               "desc, then value, null last"))
      .named("ReportResponse");
}

inline sdk::Schema flow_response() {
  auto node = s::object("A stage, or (exit) last")
                  .field("id", s::integer("Index into nodes"))
                  .field("label", s::string("Stage name or \"(exit)\""));
  auto link = s::object("Leads that moved from one node to the next")
                  .field("source", s::integer("Node id"))
                  .field("target", s::integer("Node id"))
                  .field("value", count("Leads"));
  return s::object("Conversion flow of W as a Sankey graph")
      .field("funnel_id", s::string())
      .field("name", s::string())
      .field("nodes", s::array_of(node, "The stages, then (exit)"))
      .field("links", s::array_of(link,
                                  "Consecutive stage pairs; → (exit) for leads that stopped "
                                  "before the final stage"))
      .field("entries", s::map_of(count(), "Leads by the stage of their first event in W"))
      .field("leads", count("Leads with an event of the funnel in W"))
      .named("FlowResponse");
}

inline sdk::Schema transition(bool with_recommendation) {
  auto t =
      s::object("The transition from stage k to k+1")
          .field("index", s::integer("k"))
          .field("from_stage", s::string())
          .field("to_stage", s::string())
          .field("conversion_rate", ratio("count[k+1] / count[k] in W"))
          .field("drop_off", count("count[k] − count[k+1]"))
          .field("previous_conversion_rate", ratio("The same in W′"))
          .field("change_pts",
                 s::number("(rate − previous rate) × 100").with_unit("percentage_points").or_null())
          .field("p_value", s::number("Two-sided pooled two-proportion z-test, W against W′; null "
                                      "when undefined")
                                .with_unit("ratio")
                                .or_null())
          .field("median_hours_in_stage", hours("Stage k's median_hours_to_next"))
          .field("lowest_conversion", s::boolean("The minimum rate (ties all flagged)"))
          .field("significant_decline", s::boolean("p < 0.05 and rate < previous rate"))
          .field("slow", s::boolean("Median hours > slow_threshold_hours"));
  if (!with_recommendation) return t.named("Transition");
  t.field("recommendation", s::string("A sentence naming the stage and the evidence"));
  return t.named("Bottleneck");
}

inline sdk::Schema bottlenecks_response() {
  return s::object("Each transition's evidence and the flagged ones")
      .field("funnel_id", s::string())
      .field("name", s::string())
      .field("transitions", s::array_of(transition(false), "k = 0 … n−2"))
      .field("bottlenecks",
             s::array_of(transition(true), "Transitions with any flag, by drop_off desc then k"))
      .field("slow_threshold_hours",
             hours("2 × the median of the non-null stage medians; null without any"))
      .named("BottlenecksResponse");
}

inline sdk::Schema dropped_response() {
  auto lead = s::object("A lead that reached the stage in W but not the next one")
                  .field("lead_id", s::string())
                  .field("last_stage_at", s::timestamp("Its latest event into the stage in W"));
  return s::object("The leads a sales team re-engages")
      .field("funnel_id", s::string())
      .field("stage", s::string())
      .field("next_stage", s::string())
      .field("leads", s::array_of(lead, "Newest first, up to limit"))
      .field("limit", s::integer("The limit applied"))
      .field("total", count("Such leads in all"))
      .named("DroppedResponse");
}

inline sdk::ResponseBody flow_svg() {
  return {"image/svg+xml", "with format=svg, the flow drawn as a Sankey diagram",
          s::text("SVG document")};
}

}  // namespace zaplify::funnel::schemas
