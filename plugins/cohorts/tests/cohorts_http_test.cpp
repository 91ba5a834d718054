// GET /analytics/cohorts and the cohorts export over HTTP: the real server and cohorts.so on SQLite
// and PostgreSQL, random leads (repeated lead_created, conversions before and after W, another
// funnel's final stage) against the naive reference written from docs/api.md, cohorts plugin
// (naive_cohorts.h).

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "naive_cohorts.h"
#include "support/server.h"

namespace zaplify::testing {
namespace {

using cohorts::testing::NaiveLead;
using nlohmann::json;
constexpr std::int64_t kHourMs = 3'600'000, kDayMs = 24 * kHourMs;

class CohortsHttp : public ::testing::TestWithParam<std::string> {};

TEST_P(CohortsHttp, MatchesTheNaiveReference) {
  ServerOptions o;
  o.database = GetParam();
  o.plugins = {"cohorts", "export"};
  ServerProcess s(o);
  const Headers h{{"X-Tenant-ID", "t1"}};
  const std::int64_t base = now_ms() - 80 * kDayMs;
  std::mt19937 rng(17);
  auto pick = [&](std::int64_t n) {
    return static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(n));
  };
  std::vector<json> events;
  auto add = [&](json e, std::int64_t ts) {
    e["id"] = std::to_string(pick(1'000'000)) + "-" + std::to_string(events.size());
    e["tenant_id"] = "t1";
    e["timestamp"] = rfc3339(ts);
    events.push_back(std::move(e));
  };
  add({{"type", "funnel_defined"},
       {"funnel_id", "f1"},
       {"name", "Sales"},
       {"stages", {"new", "won"}}},
      base);
  add({{"type", "funnel_defined"},
       {"funnel_id", "f2"},
       {"name", "Other"},
       {"stages", {"x", "paid"}}},
      base);
  std::map<std::string, NaiveLead> leads;
  for (int i = 0; i < 400; ++i) {
    const std::string lead = "L" + std::to_string(pick(250));
    const std::int64_t created = base + pick(75 * kDayMs);
    add({{"type", "lead_created"}, {"lead_id", lead}}, created);
    leads[lead].created.push_back(created);
    if (pick(3) == 0) {
      const std::int64_t at = std::min(created + pick(20 * kDayMs) - kDayMs, now_ms() - kHourMs);
      const bool final_stage = pick(4) != 0;
      add({{"type", "stage_changed"},
           {"lead_id", lead},
           {"funnel_id", pick(5) ? "f1" : "f2"},
           {"stage", final_stage ? "won" : "new"}},
          at);
      if (final_stage && events.back()["funnel_id"] == "f1") {
        auto& f = leads[lead].first_final;
        f = f ? std::min(*f, at) : at;
      }
    }
  }
  std::shuffle(events.begin(), events.end(), std::mt19937(3));
  auto r = s.post_json("/analytics/process/batch", {{"events", events}}, h);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json()["rejected"].size(), 0u) << r.body;

  const std::int64_t from = base + 9 * kDayMs + 5 * kHourMs, to = from + 60 * kDayMs;
  const std::string window =
      "from=" + url_encode(rfc3339(from)) + "&to=" + url_encode(rfc3339(to)) + "&tz=Europe/Berlin";
  std::map<std::string, json> answers;
  for (const std::string interval : {"day", "week", "month"}) {
    SCOPED_TRACE(interval);
    auto got = s.get("/analytics/cohorts?funnel_id=f1&interval=" + interval + "&" + window, h);
    ASSERT_EQ(got.status, 200) << got.body;
    const json body = got.json();
    answers[interval] = body["cohorts"];
    EXPECT_EQ(body["interval"], interval);
    EXPECT_TRUE(body.contains("window") && body.contains("data_as_of"));
    const auto want = cohorts::testing::naive_cohorts(leads, from, to, "Europe/Berlin", interval);
    ASSERT_EQ(body["cohorts"].size(), want.size());
    for (std::size_t c = 0; c < want.size(); ++c) {
      const json& k = body["cohorts"][c];
      const auto local = date::make_zoned(
          "Europe/Berlin", date::sys_seconds(std::chrono::seconds(want[c].start / 1000)));
      EXPECT_EQ(k["cohort"], date::format("%FT%T%Ez", local)) << c;  // named by its start in tz
      EXPECT_EQ(k["leads"], want[c].leads) << c;
      EXPECT_EQ(k["converted"], json(want[c].converted)) << c;
      EXPECT_EQ(k["rates"].size(), want[c].converted.size());
    }
  }
  // The cache keeps the intervals apart (the route parses `interval` itself).
  EXPECT_NE(answers["week"], answers["month"]);

  // The export: one row per cohort and period, none for an empty cohort.
  auto rows = s.get(
      "/analytics/export/metrics?format=json&dataset=cohorts&funnel_id=f1&interval=week&" + window,
      h);
  ASSERT_EQ(rows.status, 200) << rows.body;
  std::size_t expected_rows = 0;
  for (const auto& k : answers["week"]) expected_rows += k["converted"].size();
  EXPECT_EQ(rows.json().size(), expected_rows);
  if (!rows.json().empty()) EXPECT_EQ(rows.json()[0]["cohort"], answers["week"][0]["cohort"]);

  // The route's parameters reach /openapi.json, its own `interval` (with month) included.
  const json doc = s.get("/openapi.json").json();
  std::map<std::string, json> params;
  for (const auto& p : doc["paths"]["/analytics/cohorts"]["get"]["parameters"])
    params[p["name"]] = p;
  EXPECT_TRUE(params["funnel_id"]["required"].get<bool>());
  EXPECT_NE(params["interval"].dump().find("month"), std::string::npos)
      << params["interval"].dump();

  EXPECT_EQ(s.get("/analytics/cohorts?funnel_id=nope&" + window, h).status, 404);
  EXPECT_EQ(s.get("/analytics/cohorts?" + window, h).status, 400);
  auto bad = s.get("/analytics/cohorts?funnel_id=f1&interval=hour&" + window, h);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["field"], "interval");
}

INSTANTIATE_TEST_SUITE_P(Backends, CohortsHttp, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace zaplify::testing
