#include "business_hours.h"

#include <algorithm>

#include "metrics_math.h"
#include "rollup.h"

namespace zaplify::metrics {
namespace {

void describe_into(std::vector<double>& ms, BusinessReplies& out) {
  out.replies = static_cast<std::int64_t>(ms.size());
  if (ms.empty()) return;
  std::sort(ms.begin(), ms.end());
  double sum = 0;
  for (double x : ms) sum += x;
  out.avg_ms = sum / static_cast<double>(ms.size());
  out.p50_ms = percentile_sorted(ms, 0.5);
  out.p90_ms = percentile_sorted(ms, 0.9);
}

// Lead messages of W outside open intervals: W cut at every open/close instant inside it, so each
// piece is all open or all closed, summed from the per-unit counts (rollup_buckets reads a unit a
// cut falls inside from the events table, exactly).
std::int64_t lead_messages_outside(const sdk::Store& store, const std::string& tenant,
                                   const sdk::Window& w, const OpenHours& hours) {
  std::vector<std::int64_t> starts{w.from_ms};
  for (const auto& [a, b] : hours.intervals())
    for (std::int64_t cut : {a, b})
      if (cut > w.from_ms && cut < w.to_ms && cut != starts.back()) starts.push_back(cut);
  const auto pieces = rollup_buckets(store, tenant, w.from_ms, w.to_ms, starts, false);
  std::int64_t outside = 0;
  for (std::size_t i = 0; i < pieces.size(); ++i)
    if (!hours.is_open(starts[i])) outside += pieces[i].msg_lead;
  return outside;
}

}  // namespace

void summarize_replies(const std::vector<TriggeredReply>& replies, const OpenHours& hours,
                       BusinessHoursReport& report) {
  std::vector<double> assistant, agent;
  for (const TriggeredReply& r : replies) {
    BusinessReplies& side = r.agent ? report.agent : report.assistant;
    (r.agent ? agent : assistant)
        .push_back(static_cast<double>(hours.business_ms(r.trigger_ts, r.ts)));
    if (!hours.is_open(r.ts)) ++side.outside_hours;
  }
  describe_into(assistant, report.assistant);
  describe_into(agent, report.agent);
}

BusinessHoursReport compute_business_hours(const sdk::Store& store, const sdk::Calendar& calendar,
                                           const std::string& tenant, const sdk::Window& w,
                                           const Schedule& schedule) {
  BusinessHoursReport report;
  if (w.from_ms >= w.to_ms) return report;
  std::vector<TriggeredReply> replies;
  std::int64_t earliest = w.from_ms;
  store.query(
      "SELECT ts, trigger_ts, sender FROM metrics_reply_triggers WHERE tenant_id = ? AND "
      "ts >= ? AND ts < ? AND trigger_ts IS NOT NULL",
      {tenant, w.from_ms, w.to_ms}, [&](const sdk::Row& r) {
        replies.push_back({r.int64(0), r.int64(1), r.text(2) == "agent"});
        earliest = std::min(earliest, r.int64(1));
      });
  const OpenHours hours(schedule, calendar, earliest, w.to_ms);
  summarize_replies(replies, hours, report);
  report.lead_messages_outside_hours = lead_messages_outside(store, tenant, w, hours);
  return report;
}

nlohmann::json business_hours_json(const BusinessHoursReport& report) {
  auto side = [](const BusinessReplies& s) {
    return nlohmann::json{{"replies", s.replies},
                          {"avg_response_ms", json_or_null(s.avg_ms)},
                          {"p50_response_ms", json_or_null(s.p50_ms)},
                          {"p90_response_ms", json_or_null(s.p90_ms)},
                          {"replies_outside_hours", s.outside_hours}};
  };
  return {{"assistant", side(report.assistant)},
          {"agent", side(report.agent)},
          {"lead_messages_outside_hours", report.lead_messages_outside_hours}};
}

}  // namespace zaplify::metrics
