#pragma once
// cost_units: the costs plugin's projection. Per tenant, 15-minute unit (floor(ts / 900000)) and
// conversation: the tokens of the conversation's assistant messages in that unit, a row existing
// once the conversation has any message in it. GET /metrics/cost sums W's whole units from here
// and reads only W's partial edge units from the events, instead of every message of W; the
// attribution to assistants stays a read-time join with the host's conversations, so a late
// earlier start re-attributes without touching these rows.

#include <cstdint>
#include <vector>

#include "zaplify/sdk/events.h"
#include "zaplify/sdk/projection.h"
#include "zaplify/sdk/store.h"

namespace zaplify::costs {

inline constexpr std::int64_t kUnitMs = 900'000;

/// The table's schema steps.
std::vector<sdk::Migration> cost_units_migrations();

/// The projection: its table, its age column (unit) and apply = fold_cost_units.
sdk::ProjectionSpec cost_units_projection();

/// Adds a batch's messages to cost_units. Thread-safe; the same rows whatever the batch order.
void fold_cost_units(const sdk::IngestBatch& batch, sdk::SqlWriter& writer);

/// W = [from, to) as whole units [first_unit, end_unit) (empty when first_unit >= end_unit) and the
/// parts outside them: [from, units_from) and [units_to, to), each possibly empty.
struct UnitSplit {
  std::int64_t first_unit = 0, end_unit = 0;
  std::int64_t units_from = 0, units_to = 0;  ///< ms bounds of the whole units
};
UnitSplit split_window(std::int64_t from_ms, std::int64_t to_ms);

}  // namespace zaplify::costs
