// Custom events (sdk/event_types.h): `properties` on any event, declared types validated by their
// schema, undeclared types rejected — through both batch readers (which must agree), into both
// databases, and read back with sdk::property_sql.
#include <gtest/gtest.h>

#include <memory>

#include "docs/event_schemas.h"
#include "ingest/batch_parser.h"
#include "ingest/event_type_catalog.h"
#include "ingest/ingest_service.h"
#include "storage/tests/test_db.h"
#include "zaplify/sdk/event_types.h"

namespace zaplify::core {
namespace {

using json = nlohmann::json;
using sdk::JsonType;

constexpr std::int64_t kNow = 20777ll * 86400000 + 12 * 3600000;  // 2026-11-20T12:00:00Z
const IngestCaller kAcme{"acme", false};

json event(const std::string& id, const std::string& type) {
  return {{"id", id}, {"type", type}, {"tenant_id", "acme"}, {"timestamp", "2026-11-20T10:00:00Z"}};
}
json booking(const std::string& id, json properties) {
  json e = event(id, "booking_made");
  e["properties"] = std::move(properties);
  return e;
}

EventTypeSnapshot declared_booking() {
  sdk::EventTypeSpec spec{"booking_made",
                          "A lead booked a slot",
                          {{"booking_id", JsonType::String, true, "The booking"},
                           {"amount", JsonType::Number, false, "Price paid"},
                           {"seats", JsonType::Integer, false, "Seats taken"},
                           {"paid", JsonType::Boolean, false, ""}}};
  EventTypeSnapshot s;
  s.emplace(spec.type, DeclaredEventType{"bookings", spec});
  return s;
}

// Runs one event through both readers; they must agree on the verdict. Returns the error ("" when
// accepted) and the accepted event in `out`.
std::string verdict(const json& e, const EventTypeSnapshot* declared, sdk::Event* out = nullptr) {
  const std::string body = json{{"events", json::array({e})}}.dump();
  IngestSettings settings;
  auto sax = ingest::parse_batch(body, kAcme, kNow, settings, declared);
  auto dom = ingest::parse_batch_dom(body, kAcme, kNow, settings, declared);
  EXPECT_EQ(sax.rejected, dom.rejected) << body.substr(0, 300);
  EXPECT_EQ(sax.events.size(), dom.events.size());
  if (!sax.events.empty() && !dom.events.empty())
    EXPECT_EQ(sax.events[0].properties, dom.events[0].properties);
  if (out && !sax.events.empty()) *out = sax.events[0];
  return sax.rejected.empty() ? "" : sax.rejected[0]["error"].get<std::string>();
}

TEST(CustomEvents, BuiltInTypesCarryPropertiesAsCompactJson) {
  json lead = event("l1", "lead_created");
  lead["lead_id"] = "L1";
  lead["properties"] = {{"utm", {{"source", "ads"}, {"n", 3}}}, {"b", true}};
  sdk::Event out;
  ASSERT_EQ(verdict(lead, nullptr, &out), "");
  EXPECT_EQ(out.properties, R"({"b":true,"utm":{"n":3,"source":"ads"}})");
  EXPECT_EQ(out.lead_id, "L1");
  lead["properties"] = nullptr;  // null is "none", as absent
  ASSERT_EQ(verdict(lead, nullptr, &out), "");
  EXPECT_EQ(out.properties, "");
}

TEST(CustomEvents, PropertiesMustBeASmallShallowObject) {
  json lead = event("l1", "lead_created");
  lead["lead_id"] = "L1";
  for (json bad : {json("x"), json(1), json::array({1}), json(true)}) {
    lead["properties"] = bad;
    EXPECT_EQ(verdict(lead, nullptr), "'properties' must be a JSON object") << bad.dump();
  }
  lead["properties"] = {{"blob", std::string(sdk::kMaxPropertiesBytes, 'x')}};
  EXPECT_EQ(verdict(lead, nullptr), "'properties' is larger than 16384 bytes");
  // Exactly at the limit is fine: {"blob":"..."} is 11 bytes around the string.
  lead["properties"] = {{"blob", std::string(sdk::kMaxPropertiesBytes - 11, 'x')}};
  EXPECT_EQ(verdict(lead, nullptr), "");
  json deep = json::object();
  for (int i = 0; i < sdk::kMaxPropertiesDepth; ++i) deep = json{{"d", deep}};
  lead["properties"] = deep;
  EXPECT_EQ(verdict(lead, nullptr), "'properties' nests deeper than 32 levels");
  lead["properties"] = {{"k", std::string("a\0b", 3)}};
  EXPECT_EQ(verdict(lead, nullptr), "'properties' must not contain NUL characters");
}

TEST(CustomEvents, DeclaredTypeIsValidatedByItsSchema) {
  const auto declared = declared_booking();
  sdk::Event out;
  ASSERT_EQ(
      verdict(
          booking("b1", {{"booking_id", "B-1"}, {"amount", 12.5}, {"seats", 2}, {"extra", "kept"}}),
          &declared, &out),
      "");
  EXPECT_EQ(out.type, "booking_made");
  EXPECT_EQ(out.properties, R"({"amount":12.5,"booking_id":"B-1","extra":"kept","seats":2})");

  EXPECT_EQ(verdict(booking("b2", {{"amount", 3}}), &declared),
            "missing property 'booking_id' (required by event type 'booking_made')");
  EXPECT_EQ(verdict(event("b3", "booking_made"), &declared),
            "missing property 'booking_id' (required by event type 'booking_made')");
  EXPECT_EQ(verdict(booking("b4", {{"booking_id", 7}}), &declared),
            "property 'booking_id' must be a string");
  EXPECT_EQ(verdict(booking("b5", {{"booking_id", "B"}, {"amount", "12"}}), &declared),
            "property 'amount' must be a number");
  EXPECT_EQ(verdict(booking("b6", {{"booking_id", "B"}, {"seats", 2.0}}), &declared),
            "property 'seats' must be an integer");
  EXPECT_EQ(verdict(booking("b7", {{"booking_id", "B"}, {"paid", 1}}), &declared),
            "property 'paid' must be a boolean");
  // Optional fields may be null; the common rules still apply first.
  EXPECT_EQ(verdict(booking("b8", {{"booking_id", "B"}, {"amount", nullptr}}), &declared), "");
  json other_tenant = booking("b9", {{"booking_id", "B"}});
  other_tenant["tenant_id"] = "other";
  EXPECT_EQ(verdict(other_tenant, &declared),
            "tenant_id 'other' does not match the caller's tenant");
}

TEST(CustomEvents, UndeclaredTypeIsRejectedNamingTheAcceptedOnes) {
  const std::string builtin =
      "'type' must be one of: lead_created, conversation_started, message, conversation_ended, "
      "funnel_defined, stage_changed";
  EXPECT_EQ(verdict(booking("b1", {{"booking_id", "B"}}), nullptr), builtin);  // as before
  const auto declared = declared_booking();
  EXPECT_EQ(verdict(booking("b1", {{"booking_id", "B"}}), &declared), "");
  EXPECT_EQ(verdict(event("x1", "payment_made"), &declared), builtin + ", booking_made");
}

TEST(CustomEvents, SpecsAreChecked) {
  EXPECT_EQ(check_event_type_spec({"booking_made", "", {{"a", JsonType::String, true, ""}}}), "");
  EXPECT_NE(check_event_type_spec({"message", "", {}}).find("built-in"), std::string::npos);
  EXPECT_NE(check_event_type_spec({"Booking", "", {}}).find("must match"), std::string::npos);
  EXPECT_NE(
      check_event_type_spec({"b", "", {{"a b", JsonType::String, true, ""}}}).find("must match"),
      std::string::npos);
  EXPECT_NE(check_event_type_spec(
                {"b", "", {{"a", JsonType::String, true, ""}, {"a", JsonType::Number, true, ""}}})
                .find("twice"),
            std::string::npos);
}

TEST(CustomEvents, PropertySqlPerDialect) {
  using sdk::Dialect;
  using sdk::PropertyAs;
  EXPECT_EQ(sdk::property_sql(Dialect::SQLite, "amount"), "json_extract(properties, '$.amount')");
  EXPECT_EQ(sdk::property_sql(Dialect::PostgreSQL, "amount"), "(properties::jsonb ->> 'amount')");
  EXPECT_EQ(sdk::property_sql(Dialect::PostgreSQL, "n", PropertyAs::Integer, "e.properties"),
            "CAST((e.properties::jsonb ->> 'n') AS BIGINT)");
  EXPECT_THROW(sdk::property_sql(Dialect::SQLite, "a') OR 1=1 --"), std::invalid_argument);
  EXPECT_THROW(sdk::property_sql(Dialect::SQLite, ""), std::invalid_argument);
}

TEST(CustomEvents, OpenApiDocumentsDeclaredTypesAndProperties) {
  json doc = json::object();
  SchemaPublisher publisher(doc);
  publish_event_schemas(publisher, declared_booking());
  const json& mapping =
      doc["BatchRequest"]["properties"]["events"]["items"]["discriminator"]["mapping"];
  ASSERT_TRUE(mapping.contains("booking_made")) << mapping.dump();
  EXPECT_EQ(mapping["booking_made"], "#/components/schemas/BookingsBookingMadeEvent");
  const json& props = doc["BookingsBookingMadeEvent"]["properties"]["properties"];
  EXPECT_EQ(props["properties"]["booking_id"]["type"], "string");
  EXPECT_EQ(props["properties"]["seats"]["type"], "integer");
  EXPECT_EQ(props["required"], json::array({"booking_id"}));
  EXPECT_TRUE(doc["LeadCreatedEvent"]["properties"].contains("properties"));
}

// Stored on both databases and read back through property_sql.
class CustomEventsStore : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ZAPLIFY_SKIP_WITHOUT_BACKEND(GetParam());
    tmp_ = std::make_unique<testing::TempDatabase>(GetParam());
    catalog_.publish(std::make_shared<const EventTypeSnapshot>(declared_booking()));
    svc_ =
        std::make_unique<IngestService>(tmp_->db(), IngestSettings{}, nullptr, nullptr, &catalog_);
  }
  std::unique_ptr<testing::TempDatabase> tmp_;
  EventTypeCatalog catalog_;  // private: the process catalog stays untouched
  std::unique_ptr<IngestService> svc_;
};

