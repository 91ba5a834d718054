#pragma once
// Feeds cost_model.h from the event store (the events table and the host's stage_events, read
// through sdk::Store only). Every function throws sdk::StoreError on a database failure.

#include "cost_model.h"
#include "zaplify/sdk/calendar.h"
#include "zaplify/sdk/data_source.h"
#include "zaplify/sdk/funnels.h"
#include "zaplify/sdk/store.h"

namespace zaplify::costs {

/// GET /metrics/cost over W.
CostReport compute_cost(const sdk::Store& store, const sdk::FunnelCatalog& funnels,
                        const Prices& prices, const std::string& tenant, const sdk::Window& w);

/// The `cost_daily` rows: date (in w.tz), assistant_id (null: unattributed), tokens, cost.
void produce_cost_daily(const sdk::Store& store, const sdk::Calendar& calendar,
                        const Prices& prices, const sdk::DataSourceRequest& request,
                        sdk::RowSink& sink);

}  // namespace zaplify::costs
