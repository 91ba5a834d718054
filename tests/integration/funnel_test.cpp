// The funnel plugin over HTTP on SQLite and PostgreSQL: generated stage changes (sent shuffled, in
// two requests with repeated events, with many equal timestamps, skipped stages, regressions,
// repeats and unknown stages, and a redefined funnel) against a naive reference computation of
// docs/api.md, funnel plugin, written here. The answers come from the plugin's own table, filled by
// its ingest hook.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <random>
#include <set>

#include "support/server.h"

namespace zaplify::testing {
namespace {

using nlohmann::json;
constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kHourMs = 60 * kMinuteMs;
constexpr std::int64_t kDayMs = 24 * kHourMs;

struct StageEv {
  std::string id, lead, stage;
  std::int64_t ts;
};

struct Ref {
  std::vector<std::int64_t> reached, prev_reached;
  std::vector<std::optional<double>> median_hours;
  std::map<std::pair<int, int>, std::int64_t> links;
  std::map<std::string, std::int64_t> entries;
  std::int64_t unknown = 0;
  std::map<int, std::set<std::string>> dropped;  // stage → leads whose furthest stage it is
};

std::optional<double> median(std::vector<std::int64_t> v) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size();
  return m % 2 ? static_cast<double>(v[m / 2]) : (v[m / 2 - 1] + v[m / 2]) / 2.0;
}

// Straight from docs/api.md, funnel plugin: each lead's events sorted by (timestamp, id), every
// definition applied literally, with no attempt at efficiency.
Ref reference(const std::vector<std::string>& stages, const std::vector<StageEv>& all,
              std::int64_t from, std::int64_t to) {
  const int n = static_cast<int>(stages.size());
  auto index_of = [&](const std::string& s) {
    auto it = std::find(stages.begin(), stages.end(), s);
    return it == stages.end() ? -1 : static_cast<int>(it - stages.begin());
  };
  Ref r;
  r.reached.assign(n, 0);
  r.prev_reached.assign(n, 0);
  std::vector<std::vector<std::int64_t>> samples(n);
  std::map<std::string, std::vector<StageEv>> by_lead;
  for (const auto& e : all) by_lead[e.lead].push_back(e);
  for (auto& [lead, evs] : by_lead) {
    std::sort(evs.begin(), evs.end(), [](const StageEv& a, const StageEv& b) {
      return a.ts != b.ts ? a.ts < b.ts : a.id < b.id;
    });
    std::vector<std::pair<std::int64_t, int>> w;
    int prev_max = -1;
    for (const auto& e : evs) {
      const int k = index_of(e.stage);
      if (e.ts >= from && e.ts < to) {
        if (k < 0)
          ++r.unknown;
        else
          w.emplace_back(e.ts, k);
      } else if (e.ts >= from - (to - from) && e.ts < from && k > prev_max) {
        prev_max = k;
      }
    }
    for (int k = 0; k <= prev_max; ++k) ++r.prev_reached[k];
    if (w.empty()) continue;
    int max = -1;
    for (const auto& p : w) max = std::max(max, p.second);
    for (int k = 0; k <= max; ++k) ++r.reached[k];
    r.dropped[max].insert(lead);
    for (int k = 0; k + 1 < n; ++k) {
      std::optional<std::int64_t> t0, t1;
      for (const auto& [ts, j] : w)
        if (j == k && !t0) t0 = ts;
      if (!t0) continue;
      for (const auto& [ts, j] : w)
        if (j > k && ts >= *t0 && (!t1 || ts < *t1)) t1 = ts;
      if (t1) samples[k].push_back(*t1 - *t0);
    }
    std::vector<int> seq;
    for (const auto& p : w)
      if (seq.empty() || seq.back() != p.second) seq.push_back(p.second);
    ++r.entries[stages[seq.front()]];
    for (std::size_t i = 1; i < seq.size(); ++i) ++r.links[{seq[i - 1], seq[i]}];
    if (seq.back() != n - 1) ++r.links[{seq.back(), n}];
  }
  for (int k = 0; k < n; ++k) {
    auto m = k + 1 < n ? median(samples[k]) : std::nullopt;
    r.median_hours.push_back(m ? std::optional<double>(*m / kHourMs) : std::nullopt);
  }
  return r;
}

std::optional<double> p_value(std::int64_t x1, std::int64_t n1, std::int64_t x2, std::int64_t n2) {
  if (n1 == 0 || n2 == 0) return std::nullopt;
  const double p = double(x1 + x2) / double(n1 + n2);
  if (p <= 0 || p >= 1) return std::nullopt;
  const double z =
      (double(x1) / n1 - double(x2) / n2) / std::sqrt(p * (1 - p) * (1.0 / n1 + 1.0 / n2));
  return std::erfc(std::fabs(z) / std::sqrt(2.0));
}

class FunnelTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FunnelTest, MatchesNaiveReference) {
  ServerOptions o;
  o.database = GetParam();
  ServerProcess s(o);
  const Headers h{{"X-Tenant-ID", "t1"}};
  const std::int64_t base = (now_ms() / kDayMs - 16) * kDayMs;
  const std::vector<std::string> stages = {"new", "qualified", "demo & <call>", "won"};
  std::vector<json> bodies;
  auto define = [&](const std::string& id, std::int64_t ts, const std::vector<std::string>& st,
                    const std::string& name) {
    bodies.push_back({{"id", id},
                      {"type", "funnel_defined"},
                      {"tenant_id", "t1"},
                      {"timestamp", rfc3339(ts)},
                      {"funnel_id", "f1"},
                      {"name", name},
                      {"stages", st}});
  };
  define("def-old", base, {"new", "won"}, "Old");
  define("def-new", base + kDayMs, stages, "Sales");  // the latest definition wins
  std::mt19937 rng(11);
  std::vector<StageEv> evs;
  const std::vector<std::string> names = {"new", "qualified", "demo & <call>", "won", "spam"};
  for (int l = 0; l < 150; ++l) {
    int stage = static_cast<int>(rng() % 2);
    std::int64_t ts = base + static_cast<std::int64_t>(rng() % 13) * kDayMs +
                      static_cast<std::int64_t>(rng() % 24) * kHourMs;
    for (int k = 1 + static_cast<int>(rng() % 6); k > 0; --k) {
      const bool unknown = rng() % 12 == 0;
      evs.push_back({std::to_string(rng() % 100000) + "-" + std::to_string(evs.size()),
                     "L" + std::to_string(l), unknown ? "spam" : names[stage], ts});
      ts += static_cast<std::int64_t>(rng() % 3) * 30 * kMinuteMs;  // a third are ties
      const auto r = rng() % 10;
      if (r < 5)
        stage = std::min(stage + 1, 3);
      else if (r < 6)
        stage = std::min(stage + 2, 3);
      else if (r < 8 && stage > 0)
        stage -= 1;
    }
  }
  for (const auto& e : evs)
    bodies.push_back({{"id", e.id},
                      {"type", "stage_changed"},
                      {"tenant_id", "t1"},
                      {"timestamp", rfc3339(e.ts)},
                      {"lead_id", e.lead},
                      {"funnel_id", "f1"},
                      {"stage", e.stage}});
  std::shuffle(bodies.begin(), bodies.end(), std::mt19937(5));
  // Two requests, the second repeating the first's events: the plugin's ingest hook must copy
  // each stage change into its table exactly once (duplicates are not passed to hooks).
  const std::size_t half = bodies.size() / 2;
  auto r1 = s.post_json("/analytics/process/batch",
                        {{"events", std::vector<json>(bodies.begin(), bodies.begin() + half)}}, h);
  ASSERT_EQ(r1.status, 200) << r1.body;
  auto r = s.post_json("/analytics/process/batch", {{"events", bodies}}, h);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json()["rejected"].size(), 0u) << r.body;
  EXPECT_EQ(r.json()["duplicates"], half);

  const std::int64_t from = base + 7 * kDayMs + 5 * kHourMs, to = from + 7 * kDayMs;
  const std::string q = "?from=" + url_encode(rfc3339(from)) + "&to=" + url_encode(rfc3339(to));
  Ref ref = reference(stages, evs, from, to);  // non-const: dropped[k] may add empty sets

  auto list = s.get("/analytics/funnels", h);
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json()["funnels"].size(), 1u);
  EXPECT_EQ(list.json()["funnels"][0]["stages"], json(stages));

  auto rep = s.get("/analytics/funnel/f1" + q, h);
  ASSERT_EQ(rep.status, 200) << rep.body;
  const json report = rep.json();
  EXPECT_TRUE(report.contains("window"));
  EXPECT_EQ(report["unknown_stage_events"], ref.unknown);
  for (std::size_t k = 0; k < stages.size(); ++k) {
    EXPECT_EQ(report["stages"][k]["count"], ref.reached[k]) << k;
    const auto& m = report["stages"][k]["median_hours_to_next"];
    ASSERT_EQ(m.is_null(), !ref.median_hours[k]) << k;
    if (!m.is_null()) {
      EXPECT_NEAR(m.get<double>(), *ref.median_hours[k], 1e-9) << k;
    }
  }

  auto fl = s.get("/analytics/funnel/f1/conversion-flow" + q, h);
  ASSERT_EQ(fl.status, 200) << fl.body;
  const json flow = fl.json();  // keep the parsed body alive while iterating it
  std::map<std::pair<int, int>, std::int64_t> links;
  for (const auto& l : flow["links"])
    links[{l["source"].get<int>(), l["target"].get<int>()}] = l["value"];
  EXPECT_EQ(links, ref.links);
  for (const auto& [stage, n] : ref.entries) EXPECT_EQ(flow["entries"][stage], n) << stage;

  auto svg = s.get("/analytics/funnel/f1/conversion-flow" + q + "&format=svg", h);
  ASSERT_EQ(svg.status, 200) << svg.body;
  EXPECT_EQ(svg.header("content-type").rfind("image/svg+xml", 0), 0u);
  std::size_t paths = 0;
  for (auto p = svg.body.find("<path"); p != std::string::npos; p = svg.body.find("<path", p + 1))
    ++paths;
  EXPECT_EQ(paths, ref.links.size());
  EXPECT_NE(svg.body.find("demo &amp; &lt;call&gt;"), std::string::npos);

  auto bn = s.get("/analytics/funnel/f1/bottlenecks" + q, h);
  ASSERT_EQ(bn.status, 200) << bn.body;
  const json bottlenecks = bn.json();
  for (std::size_t k = 0; k + 1 < stages.size(); ++k) {
    const auto want =
        p_value(ref.reached[k + 1], ref.reached[k], ref.prev_reached[k + 1], ref.prev_reached[k]);
    const auto& got = bottlenecks["transitions"][k]["p_value"];
    ASSERT_EQ(got.is_null(), !want) << k;
    if (want) {
      EXPECT_NEAR(got.get<double>(), *want, 1e-9) << k;
    }
  }

  for (int k = 0; k + 1 < static_cast<int>(stages.size()); ++k) {
    auto d =
        s.get("/analytics/funnel/f1/dropped" + q + "&limit=1000&stage=" + url_encode(stages[k]), h);
    ASSERT_EQ(d.status, 200) << d.body;
    const json dropped = d.json();
    std::set<std::string> got;
    for (const auto& lead : dropped["leads"]) got.insert(lead["lead_id"].get<std::string>());
    EXPECT_EQ(got, ref.dropped[k]) << stages[k];
    EXPECT_EQ(dropped["total"], ref.dropped[k].size());
  }

  EXPECT_EQ(s.get("/analytics/funnel/nope" + q, h).status, 404);
  auto bad = s.get("/analytics/funnel/f1/dropped" + q + "&stage=nope", h);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["field"], "stage");
  EXPECT_EQ(s.get("/analytics/funnel/f1/dropped" + q + "&stage=won", h).status, 400);
}

INSTANTIATE_TEST_SUITE_P(Backends, FunnelTest, ::testing::ValuesIn(backends()));

}  // namespace
}  // namespace zaplify::testing
