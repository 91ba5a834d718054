#include "funnel_definition.h"

#include "zaplify/sdk/http.h"

namespace zaplify::funnel {

FunnelDefinition require_funnel(const sdk::FunnelCatalog& funnels, const std::string& tenant_id,
                                const std::string& funnel_id) {
  auto def = funnels.find(tenant_id, funnel_id);
  if (!def) throw sdk::not_found("unknown funnel '" + funnel_id + "'", "funnel_id");
  return std::move(*def);
}

}  // namespace zaplify::funnel
