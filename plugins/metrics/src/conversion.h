#pragma once
// GET /metrics/conversion: per funnel (current definition), the leads that entered it (any
// stage_changed of the funnel) and those that converted (one into its final stage), in W and W′.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zaplify/sdk/calendar.h"
#include "zaplify/sdk/funnels.h"
#include "zaplify/sdk/store.h"

namespace zaplify::metrics {

struct FunnelConversion {
  std::string funnel_id;
  std::string name;
  std::int64_t entered = 0;
  std::int64_t converted = 0;
  std::int64_t previous_entered = 0;
  std::int64_t previous_converted = 0;
};

/// One entry per funnel of `funnels`, in their order. Throws sdk::StoreError.
std::vector<FunnelConversion> compute_conversion(const sdk::Store& store, const std::string& tenant,
                                                 const sdk::Window& w,
                                                 const std::vector<sdk::FunnelDefinition>& funnels);

/// {funnel_id, name, entered, converted, conversion_rate, previous_conversion_rate, change_pts}.
nlohmann::json conversion_json(const FunnelConversion& c);

}  // namespace zaplify::metrics
