// A test plugin with a custom event type: `booking_made` (booking_id required, amount and channel
// optional), counted by GET /x/bookings/count through sdk::property_sql, so the same SQL runs on
// SQLite and PostgreSQL. Built by tests/CMakeLists.txt against the SDK headers only.
#include <zaplify/sdk/sdk.h>

using namespace zaplify::sdk;

namespace {

class BookingsPlugin : public Plugin {
 public:
  void start(Host& host) override {
    host.event_types().add({"booking_made",
                            "A lead booked a slot.",
                            {{"booking_id", JsonType::String, true, "The booking"},
                             {"amount", JsonType::Number, false, "Price paid"},
                             {"channel", JsonType::String, false, "Where it was booked"}}});
    const Store& store = host.store();
    RouteSpec route;
    route.path = "/x/bookings/count";
    route.summary = "Bookings of the window, optionally of one channel, and their amount";
    route.windowed = true;
    ParamSpec channel;
    channel.name = "channel";
    channel.description = "Only bookings made through this channel";
    route.params = {channel};
    route.handler = [&store](const Request& req) {
      const Dialect d = store.dialect();
      std::string sql =
          "SELECT COUNT(*), COALESCE(SUM(" + property_sql(d, "amount", PropertyAs::Number) +
          "), 0) FROM events WHERE tenant_id = ? AND type = 'booking_made' AND ts >= ? AND ts < ?";
      std::vector<Value> params{req.tenant_id, req.window.from_ms, req.window.to_ms};
      if (auto channel = req.param("channel")) {
        sql += " AND " + property_sql(d, "channel") + " = ?";
        params.emplace_back(*channel);
      }
      std::int64_t bookings = 0;
      double amount = 0;
      store.query(sql, params, [&](const Row& row) {
        bookings = row.int64(0);
        amount = row.number(1);
      });
      return Response::of_json({{"bookings", bookings}, {"amount", amount}});
    };
    host.routes().add(route);
  }
};

}  // namespace

ZAPLIFY_PLUGIN(BookingsPlugin, "bookings", "1.0.0", "Counts custom booking events (test plugin)")
