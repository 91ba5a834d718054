// Business hours (plugins/metrics/README.md, Business hours; issue 16 item 4) over HTTP on SQLite
// and PostgreSQL: GET /metrics/performance?hours=business against the naive reference
// (plugins/metrics/tests/naive_business_hours.h) computed here from the events this test ingested,
// for two tenants with their own schedules (a default in America/Sao_Paulo, one tenant's in UTC
// with an overnight opening), windows at odd milliseconds; then the config checked at reload: a
// bad block fails the plugin naming the key, and a tenant without a schedule gets 400.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <random>
#include <set>

#include "plugins/metrics/tests/naive_business_hours.h"
#include "support/server.h"

namespace zaplify::testing {
namespace {

using nlohmann::json;
constexpr std::int64_t kMinMs = 60'000, kHourMs = 60 * kMinMs, kDayMs = 24 * kHourMs;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

// A weekly schedule in a zone with one fixed UTC offset (America/Sao_Paulo has had no DST since
// 2019; the DST cases are unit tests). Knows its own open/closed minutes and its YAML form.
struct FixedSchedule {
  std::string tz;
  int offset_min = 0;
  std::array<std::vector<std::pair<int, int>>, 7> days;  // Monday first, minutes [start, end)
  std::set<std::int64_t> holidays;                       // local day numbers since 1970-01-01

