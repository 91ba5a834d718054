#include "funnels/funnel_catalog.h"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

namespace zaplify::core {
namespace {

// No `funnel_id = ?` here even for find(): with it SQLite prefers the (tenant_id, funnel_id, ts)
// index and walks every stage_changed of the funnel; definitions are few, so filter in C++.
constexpr const char* kDefinitionsSql =
    "SELECT funnel_id, name, stages, ts, id FROM events WHERE tenant_id = ? AND type = "
    "'funnel_defined'";

struct Candidate {
  sdk::FunnelDefinition def;
  std::string event_id;
};

// (ts, id) order; ids compare byte-wise (std::string compares as unsigned bytes), the same on
// both databases because the winner is chosen here rather than by SQL ORDER BY.
bool supersedes(std::int64_t ts, const std::string& id, const Candidate& current) {
  if (ts != current.def.defined_at_ms) return ts > current.def.defined_at_ms;
  return id > current.event_id;
}

bool distinct(std::vector<std::string> stages) {
  std::sort(stages.begin(), stages.end());
  return std::adjacent_find(stages.begin(), stages.end()) == stages.end();
}

}  // namespace

std::optional<std::vector<std::string>> parse_funnel_stages(std::string_view json_text) {
  const auto parsed = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array() || parsed.empty() || parsed.size() > sdk::kMaxFunnelStages)
    return std::nullopt;
  std::vector<std::string> stages;
  stages.reserve(parsed.size());
  for (const auto& s : parsed) {
    if (!s.is_string()) return std::nullopt;
    stages.push_back(s.get<std::string>());
  }
  if (!distinct(stages)) return std::nullopt;
  return stages;
}

std::vector<sdk::FunnelDefinition> StoreFunnelCatalog::load(const std::string& tenant_id,
                                                            const std::string* only) const {
  std::map<std::string, Candidate> latest;  // ordered: current() is sorted by funnel_id
  store_.query(kDefinitionsSql, {tenant_id}, [&](const sdk::Row& row) {
    if (row.is_null(0) || (only && row.text(0) != *only)) return;
    std::string funnel_id(row.text(0));
    const std::int64_t ts = row.int64(3);
    std::string event_id(row.text(4));
    const auto it = latest.find(funnel_id);
    if (it != latest.end() && !supersedes(ts, event_id, it->second)) return;
    // Parsed only when the row would win; a malformed row is skipped, so an older well-formed
    // definition stays current (the rule in zaplify/sdk/funnels.h).
    auto stages = row.is_null(2) ? std::nullopt : parse_funnel_stages(row.text(2));
    if (!stages) return;
    Candidate c{{funnel_id, std::string(row.text(1)), std::move(*stages), ts}, std::move(event_id)};
    latest.insert_or_assign(std::move(funnel_id), std::move(c));
  });
  std::vector<sdk::FunnelDefinition> out;
  out.reserve(latest.size());
  for (auto& [id, c] : latest) out.push_back(std::move(c.def));
  return out;
}

std::vector<sdk::FunnelDefinition> StoreFunnelCatalog::current(const std::string& tenant_id) const {
  return load(tenant_id, nullptr);
}

std::optional<sdk::FunnelDefinition> StoreFunnelCatalog::find(const std::string& tenant_id,
                                                              const std::string& funnel_id) const {
  auto found = load(tenant_id, &funnel_id);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

}  // namespace zaplify::core
