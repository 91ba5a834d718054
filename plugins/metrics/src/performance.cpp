#include "performance.h"

#include <algorithm>
#include <map>

#include "sql.h"

namespace zaplify::metrics {

std::vector<AssistantPerformance> compute_performance(const sdk::Store& store,
                                                      const std::string& tenant,
                                                      const sdk::Window& w) {
  std::map<std::string, AssistantPerformance> by_id;
  std::map<std::string, std::vector<double>> times;
  auto row_of = [&](std::string_view id) -> AssistantPerformance& {
    auto& p = by_id[std::string(id)];
    p.assistant_id = std::string(id);
    return p;
  };
  const Params range{tenant, w.from_ms, w.to_ms};
  store.query(
      "SELECT assistant_id, COUNT(*) FROM metrics_conversations WHERE tenant_id = ? AND "
      "start_ts >= ? AND start_ts < ? AND assistant_id IS NOT NULL AND assistant_id <> '' "
      "GROUP BY assistant_id",
      range, [&](const sdk::Row& r) { row_of(r.text(0)).conversations = r.int64(1); });
  store.query(
      "SELECT c.assistant_id, m.response_time_ms, m.tokens FROM events m JOIN "
      "metrics_conversations c ON c.tenant_id = m.tenant_id AND c.conversation_id = "
      "m.conversation_id WHERE m.tenant_id = ? AND m.type = 'message' AND m.sender = 'assistant' "
      "AND m.ts >= ? AND m.ts < ? AND c.start_ts IS NOT NULL AND c.assistant_id IS NOT NULL AND "
      "c.assistant_id <> ''",
      range, [&](const sdk::Row& r) {
        AssistantPerformance& p = row_of(r.text(0));
        ++p.replies;
        if (!r.is_null(1)) times[p.assistant_id].push_back(r.number(1));
        if (!r.is_null(2)) p.tokens += r.int64(2);
      });
  store.query(
      "SELECT assistant_id, outcome, COUNT(*) FROM metrics_conversations WHERE tenant_id = ? AND "
      "end_ts >= ? AND end_ts < ? AND start_ts IS NOT NULL AND assistant_id IS NOT NULL AND "
      "assistant_id <> '' GROUP BY assistant_id, outcome",
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