TEST_P(CustomEventsStore, StoresPropertiesAndQueriesThem) {
  json lead = event("l1", "lead_created");
  lead["lead_id"] = "L1";
  lead["properties"] = {{"campaign", "bf"}};
  json events = json::array(
      {lead, booking("b1", {{"booking_id", "B1"}, {"amount", 10.5}, {"seats", 2}, {"paid", true}}),
       booking("b2", {{"booking_id", "B2"}, {"amount", 4}, {"seats", 1}, {"paid", false}}),
       booking("b3", {{"amount", 1}}), event("x", "payment_made")});
  auto r = svc_->process(json{{"events", events}}.dump(), kAcme, kNow);
  EXPECT_EQ(r.accepted, 3);
  ASSERT_EQ(r.rejected.size(), 2u) << r.rejected.dump();
  EXPECT_EQ(r.rejected[0]["index"], 3);
  EXPECT_EQ(r.rejected[1]["index"], 4);

  auto& db = tmp_->db();
  const auto d = db.dialect();
  using sdk::PropertyAs;
  std::int64_t bookings = -1, seats = -1, paid = -1;
  double amount = -1;
  db.query("SELECT COUNT(*), SUM(" + sdk::property_sql(d, "amount", PropertyAs::Number) +
               "), SUM(" + sdk::property_sql(d, "seats", PropertyAs::Integer) + "), SUM(" +
               sdk::property_sql(d, "paid", PropertyAs::Boolean) +
               ") FROM events WHERE tenant_id = ? AND type = 'booking_made'",
           {std::string("acme")}, [&](const sdk::Row& row) {
             bookings = row.int64(0);
             amount = row.number(1);
             seats = row.int64(2);
             paid = row.int64(3);
           });
  EXPECT_EQ(bookings, 2);
  EXPECT_DOUBLE_EQ(amount, 14.5);
  EXPECT_EQ(seats, 3);
  EXPECT_EQ(paid, 1);
  std::int64_t from_campaign = -1;
  db.query("SELECT COUNT(*) FROM events WHERE tenant_id = ? AND " +
               sdk::property_sql(d, "campaign") + " = ?",
           {std::string("acme"), std::string("bf")},
           [&](const sdk::Row& row) { from_campaign = row.int64(0); });
  EXPECT_EQ(from_campaign, 1);
  std::int64_t without = -1;  // events without properties store NULL
  db.query("SELECT COUNT(*) FROM events WHERE properties IS NULL", {},
           [&](const sdk::Row& row) { without = row.int64(0); });
  EXPECT_EQ(without, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, CustomEventsStore, ::testing::Values("sqlite", "postgresql"),
                         testing::backend_name);

}  // namespace
}  // namespace zaplify::core
