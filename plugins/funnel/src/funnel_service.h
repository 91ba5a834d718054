#pragma once
// The funnel routes' handlers and the `funnel_stages` data source, over the host's store.

#include <vector>

#include "zaplify/sdk/calendar.h"
#include "zaplify/sdk/data_source.h"
#include "zaplify/sdk/funnels.h"
#include "zaplify/sdk/http.h"
#include "zaplify/sdk/store.h"

namespace zaplify::funnel {

/// Thread-safe: holds only references to host services, which are thread-safe. The store, the
/// funnel catalog and the calendar belong to the host and must outlive this object (they do until
/// the plugin's stop()).
class FunnelService {
 public:
  FunnelService(const sdk::Store& store, const sdk::FunnelCatalog& funnels,
                const sdk::Calendar& calendar)
      : store_(store), funnels_(funnels), calendar_(calendar) {}

  /// GET /analytics/funnels
  sdk::Response list(const sdk::Request& req) const;
  /// GET /analytics/funnel/{funnel_id}
  sdk::Response report(const sdk::Request& req) const;
  /// GET /analytics/funnel/{funnel_id}/conversion-flow[?format=json|svg]
  sdk::Response flow(const sdk::Request& req) const;
  /// GET /analytics/funnel/{funnel_id}/bottlenecks
  sdk::Response bottlenecks(const sdk::Request& req) const;
  /// GET /analytics/funnel/{funnel_id}/dropped?stage=NAME[&limit=N]
  sdk::Response dropped(const sdk::Request& req) const;
  /// The `funnel_stages` data source: one row per stage (the report's stage columns).
  void produce_stages(const sdk::DataSourceRequest& req, sdk::RowSink& sink) const;

  static std::vector<sdk::Column> stage_columns();

 private:
  const sdk::Store& store_;
  const sdk::FunnelCatalog& funnels_;
  const sdk::Calendar& calendar_;
};

}  // namespace zaplify::funnel
