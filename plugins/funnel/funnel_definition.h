#pragma once
// Funnel definitions: a funnel's current definition is its latest `funnel_defined` event.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "zaplify/sdk/store.h"

namespace zaplify::funnel {

/// Ingestion allows 1–50 stages; the scan keeps per-lead stage sets in 64-bit masks.
inline constexpr std::size_t kMaxStages = 64;

/// One funnel as currently defined (SPEC §2: the latest `funnel_defined` by timestamp wins).
struct FunnelDefinition {
  std::string funnel_id;
  std::string name;
  std::vector<std::string> stages;  ///< In order; S0 first. Never empty.
  std::int64_t defined_at_ms = 0;   ///< Timestamp of the winning `funnel_defined`.
  std::string event_id;             ///< Id of the winning `funnel_defined`.
};

/// True when definition `a` (ts, id) supersedes `b`: a later timestamp wins, and among equal
/// timestamps the byte-wise greater event id wins (the last in (timestamp, id) order).
bool supersedes(std::int64_t a_ts, const std::string& a_id, std::int64_t b_ts,
                const std::string& b_id);

/// Parses the `stages` column (a JSON array of strings). Returns nullopt when it is not a
/// non-empty array of at most kMaxStages strings (such a definition is ignored).
std::optional<std::vector<std::string>> parse_stages(std::string_view json_text);

/// The tenant's funnels, each with its current definition, sorted by funnel_id (byte-wise).
/// Thread-safe as `store` is. Throws sdk::StoreError.
std::vector<FunnelDefinition> load_funnels(const sdk::Store& store, const std::string& tenant_id);

/// The current definition of one funnel, or nullopt when the tenant never defined it.
std::optional<FunnelDefinition> load_funnel(const sdk::Store& store, const std::string& tenant_id,
                                            const std::string& funnel_id);

/// load_funnel, but an unknown funnel throws sdk::not_found (field "funnel_id").
FunnelDefinition require_funnel(const sdk::Store& store, const std::string& tenant_id,
                                const std::string& funnel_id);

}  // namespace zaplify::funnel
