#include "funnel_breakdown.h"

#include <algorithm>
#include <map>

#include "funnel_stats.h"
#include "zaplify/sdk/host_tables.h"
#include "zaplify/sdk/http.h"
#include "zaplify/sdk/string_table.h"

namespace zaplify::funnel {
namespace {

// The earliest lead_created of each lead: rows come in (lead_id, ts, event_id) order, the covering
// index's order, so a lead's first row is the one.
void read_sources(const sdk::Store& store, const std::string& tenant, LeadAttribute& out) {
  std::string last_lead;  // the previous row's (the table copies the ids it keeps)
  bool any = false;
  store.query(std::string("SELECT lead_id, source FROM ") + sdk::kLeadCreatedEvents +
                  " WHERE tenant_id = ? ORDER BY lead_id, ts, event_id",
              {tenant}, [&](const sdk::Row& row) {
                const std::string_view lead = row.text(0);
                if (any && lead == last_lead) return;
                any = true;
                last_lead = lead;
                if (!row.is_null(1)) {
                  auto [entry, fresh] = out.entry(lead);
                  if (fresh) entry->value = out.intern(row.text(1));
                }
              });
}

// A lead's conversation is the earliest-starting of the conversations it started (docs/api.md,
// How events are interpreted): the host's conversations rows already hold each conversation's
// earliest start, so one pass keeps the earliest per lead, straight in `out`.
void read_conversation_values(const sdk::Store& store, const std::string& tenant, BreakdownBy by,
                              LeadAttribute& out) {
  const int col = by == BreakdownBy::AssistantId ? 3 : 4;
  store.query(std::string("SELECT lead_id, start_ts, start_id, assistant_id, channel FROM ") +
                  sdk::kConversations + " WHERE tenant_id = ? AND start_ts < ?",
              {tenant, sdk::kNoInstant}, [&](const sdk::Row& row) {
                const std::int64_t ts = row.int64(1);
                const std::string_view event_id = row.text(2);
                auto [entry, fresh] = out.entry(row.text(0));
                if (!fresh && !(ts < entry->ts || (ts == entry->ts && event_id < entry->event_id)))
                  return;
                entry->ts = ts;
                entry->event_id = out.keep(event_id);
                // "" is a human-only conversation (no assistant); the host stores a start without
                // a channel as whatsapp, the default.
                const std::string_view value = row.text(col);
                entry->value = value.empty() ? LeadAttribute::Entry::kNone : out.intern(value);
              });
}

}  // namespace

std::optional<BreakdownBy> parse_breakdown(const std::optional<std::string>& raw) {
  if (!raw) return std::nullopt;
  if (*raw == "source") return BreakdownBy::Source;
  if (*raw == "channel") return BreakdownBy::Channel;
  if (*raw == "assistant_id") return BreakdownBy::AssistantId;
  throw sdk::invalid_parameter("breakdown",
                               "breakdown must be one of source, channel, assistant_id");
}

std::uint32_t LeadAttribute::intern(std::string_view value) {
  // A few distinct values (channels, assistants, sources) asked for once per row: a short linear
  // look first, the hash map for a long tail.
  const std::size_t scan = std::min<std::size_t>(values_.size(), 16);
  for (std::size_t i = 0; i < scan; ++i)
    if (values_[i] == value) return static_cast<std::uint32_t>(i);
  if (auto it = value_index_.find(value); it != value_index_.end()) return it->second;
  const auto index = static_cast<std::uint32_t>(values_.size());
  values_.emplace_back(value);
  value_index_.emplace(keep(value), index);
  return index;
}

LeadAttribute lead_attribute(const sdk::Store& store, const std::string& tenant_id,
                             BreakdownBy by) {
  LeadAttribute out;
  if (by == BreakdownBy::Source)
    read_sources(store, tenant_id, out);
  else
    read_conversation_values(store, tenant_id, by, out);
  return out;
}

std::vector<BreakdownEntry> break_down(const std::vector<LeadReach>& leads,
                                       const LeadAttribute& values, std::size_t stage_count) {
  // furthest[value][k]: leads whose furthest stage is k; counts are its suffix sums.
  std::vector<std::vector<std::int64_t>> by_value(values.values().size());
  std::vector<std::int64_t> none(stage_count, 0);
  bool any_none = false;
  for (const LeadReach& l : leads) {
    const auto v = values.index_of(l.lead_id);
    any_none = any_none || !v;
    std::vector<std::int64_t>& furthest = v ? by_value[*v] : none;
    if (furthest.empty()) furthest.assign(stage_count, 0);
    ++furthest[static_cast<std::size_t>(l.reached)];
  }
  auto entry = [&](std::optional<std::string> value, std::vector<std::int64_t> counts) {
    for (std::size_t k = stage_count; k-- > 1;) counts[k - 1] += counts[k];
    return BreakdownEntry{std::move(value), std::move(counts)};
  };
  std::vector<BreakdownEntry> out;
  for (std::size_t i = 0; i < by_value.size(); ++i)
    if (!by_value[i].empty()) out.push_back(entry(values.values()[i], std::move(by_value[i])));
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
    for (std::size_t k = 0; k < stages.size(); ++k)
      counts.push_back({{"stage", stages[k]}, {"count", e.counts[k]}});
    const auto overall = ratio(e.counts.back(), e.counts.front());
    out.push_back(
        {{"value", e.value ? nlohmann::json(*e.value) : nlohmann::json(nullptr)},
         {"stages", std::move(counts)},
         {"overall_conversion", overall ? nlohmann::json(*overall) : nlohmann::json(nullptr)}});
  }
  return out;
}

}  // namespace zaplify::funnel
