// A third-party plugin: counts a tenant's events by type.
//   GET /examples/event-counts?from=...&to=...   → {"counts": [{"type", "events"}], "total"}
//   data source "event_counts" (type, events)    → exported by the export plugin as JSON or CSV
#include <string>
#include <vector>

#include <zaplify/sdk/sdk.h>

namespace {

using namespace zaplify::sdk;

struct TypeCount {
  std::string type;
  std::int64_t events = 0;
};

// The one computation, shared by the route and the data source. The host guarantees the tenant
// is the caller's; filtering on it first keeps the query on the (tenant_id, type, ts) index.
std::vector<TypeCount> count_by_type(const Store& store, const std::string& tenant, const Window& w) {
  std::vector<TypeCount> counts;
  store.query(
      "SELECT type, COUNT(*) FROM events WHERE tenant_id = ? AND ts >= ? AND ts < ? "
      "GROUP BY type ORDER BY type",
      {tenant, w.from_ms, w.to_ms},
      [&](const Row& row) { counts.push_back({std::string(row.text(0)), row.int64(1)}); });
  return counts;
}

class EventCounterPlugin : public Plugin {
 public:
  void start(Host& host) override {
    const Store& store = host.store();
    std::string label = host.config().value("label", "events");

    RouteSpec route;
    route.method = Method::Get;
    route.path = "/examples/event-counts";
    route.summary = "Count the tenant's events by type";
    route.windowed = true;                 // the host parses from/to/tz and adds "window"
    route.cache = CachePolicy::Standard;   // the host caches it per tenant and query
    route.handler = [&store, label](const Request& req) {
      nlohmann::json counts = nlohmann::json::array();
      std::int64_t total = 0;
      for (const auto& c : count_by_type(store, req.tenant_id, req.window)) {
        counts.push_back({{"type", c.type}, {label, c.events}});
        total += c.events;
      }
      return Response::of_json({{"counts", counts}, {"total", total}});
    };
    host.routes().add(route);

    DataSourceSpec source;
    source.name = "event_counts";
    source.description = "Events of the window by type";
    source.columns = {{"type", ColumnType::String, "Event type"},
                      {"events", ColumnType::Integer, "Events of that type in the window"}};
    source.produce = [&store](const DataSourceRequest& req, RowSink& sink) {
      for (const auto& c : count_by_type(store, req.tenant_id, req.window))
        sink.row({c.type, c.events});
    };
    host.data_sources().add(source);
  }
};

}  // namespace

ZAPLIFY_PLUGIN(EventCounterPlugin, "event_counter", "1.0.0", "Counts events by type (an SDK example)")
