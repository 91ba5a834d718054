// Unit tests of the example plugin, written against the SDK's test kit alone: the built
// event_counter.so is opened as the server opens it, started on a FakeHost over a real SQLite
// store with the server's schema, fed events, and its routes and data sources are called directly.
// Every expected number is computed here from the events themselves, not from SQL.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <zaplify/testkit/testkit.h>

namespace {

namespace sdk = zaplify::sdk;
namespace testkit = zaplify::testkit;
using nlohmann::json;

constexpr std::int64_t kDayMs = 86400000;
constexpr std::int64_t kNov19 = 1795046400000;  // 2026-11-19T00:00:00Z
const std::vector<std::string> kDates = {"2026-11-19", "2026-11-20", "2026-11-21"};

// One booking as the test means it; the event the plugin sees is made from it.
struct Booking {
  std::string id;
  std::string tenant;
  std::int64_t ts_ms;
  std::int64_t amount;
  std::optional<std::string> service;
};

sdk::Event booking_event(const Booking& b) {
  json properties = {{"amount", b.amount}};
  if (b.service) properties["service"] = *b.service;
  sdk::Event e;
  e.id = b.id;
  e.type = "booking_made";
  e.tenant_id = b.tenant;
  e.ts_ms = b.ts_ms;
  e.properties = properties.dump();  // compact, keys sorted: as ingestion stores it
  return e;
}

sdk::Event lead_event(const std::string& id, const std::string& tenant, std::int64_t ts_ms) {
  sdk::Event e;
  e.id = id;
  e.type = "lead_created";
  e.tenant_id = tenant;
  e.ts_ms = ts_ms;
  e.lead_id = "lead-" + id;
  return e;
}

class EventCounterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    lib.start(host, {{"label", "events"}});
    host.apply_migrations("event_counter");
  }

  sdk::Response bookings(const sdk::Window& w, std::map<std::string, std::string> query = {},
                         const std::string& tenant = "t1") {
    return host.get("/examples/bookings", std::move(query), w, tenant);
  }

  // Declared in this order so that the plugin stops before the host and the store go away.
  testkit::SqliteStore store;
  testkit::FakeHost host{store, json::object(), kNov19 + 3 * kDayMs};
  testkit::PluginLibrary lib{ZAPLIFY_PLUGIN_SO};
};

TEST_F(EventCounterTest, RegistersWhatTheServerServes) {
  using Names = std::vector<std::string>;
  EXPECT_STREQ(lib.descriptor().name, "event_counter");
  EXPECT_EQ(host.route_keys(), (Names{"GET /examples/bookings", "GET /examples/event-counts"}));
  EXPECT_EQ(host.data_source_names(), (Names{"event_counts", "event_counts_daily"}));
  EXPECT_EQ(host.projection_names(), (Names{"daily_counts"}));
  EXPECT_EQ(host.event_type_names(), (Names{"booking_made"}));
  EXPECT_EQ(host.registered_migrations().size(), 1u);  // applied in SetUp on the server's schema

  const sdk::EventTypeSpec& type = host.registered_event_types().at(0);
  ASSERT_EQ(type.fields.size(), 2u);
  EXPECT_EQ(type.fields[0].name, "amount");
  EXPECT_EQ(type.fields[0].type, sdk::JsonType::Integer);
  EXPECT_TRUE(type.fields[0].required);
  EXPECT_EQ(type.fields[1].name, "service");
  EXPECT_EQ(type.fields[1].type, sdk::JsonType::String);
  EXPECT_FALSE(type.fields[1].required);

  const sdk::RouteSpec* route = host.find_route(sdk::Method::Get, "/examples/bookings");
  ASSERT_NE(route, nullptr);
  EXPECT_TRUE(route->windowed);
  ASSERT_EQ(route->params.size(), 1u);
  const sdk::ParamSpec& min_amount = route->params[0];
  EXPECT_EQ(min_amount.name, "min_amount");
  EXPECT_EQ(min_amount.type, "integer");
  EXPECT_EQ(min_amount.default_value, "0");
  ASSERT_TRUE(min_amount.minimum.has_value());
  EXPECT_EQ(*min_amount.minimum, 0.0);
}

TEST_F(EventCounterTest, ConfigIsCheckedByTheServersRules) {
  EXPECT_EQ(lib.check_config(json::object()), "");  // the default label
  EXPECT_EQ(lib.check_config({{"label", "n"}}), "");
  // The host's type check, the plugin's own check and an unknown key: each names the key.
  for (const json& bad : {json{{"label", 5}}, json{{"label", "type"}}, json{{"label", ""}}}) {
    const std::string error = lib.check_config(bad);
    EXPECT_EQ(error.rfind("plugins[event_counter].config", 0), 0u) << bad.dump() << " → " << error;
    EXPECT_NE(error.find("label"), std::string::npos) << bad.dump() << " → " << error;
  }
  EXPECT_EQ(lib.check_config({{"lable", "n"}}),
            "plugins[event_counter].config.lable: not a key of this plugin (known: label)");
}

