#include <gtest/gtest.h>

#include "ingest/ingest_service.h"

namespace zaplify::core {
namespace {

// (a helper: g++ 12 warns falsely on "literal" + std::string under -O2, GCC bug 105651)
std::string numbered(const char* prefix, int i) {
  std::string s = prefix;
  s += std::to_string(i);
  return s;
}

using json = nlohmann::json;

// 2026-11-20T12:00:00Z (see rfc3339_test for the day count).
constexpr std::int64_t kNow = 20777ll * 86400000 + 12 * 3600000;
const IngestCaller kAcme{"acme", false};

json base(const char* type) {
  return {
      {"id", "e1"}, {"type", type}, {"tenant_id", "acme"}, {"timestamp", "2026-11-20T10:00:00Z"}};
}
json message() {
  json e = base("message");
  e["conversation_id"] = "c1";
  e["sender"] = "lead";
  e["text"] = "olá";
  return e;
}
std::string check(const json& e, const IngestCaller& caller = kAcme, int retention = 90) {
  sdk::Event out;
  return validate_event(e, caller, kNow, retention, out);
}

TEST(ValidateEvent, AcceptsEveryTypeAndFillsTheEvent) {
  sdk::Event out;
  json m = message();
  m["response_time_ms"] = 1250.5;
  m["tokens"] = 42;
  m["unknown_extra"] = {1, 2};
  ASSERT_EQ(validate_event(m, kAcme, kNow, 90, out), "");
  EXPECT_EQ(out.id, "e1");
  EXPECT_EQ(out.ts_ms, kNow - 2 * 3600000);
  EXPECT_EQ(out.text, "olá");
  EXPECT_EQ(*out.response_time_ms, 1250.5);
  EXPECT_EQ(*out.tokens, 42);

  json cs = base("conversation_started");
  cs["conversation_id"] = "c1";
  cs["lead_id"] = "l1";
  ASSERT_EQ(validate_event(cs, kAcme, kNow, 90, out), "");
  EXPECT_EQ(out.channel, "whatsapp");
  EXPECT_EQ(out.assistant_id, "");
  cs["assistant_id"] = nullptr;
  cs["channel"] = "instagram";
  ASSERT_EQ(validate_event(cs, kAcme, kNow, 90, out), "");
  EXPECT_EQ(out.channel, "instagram");

  json fd = base("funnel_defined");
  fd["funnel_id"] = "sales";
  fd["name"] = "Sales";
  fd["stages"] = {"lead", "won"};
  ASSERT_EQ(validate_event(fd, kAcme, kNow, 90, out), "");
  EXPECT_EQ(out.stages, (std::vector<std::string>{"lead", "won"}));

  json lc = base("lead_created");
  lc["lead_id"] = "l1";
  EXPECT_EQ(check(lc), "");
  json ce = base("conversation_ended");
  ce["conversation_id"] = "c1";
  ce["outcome"] = "handoff";
  EXPECT_EQ(check(ce), "");
  json sc = base("stage_changed");
  sc["lead_id"] = "l1";
  sc["funnel_id"] = "sales";
  sc["stage"] = "won";
  EXPECT_EQ(check(sc), "");
}

TEST(ValidateEvent, CommonFieldRules) {
  EXPECT_EQ(check(json::array()), "event must be a JSON object");
  json e = message();
  e.erase("id");
  EXPECT_EQ(check(e), "missing field 'id'");
  e["id"] = "";
  EXPECT_EQ(check(e), "'id' must be a string of 1-128 characters");
  e["id"] = std::string(129, 'x');
  EXPECT_EQ(check(e), "'id' must be a string of 1-128 characters");
  e["id"] = std::string(128, 'x');
  EXPECT_EQ(check(e), "");
  e["id"] = 5;
  EXPECT_EQ(check(e), "'id' must be a string of 1-128 characters");
  e = message();
  e["type"] = "click";
  EXPECT_NE(check(e).find("'type' must be one of"), std::string::npos);
  e = message();
  e["tenant_id"] = "ac me";
  EXPECT_EQ(check(e), "'tenant_id' must match [A-Za-z0-9_-]{1,64}");
  e["tenant_id"] = std::string(65, 'a');
  EXPECT_EQ(check(e), "'tenant_id' must match [A-Za-z0-9_-]{1,64}");
  e["tenant_id"] = "other";
  EXPECT_EQ(check(e), "tenant_id 'other' does not match the caller's tenant");
  EXPECT_EQ(check(e, IngestCaller{"*", true}), "");
  e = message();
  e["timestamp"] = "2026-11-20T10:00:00";
  EXPECT_EQ(check(e), "'timestamp' must be an RFC 3339 timestamp with an offset or Z");
}

TEST(ValidateEvent, MessageRules) {
  json e = message();
  e["sender"] = "bot";
  EXPECT_EQ(check(e), "'sender' must be one of: lead, assistant, agent");
  e = message();
  e.erase("text");
  EXPECT_EQ(check(e), "missing field 'text'");
  e["text"] = std::string(65536, 'a');
  EXPECT_EQ(check(e), "");
  e["text"] = std::string(65537, 'a');
  EXPECT_EQ(check(e), "'text' is longer than 65536 bytes");
  e["text"] = std::string("bad \xC0\xAF bytes");
  EXPECT_EQ(check(e), "text is not valid UTF-8");
  e = message();
  e["response_time_ms"] = -1;
  EXPECT_EQ(check(e), "'response_time_ms' must be a number >= 0");
  e["response_time_ms"] = "12";
  EXPECT_EQ(check(e), "'response_time_ms' must be a number >= 0");
  e["response_time_ms"] = 0;
  EXPECT_EQ(check(e), "");
  e = message();
  sdk::Event out;
  e["tokens"] = 3.0;
  ASSERT_EQ(validate_event(e, kAcme, kNow, 90, out), "");
  EXPECT_EQ(*out.tokens, 3);
  e["tokens"] = 3.5;
  EXPECT_EQ(check(e), "'tokens' must be an integer >= 0");
  e["tokens"] = -2;
  EXPECT_EQ(check(e), "'tokens' must be an integer >= 0");
  e["tokens"] = true;
  EXPECT_EQ(check(e), "'tokens' must be an integer >= 0");
  e = message();
  e["conversation_id"] = std::string(129, 'c');
  EXPECT_EQ(check(e), "'conversation_id' must be a string of 1-128 characters");
}

TEST(ValidateEvent, TypeSpecificRules) {
  json ce = base("conversation_ended");
  ce["conversation_id"] = "c1";
  ce["outcome"] = "won";
  EXPECT_EQ(check(ce), "'outcome' must be one of: resolved, handoff, abandoned");
  json cs = base("conversation_started");
  cs["conversation_id"] = "c1";
  EXPECT_EQ(check(cs), "missing field 'lead_id'");
  json fd = base("funnel_defined");
  fd["funnel_id"] = "f";
  fd["name"] = "F";
  fd["stages"] = json::array();
  EXPECT_EQ(check(fd), "'stages' must be an array of 1-50 distinct strings");
  fd["stages"] = {"a", "b", "a"};
  EXPECT_EQ(check(fd), "'stages' has a repeated stage 'a'");
  json fifty = json::array(), fifty_one;
  for (int i = 0; i < 50; ++i) fifty.push_back(numbered("s", i));
  fd["stages"] = fifty;
  EXPECT_EQ(check(fd), "");
  fifty_one = fifty;
  fifty_one.push_back("s50");
  fd["stages"] = fifty_one;
  EXPECT_EQ(check(fd), "'stages' must be an array of 1-50 distinct strings");
  fd["stages"] = {"ok", 3};
  EXPECT_EQ(check(fd), "'stages' must be an array of 1-50 distinct strings");
  json sc = base("stage_changed");
  sc["lead_id"] = "l";
  sc["funnel_id"] = "f";
  EXPECT_EQ(check(sc), "missing field 'stage'");
}

TEST(ValidateEvent, RetentionAndFuture) {
  json e = message();
  e["timestamp"] = "2026-08-22T11:00:00Z";  // 90 days + 1 hour before now
  EXPECT_EQ(check(e), "timestamp is older than retention (90 days)");
  EXPECT_EQ(check(e, kAcme, 91), "");
  e["timestamp"] = "2026-08-22T13:00:00Z";  // 90 days − 1 hour
  EXPECT_EQ(check(e), "");
  e["timestamp"] = "2026-11-21T13:00:00Z";  // 25 hours ahead
  EXPECT_EQ(check(e), "timestamp is more than 1 day in the future");
  e["timestamp"] = "2026-11-21T11:00:00Z";  // 23 hours ahead: clock skew is tolerated
  EXPECT_EQ(check(e), "");
}

}  // namespace
}  // namespace zaplify::core
