#include "funnel_definition.h"

#include <map>

#include <nlohmann/json.hpp>

#include "zaplify/sdk/http.h"

namespace zaplify::funnel {

bool supersedes(std::int64_t a_ts, const std::string& a_id, std::int64_t b_ts,
                const std::string& b_id) {
  if (a_ts != b_ts) return a_ts > b_ts;
  return a_id > b_id;  // std::string compares bytes (char_traits<char> is unsigned-byte order).
}

std::optional<std::vector<std::string>> parse_stages(std::string_view json_text) {
  auto parsed = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array() || parsed.empty() || parsed.size() > kMaxStages) return std::nullopt;
  std::vector<std::string> stages;
  stages.reserve(parsed.size());
  for (const auto& s : parsed) {
    if (!s.is_string()) return std::nullopt;
    stages.push_back(s.get<std::string>());
  }
  return stages;
}

namespace {

// Streams funnel_defined rows and keeps, per funnel, the one that supersedes all others. Resolving
// the winner here (not with SQL ORDER BY) keeps id tie-breaking byte-wise on both databases.
std::map<std::string, FunnelDefinition> load_latest(const sdk::Store& store,
                                                    const std::string& tenant_id,
                                                    const std::string* funnel_id) {
  // No `funnel_id = ?` in SQL on purpose: with it SQLite prefers the (tenant_id, funnel_id, ts)
  // index and walks every stage_changed of the funnel; definitions are few, so filter here.
  const std::string sql =
      "SELECT funnel_id, name, stages, ts, id FROM events WHERE tenant_id = ? AND type = "
      "'funnel_defined'";
  const std::vector<sdk::Value> params{tenant_id};
  std::map<std::string, FunnelDefinition> latest;
  store.query(sql, params, [&](const sdk::Row& row) {
    if (row.is_null(0) || (funnel_id && row.text(0) != *funnel_id)) return;
    std::string id(row.text(0));
    std::int64_t ts = row.int64(3);
    std::string event_id(row.text(4));
    auto it = latest.find(id);
    if (it != latest.end() && !supersedes(ts, event_id, it->second.defined_at_ms,
                                          it->second.event_id))
      return;
    auto stages = parse_stages(row.text(2));
    if (!stages) return;  // Ingestion validates stages; a malformed row cannot win.
    FunnelDefinition def{id, std::string(row.text(1)), std::move(*stages), ts, std::move(event_id)};
    latest.insert_or_assign(id, std::move(def));
  });
  return latest;
}

}  // namespace

std::vector<FunnelDefinition> load_funnels(const sdk::Store& store, const std::string& tenant_id) {
  auto latest = load_latest(store, tenant_id, nullptr);
  std::vector<FunnelDefinition> out;
  out.reserve(latest.size());
  for (auto& [id, def] : latest) out.push_back(std::move(def));
  return out;
}

std::optional<FunnelDefinition> load_funnel(const sdk::Store& store, const std::string& tenant_id,
                                            const std::string& funnel_id) {
  auto latest = load_latest(store, tenant_id, &funnel_id);
  auto it = latest.find(funnel_id);
  if (it == latest.end()) return std::nullopt;
  return std::move(it->second);
}

FunnelDefinition require_funnel(const sdk::Store& store, const std::string& tenant_id,
                                const std::string& funnel_id) {
  auto def = load_funnel(store, tenant_id, funnel_id);
  if (!def) throw sdk::not_found("unknown funnel '" + funnel_id + "'", "funnel_id");
  return std::move(*def);
}

}  // namespace zaplify::funnel