TEST_F(EventCounterTest, BookingsRouteCountsAndSumsTheWindow) {
  // Three days of bookings for two tenants, plus leads; the window is the middle day.
  std::mt19937 rng(7);
  std::vector<Booking> all;
  std::vector<sdk::Event> events;
  for (int i = 0; i < 300; ++i) {
    Booking b{"b" + std::to_string(i), i % 5 == 0 ? "t2" : "t1",
              kNov19 + static_cast<std::int64_t>(rng() % (3 * kDayMs)),
              static_cast<std::int64_t>(rng() % 10000), std::nullopt};
    if (i % 3) b.service = i % 2 ? "haircut" : "massage";
    all.push_back(b);
    events.push_back(booking_event(b));
    if (i % 4 == 0) events.push_back(lead_event("l" + std::to_string(i), b.tenant, b.ts_ms));
  }
  // The edges: from is inclusive, to exclusive; an amount equal to min_amount counts; 0 is an
  // amount.
  for (const Booking& b : {Booking{"edge-from", "t1", kNov19 + kDayMs, 2500, std::nullopt},
                           Booking{"edge-to", "t1", kNov19 + 2 * kDayMs, 2500, std::nullopt},
                           Booking{"free", "t1", kNov19 + kDayMs + 1, 0, "consultation"}}) {
    all.push_back(b);
    events.push_back(booking_event(b));
  }
  ASSERT_EQ(host.ingest(events).size(), events.size());

  const sdk::Window day{kNov19 + kDayMs, kNov19 + 2 * kDayMs};
  auto expected = [&](std::int64_t min_amount) {
    std::int64_t n = 0, sum = 0;
    for (const Booking& b : all)
      if (b.tenant == "t1" && b.ts_ms >= day.from_ms && b.ts_ms < day.to_ms &&
          b.amount >= min_amount) {
        ++n;
        sum += b.amount;
      }
    return json{{"bookings", n}, {"amount", sum}};
  };
  EXPECT_EQ(bookings(day).json, expected(0)) << "min_amount defaults to 0";
  for (std::int64_t min : {0, 1, 2500, 9999, 10000})
    EXPECT_EQ(bookings(day, {{"min_amount", std::to_string(min)}}).json, expected(min)) << min;
  EXPECT_GT(expected(2500)["bookings"].get<std::int64_t>(), 0) << "the data exercises the filter";

  // A repeated id changes nothing.
  EXPECT_TRUE(host.ingest({booking_event({"b1", "t1", day.from_ms, 5000, "haircut"})}).empty());
  EXPECT_EQ(bookings(day).json, expected(0));

  // The other routes see the custom events like any other type.
  std::map<std::string, std::int64_t> by_type;
  for (const sdk::Event& e : events)
    if (e.tenant_id == "t1" && e.ts_ms >= day.from_ms && e.ts_ms < day.to_ms) ++by_type[e.type];
  const json counts = host.get("/examples/event-counts", {}, day).json;
  ASSERT_EQ(counts["counts"].size(), by_type.size()) << counts.dump();
  for (const json& c : counts["counts"])
    EXPECT_EQ(c["events"], by_type[c["type"].get<std::string>()]) << c.dump();

  // The projection, fed by ingest: events per UTC day and type, for all three days.
  std::map<std::pair<std::string, std::string>, std::int64_t> daily;
  for (const sdk::Event& e : events)
    if (e.tenant_id == "t1") ++daily[{kDates.at((e.ts_ms - kNov19) / kDayMs), e.type}];
  const sdk::Window days{kNov19, kNov19 + 3 * kDayMs};
  std::map<std::pair<std::string, std::string>, std::int64_t> produced;
  for (const auto& row : host.produce("event_counts_daily", {"t1", days, {}}))
    produced[{std::get<std::string>(row.at(0)), std::get<std::string>(row.at(1))}] =
        std::get<std::int64_t>(row.at(2));
  EXPECT_EQ(produced, daily);
}

TEST_F(EventCounterTest, HostRefusesBadMinAmount) {
  const sdk::Window day{kNov19, kNov19 + kDayMs};
  for (const std::string bad : {"abc", "-5", "1.5", ""}) {
    try {
      bookings(day, {{"min_amount", bad}});
      ADD_FAILURE() << "min_amount=" << bad << " reached the handler";
    } catch (const sdk::HttpError& e) {
      EXPECT_EQ(e.status(), 400) << bad;
      EXPECT_EQ(e.code(), "invalid_parameter") << bad;
      EXPECT_EQ(e.field(), "min_amount") << bad;
    }
  }
}

}  // namespace
