// The deeper analytics of issue 16 over HTTP on SQLite and PostgreSQL (docs/api.md, GET
// /analytics/conversations/whatsapp-window and Stage report): the WhatsApp 24-hour window against
// the naive reference (plugins/conversation/tests/naive_whatsapp.h), the funnel's conversion
// window, time_to_convert and breakdown, and the real-time routes with repeated conversation
// starts. The costs and cohorts plugins have their own HTTP tests beside them
// (plugins/{costs,cohorts}/tests/).

#include <gtest/gtest.h>

#include <random>

#include "plugins/conversation/tests/naive_whatsapp.h"
#include "support/server.h"

namespace zaplify::testing {
namespace {

using conversation::testing::WaEvent;
using nlohmann::json;
constexpr std::int64_t kMinMs = 60'000, kHourMs = 60 * kMinMs, kDayMs = 24 * kHourMs;
const Headers kTenant{{"X-Tenant-ID", "t1"}};

json body_of(const WaEvent& e) {
  json j = {{"id", e.id},
            {"type", e.type},
            {"tenant_id", "t1"},
            {"timestamp", rfc3339(e.ts)},
            {"conversation_id", e.conv}};
  if (e.type == "conversation_started") {
    j["lead_id"] = e.lead;
    j["assistant_id"] = "a1";
    if (!e.channel.empty()) j["channel"] = e.channel;
  }
  if (e.type == "message") j["sender"] = e.sender, j["text"] = "oi";
  if (e.type == "conversation_ended") j["outcome"] = "resolved";
  return j;
}

void ingest(const ServerProcess& s, const std::vector<json>& events) {
  auto r = s.post_json("/analytics/process/batch", {{"events", events}}, kTenant);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json()["rejected"].size(), 0u) << r.body;
}

class DeeperAnalytics : public ::testing::TestWithParam<std::string> {
 protected:
  ServerOptions options() const {
    ServerOptions o;
    o.database = GetParam();
    o.plugins = {"metrics", "funnel", "conversation", "export"};
    return o;
  }
};

TEST_P(DeeperAnalytics, WhatsappWindowMatchesTheNaiveReference) {
  ServerProcess s(options());
  // Whole hours from a base: many gaps of exactly 24 h; the at-risk band (now − 24 h, now − 22 h]
  // holds a few lead messages whatever the minute now is.
  const std::int64_t base = (now_ms() / kHourMs - 6 * 24) * kHourMs;
  std::mt19937 rng(29);
  auto pick = [&](int n) { return static_cast<std::int64_t>(rng() % static_cast<unsigned>(n)); };
  const std::vector<std::string> channels = {"", "whatsapp", "instagram", ""};
  const std::vector<std::string> senders = {"lead", "lead", "assistant", "agent"};
  std::vector<WaEvent> events;
  auto id = [&] { return std::to_string(pick(100000)) + "-" + std::to_string(events.size()); };
  for (int c = 0; c < 150; ++c) {
    const std::string conv = "c" + std::to_string(c);
    if (c % 12 != 11)
      events.push_back({id(), "conversation_started", base + pick(24) * kHourMs, conv, "L" + conv,
                        channels[pick(4)], ""});
    if (pick(5) == 0)
      events.push_back(
          {id(), "conversation_started", base + pick(100) * kHourMs, conv, "X", "instagram", ""});
    std::int64_t ts = base + pick(5 * 24) * kHourMs;
    for (int m = 0, n = 1 + static_cast<int>(pick(6)); m < n; ++m) {
      events.push_back(
          {id(), "message", std::min(ts, base + 143 * kHourMs), conv, "", "", senders[pick(4)]});
      ts += pick(4) * 12 * kHourMs;
    }
    if (pick(4) == 0)
      events.push_back({id(), "conversation_ended", base + pick(140) * kHourMs, conv, "", "", ""});
  }
  std::vector<json> bodies;
  for (const auto& e : events) bodies.push_back(body_of(e));
  std::shuffle(bodies.begin(), bodies.end(), std::mt19937(1));
  ingest(s, bodies);
  for (const std::int64_t days : {1, 3, 5}) {
    const std::int64_t from = base + 12 * kHourMs, to = from + days * kDayMs;
    const std::string q =
        "?limit=500&from=" + url_encode(rfc3339(from)) + "&to=" + url_encode(rfc3339(to));
    const std::int64_t before = now_ms();
    auto r = s.get("/analytics/conversations/whatsapp-window" + q, kTenant);
    const std::int64_t after = now_ms();
    ASSERT_EQ(r.status, 200) << r.body;
    const json got = r.json();
    const auto want = conversation::testing::naive_whatsapp(events, from, to, before);
    // The server's now lies in [before, after]: compare only when that cannot change the answer.
    const auto want_after = conversation::testing::naive_whatsapp(events, from, to, after);
    if (want.at_risk.size() != want_after.at_risk.size() || want.expired != want_after.expired)
      continue;
    SCOPED_TRACE(q);
    EXPECT_EQ(got["business_messages"], want.business);
    EXPECT_EQ(got["outside_window"], want.outside);
    EXPECT_EQ(got["expired_conversations"], want.expired);
    ASSERT_EQ(got["at_risk_total"], want.at_risk.size()) << got.dump();
    for (std::size_t i = 0; i < want.at_risk.size(); ++i) {
      EXPECT_EQ(got["at_risk"][i]["conversation_id"], want.at_risk[i].conv);
      EXPECT_EQ(got["at_risk"][i]["window_closes_at"], rfc3339(want.at_risk[i].last_lead + kDayMs));
    }
  }
  EXPECT_EQ(s.get("/analytics/conversations/whatsapp-window?limit=501", kTenant).status, 400);
}

TEST_P(DeeperAnalytics, FunnelConversionWindowAndTimeToConvert) {
  ServerProcess s(options());
  const std::int64_t t0 = (now_ms() / kDayMs - 10) * kDayMs + 5 * kHourMs;
  std::vector<json> ev = {{{"id", "def"},
                           {"type", "funnel_defined"},
                           {"tenant_id", "t1"},
                           {"timestamp", rfc3339(t0 - kDayMs)},
                           {"funnel_id", "f1"},
                           {"name", "F"},
                           {"stages", {"new", "demo", "won"}}}};
  auto stage = [&](const std::string& id, const std::string& lead, std::int64_t ts,
                   const std::string& st) {
    ev.push_back({{"id", id},
                  {"type", "stage_changed"},
                  {"tenant_id", "t1"},
                  {"timestamp", rfc3339(ts)},
                  {"lead_id", lead},
                  {"funnel_id", "f1"},
                  {"stage", st}});
  };
  stage("a1", "exact", t0, "new");
  stage("a2", "exact", t0 + 3 * kDayMs, "won");  // exactly t0 + D with D = 3: converts
  stage("b1", "late", t0, "new");
  stage("b2", "late", t0 + 3 * kDayMs + 1, "won");  // 1 ms past the window
  stage("c1", "quick", t0 + kHourMs, "demo");
  stage("c2", "quick", t0 + 2 * kHourMs, "won");
  ingest(s, ev);
  const std::string w =
      "from=" + url_encode(rfc3339(t0 - kDayMs)) + "&to=" + url_encode(rfc3339(t0 + 5 * kDayMs));
  auto r = s.get("/analytics/funnel/f1?conversion_window_days=3&" + w, kTenant);
  ASSERT_EQ(r.status, 200) << r.body;
  json j = r.json();
  EXPECT_EQ(j["stages"][0]["count"], 3);
  EXPECT_EQ(j["stages"][2]["count"], 2);
  EXPECT_EQ(j["time_to_convert"]["leads"], 2);
  EXPECT_DOUBLE_EQ(j["time_to_convert"]["median_hours"].get<double>(), 36.5);  // (1 h + 72 h) / 2
  EXPECT_EQ(j["time_to_convert"]["histogram"][0]["leads"], 1);                 // ≤ 1 h
  EXPECT_EQ(j["time_to_convert"]["histogram"][3]["leads"], 1);                 // ≤ 72 h
  j = s.get("/analytics/funnel/f1?" + w, kTenant).json();  // no window: late converts too
  EXPECT_EQ(j["stages"][2]["count"], 3);
  EXPECT_EQ(j["time_to_convert"]["leads"], 3);
  auto rows = s.get(
      "/analytics/export/"
      "metrics?format=json&dataset=funnel_stages&funnel_id=f1&conversion_window_days=3&" +
          w,
      kTenant);
  ASSERT_EQ(rows.status, 200) << rows.body;  // funnel_stages takes the same window
  ASSERT_EQ(rows.json().size(), 3u);
  EXPECT_EQ(rows.json()[2]["count"], 2);
  for (const char* bad : {"0", "366", "x", "2.5"}) {
    auto e =
        s.get(std::string("/analytics/funnel/f1?conversion_window_days=") + bad + "&" + w, kTenant);
    EXPECT_EQ(e.status, 400) << bad;
    EXPECT_EQ(e.json()["error"]["field"], "conversion_window_days") << bad;
  }
}

// Breakdown values come from the host's lead_created_events / conversation_starts relations:
// checked over HTTP on both databases, with the export's extra column.
TEST_P(DeeperAnalytics, FunnelBreakdownBySourceChannelAndAssistant) {
  ServerProcess s(options());
  const std::int64_t t0 = (now_ms() / kDayMs - 10) * kDayMs;
  std::vector<json> ev = {{{"id", "def"},
                           {"type", "funnel_defined"},
                           {"tenant_id", "t1"},
                           {"timestamp", rfc3339(t0 - kDayMs)},
                           {"funnel_id", "f1"},
                           {"name", "F"},
                           {"stages", {"new", "won"}}}};
  auto add = [&](json e, const std::string& id, const std::string& type, std::int64_t ts) {
    e["id"] = id, e["type"] = type, e["tenant_id"] = "t1", e["timestamp"] = rfc3339(ts);
    ev.push_back(std::move(e));
  };
  // L1: ads, whatsapp (default) with a1, converts. L2: ads then (later) web; sms, human only.
  // L3: no lead_created, no conversation. L4: organic; its earlier conversation is on web with a2.
  add({{"lead_id", "L1"}, {"source", "ads"}}, "lc1", "lead_created", t0);
  add({{"lead_id", "L2"}, {"source", "ads"}}, "lc2", "lead_created", t0);
  add({{"lead_id", "L2"}, {"source", "web"}}, "lc2b", "lead_created", t0 + kHourMs);
  add({{"lead_id", "L4"}, {"source", "organic"}}, "lc4", "lead_created", t0);
  add({{"conversation_id", "C1"}, {"lead_id", "L1"}, {"assistant_id", "a1"}}, "cs1",
      "conversation_started", t0);
  add({{"conversation_id", "C2"}, {"lead_id", "L2"}, {"channel", "sms"}}, "cs2",
      "conversation_started", t0);
  add({{"conversation_id", "C4b"}, {"lead_id", "L4"}, {"assistant_id", "a1"}}, "cs4b",
      "conversation_started", t0 + kHourMs);
  add({{"conversation_id", "C4a"}, {"lead_id", "L4"}, {"assistant_id", "a2"}, {"channel", "web"}},
      "cs4a", "conversation_started", t0);
  for (const char* lead : {"L1", "L2", "L3", "L4"})
    add({{"lead_id", lead}, {"funnel_id", "f1"}, {"stage", "new"}}, std::string("n") + lead,
        "stage_changed", t0 + kDayMs);
  add({{"lead_id", "L1"}, {"funnel_id", "f1"}, {"stage", "won"}}, "wL1", "stage_changed",
      t0 + 2 * kDayMs);
  ingest(s, ev);
  const std::string w =
      "from=" + url_encode(rfc3339(t0)) + "&to=" + url_encode(rfc3339(t0 + 5 * kDayMs));
  auto values = [&](const std::string& by) {
    auto r = s.get("/analytics/funnel/f1?breakdown=" + by + "&" + w, kTenant);
    EXPECT_EQ(r.status, 200) << r.body;
    const json body = r.json();
    std::vector<std::pair<json, std::vector<std::int64_t>>> out;
    for (const auto& b : body["breakdown"])
      out.emplace_back(b["value"],
                       std::vector<std::int64_t>{b["stages"][0]["count"], b["stages"][1]["count"]});
    return out;
  };
  using V = std::vector<std::pair<json, std::vector<std::int64_t>>>;
  EXPECT_EQ(values("source"), (V{{"ads", {2, 1}}, {"organic", {1, 0}}, {nullptr, {1, 0}}}));
  EXPECT_EQ(values("channel"),
            (V{{"sms", {1, 0}}, {"web", {1, 0}}, {"whatsapp", {1, 1}}, {nullptr, {1, 0}}}));
  EXPECT_EQ(values("assistant_id"), (V{{nullptr, {2, 0}}, {"a1", {1, 1}}, {"a2", {1, 0}}}));
  auto bad = s.get("/analytics/funnel/f1?breakdown=country&" + w, kTenant);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["field"], "breakdown");
  auto csv = s.get(
      "/analytics/export/metrics?format=csv&dataset=funnel_stages&funnel_id=f1&breakdown=source&" +
          w,
      kTenant);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.body.substr(0, csv.body.find('\r')),
            "stage,index,count,conversion_from_previous,conversion_from_start,drop_off,median_"
            "hours_to_next,breakdown_value");
  auto plain = s.get("/analytics/export/metrics?format=csv&dataset=funnel_stages&funnel_id=f1&" + w,
                     kTenant);
  EXPECT_EQ(plain.body.find("breakdown_value"),
            std::string::npos);  // the column needs the parameter
  auto rows = s.get(
                   "/analytics/export/"
                   "metrics?format=json&dataset=funnel_stages&funnel_id=f1&breakdown=source&" +
                       w,
                   kTenant)
                  .json();
  ASSERT_EQ(rows.size(), 6u);  // three values × two stages
  EXPECT_EQ(rows[1]["breakdown_value"], "ads");
  EXPECT_EQ(rows[1]["count"], 1);
  EXPECT_TRUE(rows[5]["breakdown_value"].is_null());
}

