// A third-party plugin: counts a tenant's events by type.
//   GET /examples/event-counts?from=...&to=...   → {"counts": [{"type", "events"}], "total"}
//   data source "event_counts" (type, events)    → exported by the export plugin as JSON or CSV
//   data source "event_counts_daily" (date, type, events): read from a projection, a table the
//   host keeps in step with the event log (ingest, backfill, catch-up after a toggle, retention)
//   event type "booking_made" (amount: integer, required; service: string, optional), its own
//   kind of event that ingestion accepts while the plugin runs, and
//   GET /examples/bookings?min_amount=N&from=...&to=...  → {"bookings", "amount"}: the bookings of
//   the window of at least N (a declared parameter: the host refuses "abc", "-5", "1.5" with 400)
//   tests/event_counter_test.cpp tests this file with the SDK's test kit, without a server.
#include <ctime>
#include <map>
#include <string>
#include <utility>
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
std::vector<TypeCount> count_by_type(const Store& store, const std::string& tenant,
                                     const Window& w) {
  std::vector<TypeCount> counts;
  store.query(
      "SELECT type, COUNT(*) FROM events WHERE tenant_id = ? AND ts >= ? AND ts < ? "
      "GROUP BY type ORDER BY type",
      {tenant, w.from_ms, w.to_ms}, [&](const Row& row) {
        counts.push_back({std::string(row.text(0)), row.int64(1)});
      });
  return counts;
}

constexpr std::int64_t kDayMs = 86400000;

// Our own event type: its fields live in the event's `properties` and ingestion checks them, so a
// stored booking_made always has an integer `amount`.
EventTypeSpec booking_made_type() {
  return {"booking_made",
          "A lead booked a service.",
          {{"amount", JsonType::Integer, true, "Price paid, in cents"},
           {"service", JsonType::String, false, "What was booked"}}};
}

// Bookings of the window with an amount of at least `min_amount`, and their total. property_sql
// writes the JSON read for the store's dialect (SQLite or PostgreSQL); values stay ? parameters.
RouteSpec bookings_route(const Store& store) {
  RouteSpec route;
  route.path = "/examples/bookings";
  route.summary = "Bookings of the window and their total amount";
  route.windowed = true;
  route.cache = CachePolicy::Standard;
  ParamSpec min_amount{"min_amount",
                       ParamLocation::Query,
                       "integer",
                       false,
                       "Only bookings of at least this amount (cents)",
                       "0",
                       {}};
  min_amount.minimum = 0;  // the host answers 400 for "abc", "-5", "1.5" or an empty value
  route.params = {min_amount};
  route.response_schema =
      schema::object("Bookings of the window")
          .field("bookings", schema::integer("booking_made events of W").with_unit("count"))
          .field("amount", schema::integer("Sum of their amounts, in cents"))
          .named("BookingsResponse");
  route.handler = [&store](const Request& req) {
    const std::string amount = property_sql(store.dialect(), "amount", PropertyAs::Integer);
    std::int64_t bookings = 0, total = 0;
    store.query("SELECT COUNT(*), COALESCE(SUM(" + amount +
                    "), 0) FROM events WHERE tenant_id = ? "
                    "AND type = 'booking_made' AND ts >= ? AND ts < ? AND " +
                    amount + " >= ?",
                {req.tenant_id, req.window.from_ms, req.window.to_ms, *req.integer("min_amount")},
                [&](const Row& row) {
                  bookings = row.int64(0);
                  total = row.int64(1);
                });
    return Response::of_json({{"bookings", bookings}, {"amount", total}});
  };
  return route;
}

// The projection: events per (UTC day, type). Folding a batch is order-independent (a sum), as
// the host requires: it replays stored events through the same function after a toggle.
ProjectionSpec daily_counts_projection() {
  ProjectionSpec p;
  p.name = "daily_counts";
  p.tables = {{"event_counter_daily", "day", kDayMs}};  // rows age out with their whole day
  p.apply = [](const IngestBatch& batch, SqlWriter& w) {
    std::map<std::pair<std::int64_t, std::string>, std::int64_t> counts;
    for (const Event& e : *batch.events) ++counts[{e.ts_ms / kDayMs, e.type}];
    for (const auto& [key, n] : counts)
      w.execute(
          "INSERT INTO event_counter_daily (tenant_id, day, type, events) VALUES (?, ?, ?, ?) "
          "ON CONFLICT (tenant_id, day, type) DO UPDATE SET "
          "events = event_counter_daily.events + excluded.events",
          {batch.tenant_id, key.first, key.second, n});
  };
  return p;
}

std::string utc_date(std::int64_t day) {
  const std::time_t secs = static_cast<std::time_t>(day * 86400);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// The keys of this plugin's `config:` block. The host checks a block against them before the
// plugin starts and before a changed block replaces the running one (a bad one is refused naming
// the key), fills in defaults, and lists them in the operator reference.
ConfigSpec event_counter_config() {
  ConfigSpec spec;
  spec.keys = {{"label", schema::string("Name of the count field of each item"), "\"events\""}};
  spec.check = [](const nlohmann::json& block, const ConfigCheckContext&) -> std::string {
    const auto label = block.at("label").get<std::string>();  // a string: the host checked it
    if (label.empty() || label == "type") return "label: a non-empty name other than 'type'";
    return "";
  };
  return spec;
}

class EventCounterPlugin : public Plugin {
 public:
  void start(Host& host) override {
    const Store& store = host.store();
    const std::string label = host.config().at("label");  // checked, default applied

    RouteSpec route;
    route.method = Method::Get;
    route.path = "/examples/event-counts";
    route.summary = "Count the tenant's events by type";
    route.windowed = true;                // the host parses from/to/tz and adds "window"
    route.cache = CachePolicy::Standard;  // the host caches it per tenant and query
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

    host.migrations().add(
        {1, "event_counter_daily",
         "CREATE TABLE event_counter_daily (tenant_id TEXT NOT NULL, day BIGINT NOT NULL, "
         "type TEXT NOT NULL, events BIGINT NOT NULL, PRIMARY KEY (tenant_id, day, type))",
         ""});
    host.projections().add(daily_counts_projection());
    DataSourceSpec daily;
    daily.name = "event_counts_daily";
    daily.description = "Events per UTC day and type, of the days starting in the window";
    daily.columns = {{"date", ColumnType::Date, "UTC day"},
                     {"type", ColumnType::String, "Event type"},
                     {"events", ColumnType::Integer, "Events of that type that day"}};
    daily.produce = [&store](const DataSourceRequest& req, RowSink& sink) {
      const std::int64_t first = (req.window.from_ms + kDayMs - 1) / kDayMs;
      const std::int64_t last = (req.window.to_ms + kDayMs - 1) / kDayMs;  // exclusive
      store.query(
          "SELECT day, type, events FROM event_counter_daily WHERE tenant_id = ? AND "
          "day >= ? AND day < ? ORDER BY day, type",
          {req.tenant_id, first, last}, [&](const Row& row) {
            sink.row({utc_date(row.int64(0)), std::string(row.text(1)), row.int64(2)});
          });
    };
    host.data_sources().add(daily);

    host.event_types().add(booking_made_type());
    host.routes().add(bookings_route(store));
  }
};

}  // namespace

ZAPLIFY_PLUGIN(EventCounterPlugin, "event_counter", "1.0.0",
               "Counts events by type (an SDK example)")
ZAPLIFY_PLUGIN_CONFIG(event_counter_config)
