#include "funnel_breakdown.h"

#include <algorithm>
#include <map>

#include "funnel_stats.h"
#include "zaplify/sdk/host_tables.h"
#include "zaplify/sdk/http.h"

namespace zaplify::funnel {
namespace {

// The earliest lead_created of each lead: rows come in (lead_id, ts, event_id) order, the covering
// index's order, so a lead's first row is the one.
std::unordered_map<std::string, std::string> sources(const sdk::Store& store, const std::string& tenant) {
  std::unordered_map<std::string, std::string> out;
  std::string last_lead;
  bool any = false;
  store.query(std::string("SELECT lead_id, source FROM ") + sdk::kLeadCreatedEvents +
                  " WHERE tenant_id = ? ORDER BY lead_id, ts, event_id",
              {tenant}, [&](const sdk::Row& row) {
                const std::string_view lead = row.text(0);
                if (any && lead == last_lead) return;
                any = true;
                last_lead = lead;
                if (!row.is_null(1)) out.emplace(last_lead, std::string(row.text(1)));
              });
  return out;
}

struct Start {
  std::int64_t ts = 0;
  std::string event_id, lead_id, value;
  bool has_value = false;
  bool before(std::int64_t other_ts, std::string_view other_id) const {
    return ts != other_ts ? ts < other_ts : std::string_view(event_id) < other_id;
  }
};

// A conversation is its earliest start (SPEC §2), which names its lead; a lead's conversation is the
// earliest-starting of those. Rows come lead by lead in (ts, event_id) order.
std::unordered_map<std::string, std::string> conversation_values(const sdk::Store& store,
                                                                 const std::string& tenant, BreakdownBy by) {
  std::unordered_map<std::string, Start> earliest;  // by conversation
  store.query(std::string("SELECT conversation_id, lead_id, ts, event_id, assistant_id, channel FROM ") +
                  sdk::kConversationStarts + " WHERE tenant_id = ?",
              {tenant}, [&](const sdk::Row& row) {
                const std::int64_t ts = row.int64(2);
                auto [it, fresh] = earliest.try_emplace(std::string(row.text(0)));
                Start& s = it->second;
                if (!fresh && !(ts < s.ts || (ts == s.ts && row.text(3) < s.event_id))) return;
                s.ts = ts;
                s.event_id = row.text(3);
                s.lead_id = row.text(1);
                const int col = by == BreakdownBy::AssistantId ? 4 : 5;
                s.has_value = !row.is_null(col) || by == BreakdownBy::Channel;
                s.value = row.is_null(col) ? std::string(s.has_value ? "whatsapp" : "") : std::string(row.text(col));
              });
  std::unordered_map<std::string, const Start*> first;  // by lead
  for (const auto& [conversation, s] : earliest) {
    auto [it, fresh] = first.try_emplace(s.lead_id, &s);
    if (!fresh && s.before(it->second->ts, it->second->event_id)) it->second = &s;
  }
  std::unordered_map<std::string, std::string> out;
  for (const auto& [lead, s] : first)
    if (s->has_value) out.emplace(lead, s->value);
  return out;
}

}  // namespace

std::optional<BreakdownBy> parse_breakdown(const std::optional<std::string>& raw) {
  if (!raw) return std::nullopt;
  if (*raw == "source") return BreakdownBy::Source;
  if (*raw == "channel") return BreakdownBy::Channel;
  if (*raw == "assistant_id") return BreakdownBy::AssistantId;
  throw sdk::invalid_parameter("breakdown", "breakdown must be one of source, channel, assistant_id");
}

std::unordered_map<std::string, std::string> lead_attribute(const sdk::Store& store,
                                                            const std::string& tenant_id, BreakdownBy by) {
  return by == BreakdownBy::Source ? sources(store, tenant_id) : conversation_values(store, tenant_id, by);
}

std::vector<BreakdownEntry> break_down(const std::vector<LeadReach>& leads,
                                       const std::unordered_map<std::string, std::string>& values,
                                       std::size_t stage_count) {
  // furthest[value][k]: leads whose furthest stage is k; counts are its suffix sums.
  std::map<std::string, std::vector<std::int64_t>> by_value;
  std::vector<std::int64_t> none(stage_count, 0);
  bool any_none = false;
  for (const LeadReach& l : leads) {
    const auto it = values.find(l.lead_id);
    std::vector<std::int64_t>& furthest =
        it == values.end() ? none : by_value.try_emplace(it->second, stage_count, 0).first->second;
    any_none = any_none || it == values.end();
    ++furthest[static_cast<std::size_t>(l.reached)];
  }
  auto entry = [&](std::optional<std::string> value, std::vector<std::int64_t> counts) {
    for (std::size_t k = stage_count; k-- > 1;) counts[k - 1] += counts[k];
    return BreakdownEntry{std::move(value), std::move(counts)};
  };
  std::vector<BreakdownEntry> out;
  for (auto& [value, furthest] : by_value) out.push_back(entry(value, std::move(furthest)));
  if (any_none) out.push_back(entry(std::nullopt, std::move(none)));
  std::stable_sort(out.begin(), out.end(), [](const BreakdownEntry& a, const BreakdownEntry& b) {
    if (a.counts[0] != b.counts[0]) return a.counts[0] > b.counts[0];
    if (a.value.has_value() != b.value.has_value()) return a.value.has_value();
    return a.value < b.value;
  });
  return out;
}

nlohmann::json breakdown_json(const std::vector<std::string>& stages,
                              const std::vector<BreakdownEntry>& entries) {
  nlohmann::json out = nlohmann::json::array();
  for (const BreakdownEntry& e : entries) {
    nlohmann::json counts = nlohmann::json::array();
    for (std::size_t k = 0; k < stages.size(); ++k) counts.push_back({{"stage", stages[k]}, {"count", e.counts[k]}});
    const auto overall = ratio(e.counts.back(), e.counts.front());
    out.push_back({{"value", e.value ? nlohmann::json(*e.value) : nlohmann::json(nullptr)},
                   {"stages", std::move(counts)},
                   {"overall_conversion", overall ? nlohmann::json(*overall) : nlohmann::json(nullptr)}});
  }
  return out;
}

}  // namespace zaplify::funnel
