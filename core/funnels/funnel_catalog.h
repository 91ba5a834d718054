#pragma once
// The host's one loader of current funnel definitions (sdk::FunnelCatalog, rule in
// zaplify/sdk/funnels.h), shared by every plugin through Host::funnels().

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zaplify/sdk/funnels.h"
#include "zaplify/sdk/store.h"

namespace zaplify::core {

/// Reads `funnel_defined` rows from the events table on every call (definitions are few and the
/// read uses the (tenant_id, type, ts) index), so there is no cache to keep in step with ingestion
/// or retention. Thread-safe as `store` is; `store` must outlive this object.
class StoreFunnelCatalog final : public sdk::FunnelCatalog {
 public:
  explicit StoreFunnelCatalog(const sdk::Store& store) : store_(store) {}

  std::vector<sdk::FunnelDefinition> current(const std::string& tenant_id) const override;
  std::optional<sdk::FunnelDefinition> find(const std::string& tenant_id,
                                            const std::string& funnel_id) const override;

 private:
  /// Current definitions of the tenant's funnels (only `*only` when non-null), by funnel_id.
  std::vector<sdk::FunnelDefinition> load(const std::string& tenant_id,
                                          const std::string* only) const;

  const sdk::Store& store_;
};

/// The stored `stages` column when it is well-formed (a JSON array of 1–kMaxFunnelStages distinct
/// strings, what ingestion accepts); nullopt otherwise.
std::optional<std::vector<std::string>> parse_funnel_stages(std::string_view json_text);

}  // namespace zaplify::core