TEST_P(DeeperAnalytics, RealtimeIgnoresRepeatedStarts) {
  ServerProcess s(options());
  const std::int64_t now = now_ms();
  auto ev = [&](const std::string& id, const std::string& type, std::int64_t ts,
                const std::string& conv) {
    json j = {{"id", id},
              {"type", type},
              {"tenant_id", "t1"},
              {"timestamp", rfc3339(ts)},
              {"conversation_id", conv}};
    if (type == "conversation_started") j["lead_id"] = "L" + conv, j["assistant_id"] = "a1";
    if (type == "message") j["sender"] = "lead", j["text"] = "oi";
    return j;
  };
  ingest(s,
         {ev("s1", "conversation_started", now - kHourMs, "quiet"),
          ev("s2", "conversation_started", now - 2 * kMinMs, "quiet"),  // a repeat: not activity
          ev("s3", "conversation_started", now - kHourMs, "talking"),
          ev("m1", "message", now - 3 * kMinMs, "talking"),
          ev("s4", "conversation_started", now - kMinMs, "talking")});  // repeat after the message
  auto act = s.get("/analytics/real-time/activity", kTenant).json();
  EXPECT_EQ(act["conversations_started"], 0);
  EXPECT_EQ(act["active_conversations"], 1);
  std::int64_t events = 0;
  for (const auto& m : act["per_minute"]) events += m["events"].get<std::int64_t>();
  EXPECT_EQ(events, 1);  // the message only
  auto live = s.get("/analytics/real-time/conversations", kTenant).json();
  ASSERT_EQ(live["total"], 1) << live.dump();
  EXPECT_EQ(live["conversations"][0]["conversation_id"], "talking");
  EXPECT_EQ(live["conversations"][0]["last_activity_at"], rfc3339(now - 3 * kMinMs));
}

INSTANTIATE_TEST_SUITE_P(Backends, DeeperAnalytics, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace zaplify::testing
