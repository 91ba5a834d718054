#pragma once
// Feeds cohort_model.h from the event store (events and the host's stage_events, through
// sdk::Store only) and shapes the route's and the data source's answers.

#include <nlohmann/json.hpp>

#include "cohort_model.h"
#include "zaplify/sdk/data_source.h"
#include "zaplify/sdk/funnels.h"
#include "zaplify/sdk/store.h"

namespace zaplify::cohorts {

/// The cohorts of W for funnel `funnel_id`. Throws sdk::HttpError 404 for an unknown funnel and
/// sdk::StoreError on a database failure.
std::vector<Cohort> compute_cohorts(const sdk::Store& store, const sdk::FunnelCatalog& funnels,
                                    const sdk::Calendar& calendar, const std::string& tenant,
                                    const std::string& funnel_id, const sdk::Window& w,
                                    CohortInterval interval);

nlohmann::json cohorts_json(const std::vector<Cohort>& cohorts, const sdk::Calendar& calendar,
                            const std::string& tz);

/// The `cohorts` data source: rows (cohort, period, leads, converted, rate), none for an empty
/// cohort. Needs `funnel_id`; the interval is the export's `interval` (day | week; none = week).
void produce_cohort_rows(const sdk::Store& store, const sdk::FunnelCatalog& funnels,
                         const sdk::Calendar& calendar, const sdk::DataSourceRequest& request,
                         sdk::RowSink& sink);

}  // namespace zaplify::cohorts
