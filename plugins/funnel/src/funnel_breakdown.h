#pragma once
// The funnel breakdown (docs/api.md, Stage report, `breakdown`): the funnel's stage counts split by
// a lead attribute — the source of its earliest lead_created, or the channel / assistant of its
// earliest-starting conversation. The attributes come from the host's relations
// (sdk/host_tables.h: lead_created_events, conversations), read once per request;
// no scan of the events table.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "funnel_scan.h"
#include "zaplify/sdk/store.h"
#include "zaplify/sdk/string_table.h"

namespace zaplify::funnel {

enum class BreakdownBy { Source, Channel, AssistantId };

/// The `breakdown` parameter: nullopt when absent; throws sdk::invalid_parameter when unknown.
std::optional<BreakdownBy> parse_breakdown(const std::optional<std::string>& raw);

/// Each lead's value of the attribute, for one request. Values are interned (a few distinct
/// sources, channels or assistants) and the strings are kept in the object's own blocks, so that
/// reading 100 k starts costs no allocation per row. Move-only.
class LeadAttribute {
 public:
  /// A lead's entry: its value's index (kNone: null) and, for the conversation attributes, the
  /// (start_ts, start event id) of the conversation it came from, to keep the earliest.
  struct Entry {
    static constexpr std::uint32_t kNone = 0xffffffffu;
    std::uint32_t value = kNone;
    std::int64_t ts = 0;
    std::string_view event_id;  ///< Kept by keep().
  };

  LeadAttribute() = default;
  LeadAttribute(LeadAttribute&&) = default;
  LeadAttribute& operator=(LeadAttribute&&) = default;

  /// The index of the lead's value in values(); nullopt when the lead has none (null).
  std::optional<std::uint32_t> index_of(std::string_view lead_id) const {
    const Entry* entry = leads_.find(lead_id);
    if (entry == nullptr || entry->value == Entry::kNone) return std::nullopt;
    return entry->value;
  }
  const std::vector<std::string>& values() const { return values_; }

  /// A copy of `text` that lives as long as this object.
  std::string_view keep(std::string_view text) { return text_.keep(text); }
  /// The index of `value` in values(), added when new.
  std::uint32_t intern(std::string_view value);
  /// The lead's entry, inserted (null) when new; `second` is true then.
  std::pair<Entry*, bool> entry(std::string_view lead_id) { return leads_.insert(lead_id); }

 private:
  sdk::TextArena text_;
  std::vector<std::string> values_;
  std::unordered_map<std::string_view, std::uint32_t> value_index_;  ///< Keys kept by keep().
  sdk::StringTable<Entry> leads_{1u << 17};
};

/// Each lead's value of the attribute. Throws sdk::StoreError.
LeadAttribute lead_attribute(const sdk::Store& store, const std::string& tenant_id, BreakdownBy by);

/// One value's share of the funnel: counts[k] = its leads that reached Sk.
struct BreakdownEntry {
  std::optional<std::string> value;
  std::vector<std::int64_t> counts;
};

/// Groups the leads by value, ordered as docs/api.md (Stage report) says: count at S0 descending,
/// then value ascending (byte order), null after every other value of the same count.
std::vector<BreakdownEntry> break_down(const std::vector<LeadReach>& leads,
                                       const LeadAttribute& values, std::size_t stage_count);

/// The response's `breakdown` array: [{"value", "stages": [{"stage", "count"}],
/// "overall_conversion"}].
nlohmann::json breakdown_json(const std::vector<std::string>& stages,
                              const std::vector<BreakdownEntry>& entries);

}  // namespace zaplify::funnel
