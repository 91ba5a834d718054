#include "performance.h"

#include <algorithm>
#include <map>

#include "sql.h"

namespace zaplify::metrics {

std::vector<AssistantPerformance> compute_performance(const sdk::Store& store,
                                                      const std::string& tenant,
                                                      const sdk::Window& w) {
  std::map<std::string, AssistantPerformance, std::less<>> by_id;
  std::map<std::string, std::vector<double>> times;
  auto row_of = [&](std::string_view id) -> AssistantPerformance& {
    auto it = by_id.find(id);
    if (it == by_id.end()) {
      it = by_id.emplace(std::string(id), AssistantPerformance{}).first;
      it->second.assistant_id = std::string(id);
    }
    return it->second;
  };
  const Params range{tenant, w.from_ms, w.to_ms};
  store.query(
      "SELECT assistant_id, COUNT(*) FROM metrics_conversations WHERE tenant_id = ? AND "
      "start_ts >= ? AND start_ts < ? AND assistant_id IS NOT NULL AND assistant_id <> '' "
      "GROUP BY assistant_id",
      range, [&](const sdk::Row& r) { row_of(r.text(0)).conversations = r.int64(1); });
  // Replies carry their conversation's assistant (kept by the ingest hook), so this is one
  // index-only range over W; consecutive rows mostly share an assistant, so the last one is cached.
  AssistantPerformance* last = nullptr;
  std::vector<double>* last_times = nullptr;
  store.query(
      "SELECT assistant_id, response_time_ms, tokens FROM metrics_replies WHERE tenant_id = ? AND "
      "ts >= ? AND ts < ? AND assistant_id <> ''",
      range, [&](const sdk::Row& r) {
        if (last == nullptr || last->assistant_id != r.text(0)) {
          last = &row_of(r.text(0));
          last_times = &times[last->assistant_id];
        }
        ++last->replies;
        if (!r.is_null(1)) last_times->push_back(r.number(1));
        if (!r.is_null(2)) last->tokens += r.int64(2);
      });
  store.query(
      "SELECT assistant_id, outcome, COUNT(*) FROM metrics_conversations WHERE tenant_id = ? AND "
      "end_ts >= ? AND end_ts < ? AND assistant_id IS NOT NULL AND assistant_id <> '' "
      "GROUP BY assistant_id, outcome",
      range, [&](const sdk::Row& r) {
        AssistantPerformance& p = row_of(r.text(0));
        const std::string outcome(r.text(1));
        p.ended += r.int64(2);
        if (outcome == "resolved") p.resolved += r.int64(2);
        if (outcome == "handoff") p.handoff += r.int64(2);
      });
  std::vector<AssistantPerformance> out;
  for (auto& [id, p] : by_id) {
    auto t = times.find(id);
    if (t != times.end()) p.response = describe(t->second);
    out.push_back(std::move(p));
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    if (a.conversations != b.conversations) return a.conversations > b.conversations;
    return a.assistant_id < b.assistant_id;
  });
  return out;
}

nlohmann::json performance_json(const AssistantPerformance& p) {
  return {{"assistant_id", p.assistant_id},
          {"conversations", p.conversations},
          {"replies", p.replies},
          {"avg_response_time_ms", json_or_null(p.response.avg)},
          {"p50_response_time_ms", json_or_null(p.response.p50)},
          {"p95_response_time_ms", json_or_null(p.response.p95)},
          {"resolution_rate", json_or_null(p.resolution_rate())},
          {"handoff_rate", json_or_null(p.handoff_rate())},
          {"tokens", p.tokens}};
}

}  // namespace zaplify::metrics