  bool operator()(std::int64_t utc_minute) const {
    const std::int64_t local = utc_minute + offset_min * kMinMs;
    const std::int64_t day = floor_div(local, kDayMs);
    if (holidays.count(day)) return false;
    const int minute = static_cast<int>((local - day * kDayMs) / kMinMs);
    for (const auto& [a, b] : days[static_cast<std::size_t>(((day % 7) + 7 + 3) % 7)])
      if (a <= minute && minute < b) return true;
    return false;
  }
  json config() const {
    static const char* names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    auto hhmm = [](int m) {
      char b[8];
      std::snprintf(b, sizeof b, "%02d:%02d", m / 60, m % 60);
      return std::string(b);
    };
    json d = json::object(), h = json::array();
    for (std::size_t i = 0; i < 7; ++i) {
      json spans = json::array();
      for (const auto& [a, b] : days[i]) spans.push_back(hhmm(a) + "-" + hhmm(b));
      if (!spans.empty()) d[names[i]] = spans;
    }
    for (std::int64_t day : holidays) h.push_back(rfc3339(day * kDayMs).substr(0, 10));
    return {{"tz", tz}, {"days", d}, {"holidays", h}};
  }
};

struct Tenant {
  std::string id;
  FixedSchedule schedule;
  std::vector<metrics::naive::Msg> msgs;
  std::vector<metrics::naive::Start> starts;
};

std::vector<json> random_events(Tenant& t, std::int64_t base, std::int64_t end,
                                std::uint32_t seed) {
  std::mt19937 rng(seed);
  auto uni = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  const char* senders[] = {"lead", "lead", "assistant", "agent"};
  std::vector<json> out;
  int n = 0;
  auto event = [&](const std::string& type, std::int64_t ts, const std::string& conv) {
    const std::string id =
        std::to_string(uni(0, 99)) + "-" + std::to_string(n++);  // ids not in time order
    out.push_back({{"id", id},
                   {"type", type},
                   {"tenant_id", t.id},
                   {"timestamp", rfc3339(ts)},
                   {"conversation_id", conv}});
    return id;
  };
  for (int c = 0; c < 90; ++c) {
    const std::string conv = "c" + std::to_string(c);
    const std::int64_t start = base + uni(0, end - base - 2 * kDayMs);
    if (c % 9 != 8) {  // some conversations never start
      event("conversation_started", start, conv);
      out.back()["lead_id"] = "L" + conv;
      out.back()["assistant_id"] = "a1";
      t.starts.push_back({conv, start});
    }
    std::int64_t ts = uni(0, 2) == 0 ? start : start + uni(-2 * kMinMs, 2 * kMinMs);
    for (int m = static_cast<int>(uni(1, 12)); m > 0 && ts < end; --m) {
      const std::string sender = senders[uni(0, 3)];
      const std::string id = event("message", ts, conv);
      out.back()["sender"] = sender;
      out.back()["text"] = "oi";
      t.msgs.push_back({conv, id, ts, sender});
      const auto gap = uni(0, 9);
      ts += gap == 0 ? 0 : gap < 7 ? uni(1000, 3 * kHourMs) : uni(3 * kHourMs, 40 * kHourMs);
    }
  }
  std::shuffle(out.begin(), out.end(), rng);
  return out;
}

void expect_side(const json& got, const metrics::naive::SenderExpectation& want,
                 const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(got["replies"], want.replies);
  EXPECT_EQ(got["replies_outside_hours"], want.outside);
  const std::pair<const char*, std::optional<double>> values[] = {
      {"avg_response_ms", want.avg}, {"p50_response_ms", want.p50}, {"p90_response_ms", want.p90}};
  for (const auto& [field, value] : values) {
    if (!value) {
      EXPECT_TRUE(got[field].is_null()) << field;
      continue;
    }
    ASSERT_TRUE(got[field].is_number()) << field;
    EXPECT_NEAR(got[field].get<double>(), *value, 1e-6 * std::max(1.0, *value)) << field;
  }
}

class BusinessHoursHttp : public ::testing::TestWithParam<std::string> {};

TEST_P(BusinessHoursHttp, MatchesTheNaiveReferenceForEachTenantsSchedule) {
  const std::int64_t today = floor_div(now_ms(), kDayMs);
  const std::int64_t base = (today - 10) * kDayMs, end = now_ms() - kMinMs;
  Tenant t1{"bh_t1", {"America/Sao_Paulo", -180, {}, {today - 7}}, {}, {}};
  for (int d = 0; d < 5; ++d)
    t1.schedule.days[static_cast<std::size_t>(d)] = {{540, 720}, {780, 1080}};
  t1.schedule.days[5] = {{540, 780}};
  Tenant t2{"bh_t2", {"UTC", 0, {}, {today - 4}}, {}, {}};
  t2.schedule.days[6] = {{22 * 60, 24 * 60}};        // Sunday night …
  t2.schedule.days[0] = {{0, 6 * 60}, {510, 1065}};  // … into Monday, then 08:30–17:45
  for (int d = 1; d < 5; ++d) t2.schedule.days[static_cast<std::size_t>(d)] = {{510, 1065}};

  ServerOptions o;
  o.database = GetParam();
  o.plugins = {"metrics"};
  o.plugin_config["metrics"] = {
      {"business_hours",
       {{"default", t1.schedule.config()}, {"tenants", {{t2.id, t2.schedule.config()}}}}}};
  ServerProcess s(o);
  std::uint32_t seed = 5;
  for (Tenant* t : {&t1, &t2}) {
    const Headers tenant{{"X-Tenant-ID", t->id}};
    auto events = random_events(*t, base, end, seed++);
    for (std::size_t i = 0; i < events.size(); i += 150) {  // several batches: late arrivals
      std::vector<json> batch(
          events.begin() + static_cast<std::ptrdiff_t>(i),
          events.begin() + static_cast<std::ptrdiff_t>(std::min(events.size(), i + 150)));
      auto r = s.post_json("/analytics/process/batch", {{"events", batch}}, tenant);
      ASSERT_EQ(r.status, 200) << r.body;
      ASSERT_EQ(r.json()["rejected"].size(), 0u) << r.body;
    }
    const std::pair<std::int64_t, std::int64_t> windows[] = {
        {base, end},
        {base + kDayMs + 12'345, base + 6 * kDayMs + 777},
        {base + 3 * kDayMs, base + 3 * kDayMs + 5 * kHourMs}};
    std::int64_t replies_seen = 0;
    for (const auto& [from, to] : windows) {
      const std::string q =
          "/metrics/performance?hours=business&from=" + url_encode(rfc3339(from)) +
          "&to=" + url_encode(rfc3339(to));
      auto r = s.get(q, tenant);
      ASSERT_EQ(r.status, 200) << r.body;
      const json got = r.json()["business_hours"];
      const auto want = metrics::naive::expect(t->msgs, t->starts, from, to, t->schedule);
      SCOPED_TRACE(t->id + " " + q);
      EXPECT_EQ(got["lead_messages_outside_hours"], want.lead_outside);
      expect_side(got["assistant"], want.assistant, "assistant");
      expect_side(got["agent"], want.agent, "agent");
      replies_seen += want.assistant.replies + want.agent.replies;
      // The rest of the answer is the plain route's.
      auto plain = s.get(q.substr(0, q.find("hours=")) + q.substr(q.find('&') + 1), tenant);
      ASSERT_EQ(plain.status, 200);
      EXPECT_EQ(plain.json()["assistants"], r.json()["assistants"]);
      EXPECT_FALSE(plain.json().contains("business_hours"));
    }
    EXPECT_GT(replies_seen, 100) << t->id << ": too few replies to prove much";
  }
  EXPECT_EQ(s.get("/metrics/performance?hours=all").status, 400);
}

TEST_P(BusinessHoursHttp, ConfigIsCheckedAtReloadAndATenantWithoutScheduleGets400) {
  ServerOptions o;
  o.database = GetParam();
  o.plugins = {"metrics"};
  o.plugin_config["metrics"] = {
      {"business_hours", {{"default", {{"tz", "UTC"}, {"days", {{"mon", {"09:00-17:00"}}}}}}}}};
  ServerProcess s(o);
  ASSERT_EQ(s.get("/metrics/performance?hours=business").status, 200);

  // A bad block is refused naming the key, checked by the running build's declaration before
  // it goes: the plugin keeps serving with the schedule it had.
  ServerOptions bad = o;
  bad.plugin_config["metrics"]["business_hours"]["default"]["tz"] = "Nowhere/Atlantis";
  s.rewrite_config(bad);
  auto reload = s.post_json("/admin/reload", json::object());
  ASSERT_EQ(reload.status, 200) << reload.body;
  EXPECT_EQ(reload.json()["refused"], json::array({"metrics"})) << reload.body;
  EXPECT_EQ(reload.json()["failed"], json::array()) << reload.body;
  json plugins = s.get("/admin/plugins").json()["plugins"];
  ASSERT_EQ(plugins.size(), 1u);
  EXPECT_EQ(plugins[0]["status"], "running");
  EXPECT_NE(plugins[0]["last_error"].get<std::string>().find(
                "business_hours.default.tz: unknown time zone 'Nowhere/Atlantis'"),
            std::string::npos)
      << plugins[0]["last_error"];
  EXPECT_EQ(s.get("/metrics/performance?hours=business").status, 200);
  // Types are checked by the declaration itself, before the plugin's own parser.
  bad = o;
  bad.plugin_config["metrics"]["business_hours"]["default"]["days"]["mon"] = "09:00-17:00";
  bad.plugin_config["metrics"]["buisness_hours"] = json::object();
  s.rewrite_config(bad);
  reload = s.post_json("/admin/reload", json::object());
  EXPECT_EQ(reload.json()["refused"], json::array({"metrics"})) << reload.body;
  plugins = s.get("/admin/plugins").json()["plugins"];
  EXPECT_NE(plugins[0]["last_error"].get<std::string>().find("plugins[metrics].config."),
            std::string::npos)
      << plugins[0]["last_error"];
  EXPECT_EQ(s.get("/metrics/performance?hours=business").status, 200);

  ServerOptions none = o;
  none.plugin_config.erase("metrics");
  s.rewrite_config(none);
  ASSERT_EQ(s.post_json("/admin/reload", json::object()).status, 200);
  ASSERT_TRUE(wait_for_status(s, "/metrics/performance", 200)) << s.log();
  auto r = s.get("/metrics/performance?hours=business");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json()["error"]["field"], "hours");
  EXPECT_NE(r.json()["error"]["message"].get<std::string>().find("business_hours"),
            std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, BusinessHoursHttp, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace zaplify::testing
