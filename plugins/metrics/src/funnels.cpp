#include "funnels.h"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

namespace zaplify::metrics {
namespace {

bool newer(const FunnelDefinition& a, const FunnelDefinition& b) {
  if (a.ts != b.ts) return a.ts > b.ts;
  return a.event_id > b.event_id;
}

std::vector<std::string> parse_stages(std::string_view text) {
  std::vector<std::string> out;
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return out;
  for (const auto& s : j)
    if (s.is_string()) out.push_back(s.get<std::string>());
  return out;
}

}  // namespace

std::vector<FunnelDefinition> current_definitions(std::vector<FunnelDefinition> all) {
  std::map<std::string, FunnelDefinition> latest;
  for (auto& d : all) {
    auto it = latest.find(d.funnel_id);
    if (it == latest.end()) {
      latest.emplace(d.funnel_id, std::move(d));
    } else if (newer(d, it->second)) {
      it->second = std::move(d);
    }
  }
  std::vector<FunnelDefinition> out;
  for (auto& [id, d] : latest)
    if (!d.stages.empty()) out.push_back(std::move(d));
  return out;
}

std::vector<FunnelDefinition> load_funnels(const sdk::Store& store, const std::string& tenant) {
  std::vector<FunnelDefinition> all;
  store.query(
      "SELECT funnel_id, name, stages, ts, id FROM events WHERE tenant_id = ? AND type = "
      "'funnel_defined'",
      {tenant}, [&](const sdk::Row& r) {
        FunnelDefinition d;
        d.funnel_id = std::string(r.text(0));
        d.name = std::string(r.text(1));
        d.stages = parse_stages(r.text(2));
        d.ts = r.int64(3);
        d.event_id = std::string(r.text(4));
        all.push_back(std::move(d));
      });
  return current_definitions(std::move(all));
}

}  // namespace zaplify::metrics
