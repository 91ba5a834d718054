#pragma once
// SPEC §8 funnel breakdown: the funnel's stage counts split by a lead attribute — the source of its
// earliest lead_created, or the channel / assistant of its earliest-starting conversation. The
// attributes come from the host's relations (sdk/host_tables.h: lead_created_events,
// conversation_starts), read index-only once per request; no scan of the events table.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "funnel_scan.h"
#include "zaplify/sdk/store.h"

namespace zaplify::funnel {

enum class BreakdownBy { Source, Channel, AssistantId };

/// The `breakdown` parameter: nullopt when absent; throws sdk::invalid_parameter when unknown.
std::optional<BreakdownBy> parse_breakdown(const std::optional<std::string>& raw);

/// Each lead's value of the attribute; a lead absent from the map has none (null).
/// Throws sdk::StoreError.
std::unordered_map<std::string, std::string> lead_attribute(const sdk::Store& store,
                                                            const std::string& tenant_id,
                                                            BreakdownBy by);

/// One value's share of the funnel: counts[k] = its leads that reached Sk.
struct BreakdownEntry {
  std::optional<std::string> value;
  std::vector<std::int64_t> counts;
};

/// Groups the leads by value, ordered per SPEC: count at S0 descending, then value ascending
/// (byte order), null after every other value of the same count.
std::vector<BreakdownEntry> break_down(const std::vector<LeadReach>& leads,
                                       const std::unordered_map<std::string, std::string>& values,
                                       std::size_t stage_count);

/// The response's `breakdown` array: [{"value", "stages": [{"stage", "count"}], "overall_conversion"}].
nlohmann::json breakdown_json(const std::vector<std::string>& stages,
                              const std::vector<BreakdownEntry>& entries);

}  // namespace zaplify::funnel
