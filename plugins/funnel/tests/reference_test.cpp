// Randomised funnels checked against a naive reference written straight from docs/api.md, funnel
// plugin (sort every lead's events, then apply each definition literally), through the real SQL on
// SQLite.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "funnel_service.h"
#include "funnel_stats.h"
#include "funnel_store.h"

namespace zaplify::funnel {
namespace {

using testing::TestEvent;

struct Reference {
  std::vector<std::int64_t> reached, prev_reached;
  std::vector<std::optional<double>> median_hours;
  std::map<std::pair<int, int>, std::int64_t> links;
  std::map<std::string, std::int64_t> entries;
  std::int64_t unknown = 0;
  std::vector<std::pair<std::string, std::int64_t>> dropped_at_0;  // (lead, latest ts into S0)
};

int stage_of(const std::vector<std::string>& stages, const std::string& s) {
  auto it = std::find(stages.begin(), stages.end(), s);
  return it == stages.end() ? -1 : static_cast<int>(it - stages.begin());
}

Reference reference(const std::vector<std::string>& stages, std::vector<TestEvent> events,
                    std::int64_t from, std::int64_t to) {
  const int n = static_cast<int>(stages.size());
  const std::int64_t pfrom = from - (to - from);
  Reference r;
  r.reached.assign(n, 0);
  r.prev_reached.assign(n, 0);
  std::vector<std::vector<std::int64_t>> samples(n);
  std::map<std::string, std::vector<TestEvent>> by_lead;
  for (auto& e : events) by_lead[e.lead_id].push_back(e);
  for (auto& [lead, evs] : by_lead) {
    std::sort(evs.begin(), evs.end(), [](const TestEvent& a, const TestEvent& b) {
      return a.ts != b.ts ? a.ts < b.ts : a.id < b.id;
    });
    std::vector<std::pair<std::int64_t, int>> w;  // known-stage events of W, sorted
    int prev_max = -1;
    for (const auto& e : evs) {
      const int k = stage_of(stages, e.stage);
      if (e.ts >= from && e.ts < to) {
        if (k < 0)
          ++r.unknown;
        else
          w.emplace_back(e.ts, k);
      } else if (e.ts >= pfrom && e.ts < from && k >= 0) {
        prev_max = std::max(prev_max, k);
      }
    }
    for (int k = 0; k <= prev_max; ++k) ++r.prev_reached[k];
    if (w.empty()) continue;
    int max = -1;
    for (auto& [ts, k] : w) max = std::max(max, k);
    for (int k = 0; k <= max; ++k) ++r.reached[k];
    for (int k = 0; k + 1 < n; ++k) {
      std::optional<std::int64_t> t0, t1;
      for (auto& [ts, j] : w)
        if (j == k && !t0) t0 = ts;
      if (!t0) continue;
      for (auto& [ts, j] : w)
        if (j > k && ts >= *t0 && (!t1 || ts < *t1)) t1 = ts;
      if (t1) samples[k].push_back(*t1 - *t0);
    }
    std::vector<int> seq;
    for (auto& [ts, k] : w)
      if (seq.empty() || seq.back() != k) seq.push_back(k);
    ++r.entries[stages[seq.front()]];
    for (std::size_t i = 1; i < seq.size(); ++i) ++r.links[{seq[i - 1], seq[i]}];
    if (seq.back() != n - 1) ++r.links[{seq.back(), n}];
    if (max == 0) {
      std::int64_t last = 0;
      for (auto& [ts, k] : w)
        if (k == 0) last = ts;
      r.dropped_at_0.emplace_back(lead, last);
    }
  }
  for (int k = 0; k < n; ++k) {
    auto s = samples[k];
    std::sort(s.begin(), s.end());
    if (s.empty() || k == n - 1) {
      r.median_hours.emplace_back();
      continue;
    }
    const std::size_t m = s.size();
    const double med = m % 2 ? s[m / 2] : (s[m / 2 - 1] + s[m / 2]) / 2.0;
    r.median_hours.emplace_back(med / 3'600'000.0);
  }
  return r;
}

TEST(FunnelReference, RandomFunnelsMatchTheNaiveReference) {
  const std::vector<std::string> stages = {"new", "qualified", "demo", "proposal", "won"};
  const std::vector<std::string> names = {"new", "qualified", "demo", "proposal", "won", "spam"};
  const std::int64_t from = 1'000'000'000, to = from + 500'000;
  for (unsigned seed = 1; seed <= 12; ++seed) {
    std::mt19937 rng(seed);
    std::vector<TestEvent> events{testing::define_event("def", 0, stages)};
    // The last seeds have enough leads to grow the scan's lead table past its first size.
    const int leads =
        seed <= 10 ? 40 + static_cast<int>(rng() % 40) : 700 + static_cast<int>(rng() % 100);
    for (int l = 0; l < leads; ++l) {
      const int count = 1 + static_cast<int>(rng() % 8);
      for (int i = 0; i < count; ++i) {
        // Coarse timestamps force many ties; ~25% land in W′, a few outside both windows.
        const std::int64_t ts = from - 550'000 + static_cast<std::int64_t>(rng() % 22) * 50'000;
        // Random ids, so equal timestamps are ordered by id independently of insertion order.
        std::string id = std::to_string(rng() % 1000000);
        id += '_';
        id += std::to_string(events.size());
        std::string lead = "lead";
        lead += std::to_string(l);
        events.push_back(testing::stage_event(id, lead, ts, names[rng() % names.size()]));
      }
    }
    testing::SqliteTestStore store;
    store.insert(events);
    testing::UtcCalendar cal;
    testing::TestFunnelCatalog funnels(store);
    FunnelService svc(store, funnels, cal);
    sdk::Request req;
    req.tenant_id = "t1";
    req.path_params["funnel_id"] = "f1";
    req.window = sdk::Window{from, to, "UTC", sdk::Interval::None};
    std::vector<TestEvent> stage_events(events.begin() + 1, events.end());
    const auto ref = reference(stages, stage_events, from, to);
    SCOPED_TRACE("seed " + std::to_string(seed));

    const auto report = svc.report(req).json;
    EXPECT_EQ(report["unknown_stage_events"], ref.unknown);
    for (std::size_t k = 0; k < stages.size(); ++k) {
      EXPECT_EQ(report["stages"][k]["count"], ref.reached[k]);
      const auto& m = report["stages"][k]["median_hours_to_next"];
      ASSERT_EQ(m.is_null(), !ref.median_hours[k].has_value()) << k;
      if (!m.is_null()) {
        EXPECT_NEAR(m.get<double>(), *ref.median_hours[k], 1e-12);
      }
    }

    const auto flow = svc.flow(req).json;
    std::map<std::pair<int, int>, std::int64_t> links;
    for (const auto& l : flow["links"])
      links[{l["source"].get<int>(), l["target"].get<int>()}] = l["value"];
    EXPECT_EQ(links, ref.links);
    for (const auto& [stage, n] : ref.entries) EXPECT_EQ(flow["entries"][stage], n);

    const auto bn = svc.bottlenecks(req).json;
    for (std::size_t k = 0; k + 1 < stages.size(); ++k) {
      const auto p = two_proportion_p_value(ref.reached[k + 1], ref.reached[k],
                                            ref.prev_reached[k + 1], ref.prev_reached[k]);
      const auto& got = bn["transitions"][k]["p_value"];
      ASSERT_EQ(got.is_null(), !p.has_value());
      if (p) {
        EXPECT_NEAR(got.get<double>(), *p, 1e-12);
      }
    }

    req.query["stage"] = "new";
    req.query["limit"] = "1000";
    const auto dropped = svc.dropped(req).json;
    EXPECT_EQ(dropped["total"], ref.dropped_at_0.size());
    std::set<std::pair<std::string, std::string>> got, want;
    for (const auto& d : dropped["leads"]) got.emplace(d["lead_id"], d["last_stage_at"]);
    for (const auto& [lead, ts] : ref.dropped_at_0) want.emplace(lead, cal.format_utc(ts));
    EXPECT_EQ(got, want);
  }
}

}  // namespace
}  // namespace zaplify::funnel
