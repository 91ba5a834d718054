#pragma once
// Funnel definitions come from the host (sdk::FunnelCatalog, Host::funnels()): one loader and one
// rule for every plugin, documented in zaplify/sdk/funnels.h.

#include <cstddef>
#include <string>

#include "zaplify/sdk/funnels.h"

namespace zaplify::funnel {

/// The scan keeps per-lead stage sets in 64-bit masks.
inline constexpr std::size_t kMaxStages = 64;
static_assert(sdk::kMaxFunnelStages <= kMaxStages,
              "every definition the catalog returns must fit the scan's stage masks");

using FunnelDefinition = sdk::FunnelDefinition;

/// The funnel's current definition; an unknown funnel (or one without a well-formed definition)
/// throws sdk::not_found (field "funnel_id"), answered 404.
FunnelDefinition require_funnel(const sdk::FunnelCatalog& funnels, const std::string& tenant_id,
                                const std::string& funnel_id);

}  // namespace zaplify::funnel
