#pragma once
// A tenant's funnels as currently defined, loaded once by the host for every plugin (so no two
// plugins can disagree on which definition is current). Added in SDK 1.1; same ABI.
//
// The rule (the API contract's "the latest definition by timestamp wins", made exact; also in
// docs/api-notes.md):
//   * A stored `funnel_defined` counts only when its `stages` are well-formed: a JSON array of
//     1–kMaxFunnelStages distinct strings, exactly what ingestion accepts. Anything else (not
//     JSON, not an array, empty, NULL, a non-string item, a repeated stage, too many stages) can
//     only come from outside the API (a direct import, an old bug) and is ignored as if it had
//     never been ingested.
//   * A funnel's current definition is its latest well-formed `funnel_defined` in (timestamp, id)
//     order: the later timestamp wins; on equal timestamps the byte-wise greater event id wins, so
//     the result never depends on arrival order.
//   * So a malformed latest definition falls back to the latest well-formed one before it, and a
//     funnel without any well-formed definition is absent (not listed, find() gives nullopt).
//   Definitions are all-time: the query window and retention of other events do not limit them.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "zaplify/sdk/version.h"

namespace zaplify::sdk {

/// The largest number of stages ingestion accepts in one `funnel_defined` (1 to 50 distinct names).
inline constexpr std::size_t kMaxFunnelStages = 50;

/// One funnel as currently defined.
struct FunnelDefinition {
  std::string funnel_id;
  std::string name;
  std::vector<std::string> stages;  ///< In order, S0 first; 1–kMaxFunnelStages distinct names.
  std::int64_t defined_at_ms = 0;   ///< Timestamp of the winning `funnel_defined` (epoch ms).
};

/// Read access to the current funnel definitions. Owned by the host (Host::funnels()).
/// Thread-safe; every call reads the event store afresh, so a definition is visible as soon as
/// the batch that carried it was acknowledged. Both methods throw StoreError on database failure.
class ZAPLIFY_SDK_API FunnelCatalog {
 public:
  virtual ~FunnelCatalog() = default;
  /// Every funnel of the tenant with its current definition, sorted by funnel_id (byte-wise).
  virtual std::vector<FunnelDefinition> current(const std::string& tenant_id) const = 0;
  /// The current definition of one funnel, or nullopt when the tenant has no well-formed
  /// definition of it.
  virtual std::optional<FunnelDefinition> find(const std::string& tenant_id,
                                               const std::string& funnel_id) const = 0;
};

}  // namespace zaplify::sdk
