// Custom events end to end: the real server with a real plugin .so (tests/plugins/bookings_plugin)
// that declares `booking_made`; events of it are validated by its schema, stored with their
// properties, counted by the plugin's route through sdk::property_sql, documented in
// /openapi.json — and rejected again once the plugin is unloaded. On SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <csignal>

#include "support/server.h"

namespace zaplify::testing {
namespace {

using nlohmann::json;

class CustomEventsTest : public ::testing::TestWithParam<std::string> {
 protected:
  ServerOptions options() const {
    ServerOptions o;
    o.database = GetParam();
    o.plugins = {"bookings"};
    o.library_paths["bookings"] = ZAPLIFY_TEST_BOOKINGS_PLUGIN;
    return o;
  }
};

json booking(const std::string& id, std::int64_t ts, json properties) {
  return {{"id", id},
          {"type", "booking_made"},
          {"tenant_id", "default"},
          {"timestamp", rfc3339(ts)},
          {"properties", std::move(properties)}};
}

TEST_P(CustomEventsTest, DeclaredTypeIsValidatedStoredCountedAndDocumented) {
  ServerOptions o = options();
  ServerProcess server(o);
  const std::int64_t now = now_ms();
  json events = json::array({
      booking("b1", now - 3000, {{"booking_id", "B1"}, {"amount", 10.5}, {"channel", "web"}}),
      booking("b2", now - 2000, {{"booking_id", "B2"}, {"amount", 4}, {"channel", "web"}}),
      booking("b3", now - 1000, {{"booking_id", "B3"}, {"channel", "phone"}}),
      booking("b4", now - 1000, {{"amount", 1}}),                          // no booking_id
      booking("b5", now - 1000, {{"booking_id", "B5"}, {"amount", "1"}}),  // amount not a number
      {{"id", "p1"},
       {"type", "payment_made"},
       {"tenant_id", "default"},
       {"timestamp", rfc3339(now)}},
      {{"id", "l1"},
       {"type", "lead_created"},
       {"tenant_id", "default"},
       {"timestamp", rfc3339(now - 500)},
       {"lead_id", "L1"},
       {"properties", {{"campaign", "bf"}}}},
  });
  auto r = server.post_json("/analytics/process/batch", {{"events", events}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json result = r.json();
  EXPECT_EQ(result["accepted"], 4) << result.dump();
  ASSERT_EQ(result["rejected"].size(), 3u) << result.dump();
  EXPECT_EQ(result["rejected"][0]["error"],
            "missing property 'booking_id' (required by event type 'booking_made')");
  EXPECT_EQ(result["rejected"][1]["error"], "property 'amount' must be a number");
  EXPECT_NE(result["rejected"][2]["error"].get<std::string>().find("booking_made"),
            std::string::npos)
      << "the accepted types include the declared one";

  auto all = server.get("/x/bookings/count");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.json()["bookings"], 3);
  EXPECT_DOUBLE_EQ(all.json()["amount"].get<double>(), 14.5);
  auto web = server.get("/x/bookings/count?channel=web");
  ASSERT_EQ(web.status, 200) << web.body;
  EXPECT_EQ(web.json()["bookings"], 2);

  const json doc = server.get("/openapi.json").json();
  const json& schemas = doc["components"]["schemas"];
  ASSERT_TRUE(schemas.contains("BookingsBookingMadeEvent")) << schemas["BatchRequest"].dump();
  EXPECT_EQ(schemas["BookingsBookingMadeEvent"]["properties"]["properties"]["required"],
            json::array({"booking_id"}));
  EXPECT_TRUE(
      schemas["BatchRequest"]["properties"]["events"]["items"]["discriminator"]["mapping"].contains(
          "booking_made"));

  // Unloaded: the type is no longer accepted, and no longer documented.
  ServerOptions off = o;
  off.plugins.clear();
  off.disabled = {"bookings"};
  server.rewrite_config(off);
  server.signal(SIGHUP);
  ASSERT_TRUE(wait_for_status(server, "/x/bookings/count", 404));
  json late = json::array({booking("b9", now, {{"booking_id", "B9"}})});
  const json after = server.post_json("/analytics/process/batch", {{"events", late}}).json();
  EXPECT_EQ(after["accepted"], 0) << after.dump();
  ASSERT_EQ(after["rejected"].size(), 1u);
  EXPECT_EQ(after["rejected"][0]["error"].get<std::string>().find("booking_made"),
            std::string::npos);
  EXPECT_FALSE(server.get("/openapi.json")
                   .json()["components"]["schemas"]
                   .contains("BookingsBookingMadeEvent"));
}

INSTANTIATE_TEST_SUITE_P(Backends, CustomEventsTest, ::testing::ValuesIn(backends()));

}  // namespace
}  // namespace zaplify::testing
