// conversion_window_days and time_to_convert on GET /analytics/funnel/{id} (docs/api.md, Stage
// report), through the real SQL on SQLite, against a naive reference (randomised) and hand-worked
// edges.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>

#include "funnel_service.h"
#include "funnel_store.h"

namespace zaplify::funnel {
namespace {

using testing::TestEvent;
constexpr std::int64_t H = 3'600'000, D = 24 * H;

struct NaiveWindow {
  std::vector<std::int64_t> reached;
  std::vector<std::int64_t> ms_to_convert;  // sorted
};

// Literally: per lead, its known-stage events in W by (timestamp, id); t0 the first; reached Sk
// when an event into a stage ≥ k lies in [t0, t0 + D] (any W event without D).
NaiveWindow naive(const std::vector<std::string>& stages, const std::vector<TestEvent>& events,
                  std::int64_t from, std::int64_t to, std::optional<std::int64_t> window_ms) {
  const int n = static_cast<int>(stages.size());
  NaiveWindow r;
  r.reached.assign(stages.size(), 0);
  std::map<std::string, std::vector<std::pair<std::int64_t, int>>> by_lead;
  std::vector<TestEvent> sorted = events;
  std::sort(sorted.begin(), sorted.end(), [](const TestEvent& a, const TestEvent& b) {
    return a.ts != b.ts ? a.ts < b.ts : a.id < b.id;
  });
  for (const auto& e : sorted) {
    const auto it = std::find(stages.begin(), stages.end(), e.stage);
    if (e.type == "stage_changed" && it != stages.end() && e.ts >= from && e.ts < to)
      by_lead[e.lead_id].emplace_back(e.ts, static_cast<int>(it - stages.begin()));
  }
  for (const auto& [lead, evs] : by_lead) {
    const std::int64_t t0 = evs.front().first;
    int furthest = -1;
    std::optional<std::int64_t> first_final;
    for (const auto& [ts, k] : evs) {
      if (!window_ms || ts <= t0 + *window_ms) furthest = std::max(furthest, k);
      if (k == n - 1 && !first_final) first_final = ts;
    }
    for (int k = 0; k <= furthest; ++k) ++r.reached[static_cast<std::size_t>(k)];
    if (furthest == n - 1) r.ms_to_convert.push_back(*first_final - t0);
  }
  std::sort(r.ms_to_convert.begin(), r.ms_to_convert.end());
  return r;
}

class ConversionWindowTest : public ::testing::Test {
 protected:
  nlohmann::json report(std::int64_t from, std::int64_t to, std::optional<std::string> days) {
    sdk::Request r;
    r.tenant_id = "t1";
    r.path_params["funnel_id"] = "f1";
    r.window = sdk::Window{from, to, "UTC", sdk::Interval::None};
    if (days) r.query["conversion_window_days"] = *days;
    return service_.report(r).json;
  }
  testing::SqliteTestStore store_;
  testing::UtcCalendar calendar_;
  testing::TestFunnelCatalog funnels_{store_};
  FunnelService service_{store_, funnels_, calendar_};
};

TEST_F(ConversionWindowTest, RandomJourneysMatchTheNaiveReference) {
  const std::vector<std::string> stages = {"new", "qualified", "proposal", "won"};
  const std::vector<std::string> names = {"new", "qualified", "proposal", "won", "spam"};
  std::mt19937 rng(23);
  std::vector<TestEvent> events;
  for (int l = 0; l < 400; ++l) {
    std::int64_t ts = 100 * D + static_cast<std::int64_t>(rng() % 40) * 12 * H;
    for (int i = 0, count = 1 + static_cast<int>(rng() % 6); i < count; ++i) {
      events.push_back(
          testing::stage_event(std::to_string(rng() % 100000) + "_" + std::to_string(events.size()),
                               "L" + std::to_string(l), ts, names[rng() % names.size()]));
      ts += static_cast<std::int64_t>(rng() % 9) * 12 * H;  // half-day steps: many exact t0 + D
    }
  }
  store_.insert(events);
  store_.insert({testing::define_event("def", 0, stages)});
  const std::int64_t from = 105 * D, to = 125 * D;
  std::int64_t windowed_conversions = 0;
  for (std::optional<std::int64_t> days :
       {std::optional<std::int64_t>{}, std::optional<std::int64_t>{1},
        std::optional<std::int64_t>{2}, std::optional<std::int64_t>{7}}) {
    SCOPED_TRACE(days ? std::to_string(*days) : "no window");
    const auto want = naive(stages, events, from, to,
                            days ? std::optional<std::int64_t>(*days * D) : std::nullopt);
    const auto got =
        report(from, to, days ? std::optional<std::string>(std::to_string(*days)) : std::nullopt);
    for (std::size_t k = 0; k < stages.size(); ++k)
      EXPECT_EQ(got["stages"][k]["count"], want.reached[k]) << k;
    const auto& ttc = got["time_to_convert"];
    ASSERT_EQ(ttc["leads"], want.ms_to_convert.size());
    if (days) windowed_conversions += static_cast<std::int64_t>(want.ms_to_convert.size());
    const auto& v = want.ms_to_convert;
    auto quantile = [&](double q) {  // linear interpolation between closest ranks
      const double rank = q * static_cast<double>(v.size() - 1);
      const auto lo = static_cast<std::size_t>(rank);
      const auto hi = std::min(lo + 1, v.size() - 1);
      return (static_cast<double>(v[lo]) +
              (rank - static_cast<double>(lo)) * static_cast<double>(v[hi] - v[lo])) /
             H;
    };
    EXPECT_NEAR(ttc["median_hours"].get<double>(), quantile(0.5), 1e-9);
    EXPECT_NEAR(ttc["p90_hours"].get<double>(), quantile(0.9), 1e-9);
    std::int64_t total = 0;
    for (const auto& b : ttc["histogram"]) total += b["leads"].get<std::int64_t>();
    EXPECT_EQ(total, static_cast<std::int64_t>(v.size()));
  }
  EXPECT_GT(windowed_conversions, 0);
}

TEST_F(ConversionWindowTest, ConvertingExactlyAtTheWindowsEndCounts) {
  const std::int64_t t0 = 101 * D + 3 * H;
  store_.insert({testing::define_event("def", 0, {"new", "won"}),
                 testing::stage_event("a1", "exact", t0, "new"),
                 testing::stage_event("a2", "exact", t0 + 2 * D, "won"),  // t0 + D: inside
                 testing::stage_event("b1", "late", t0, "new"),
                 testing::stage_event("b2", "late", t0 + 2 * D + 1, "won"),  // one ms after
                 testing::stage_event("c1", "spam_first", t0 - H, "spam"),   // unknown: not t0
                 testing::stage_event("c2", "spam_first", t0, "won")});
  const auto j = report(100 * D, 110 * D, "2");
  EXPECT_EQ(j["stages"][0]["count"], 3);
  EXPECT_EQ(j["stages"][1]["count"], 2);  // exact and spam_first (t0 is its own final event)
  EXPECT_EQ(j["time_to_convert"]["leads"], 2);
  EXPECT_DOUBLE_EQ(j["time_to_convert"]["median_hours"].get<double>(), 24.0);  // mean of 0 and 48
  const auto& hist = j["time_to_convert"]["histogram"];
  ASSERT_EQ(hist.size(), 8u);
  EXPECT_EQ(hist[0], (nlohmann::json{{"le_hours", 1}, {"leads", 1}}));   // 0 hours
  EXPECT_EQ(hist[3], (nlohmann::json{{"le_hours", 72}, {"leads", 1}}));  // 48 hours
  EXPECT_TRUE(hist[7]["le_hours"].is_null());
  // Without the window (any event in W counts), the late lead converts too.
  EXPECT_EQ(report(100 * D, 110 * D, std::nullopt)["stages"][1]["count"], 3);
}

TEST_F(ConversionWindowTest, HistogramEdgesAreInclusive) {
  store_.insert({testing::define_event("def", 0, {"new", "won"})});
  const std::int64_t t0 = 60 * D;
  const std::int64_t hours[] = {1, 6, 24, 72, 168, 336, 720};
  std::vector<TestEvent> evs;
  for (std::size_t i = 0; i < 7; ++i) {  // one lead exactly at each edge, one just above the last
    const std::string lead = "L" + std::to_string(i);
    evs.push_back(testing::stage_event("s" + std::to_string(i), lead, t0, "new"));
    evs.push_back(testing::stage_event("w" + std::to_string(i), lead, t0 + hours[i] * H, "won"));
  }
  evs.push_back(testing::stage_event("s9", "L9", t0, "new"));
  evs.push_back(testing::stage_event("w9", "L9", t0 + 720 * H + 1, "won"));
  store_.insert(evs);
  const auto ttc = report(t0, t0 + 40 * D, std::nullopt)["time_to_convert"];
  EXPECT_EQ(ttc["leads"], 8);
  for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(ttc["histogram"][i]["leads"], 1) << i;
  EXPECT_DOUBLE_EQ(ttc["median_hours"].get<double>(), (72.0 + 168.0) / 2);
}

TEST_F(ConversionWindowTest, BadWindowDaysAre400) {
  store_.insert({testing::define_event("def", 0, {"new", "won"})});
  for (const char* bad : {"0", "366", "1.5", "x", "", "-3", "7d"}) {
    try {
      report(D, 2 * D, std::string(bad));
      ADD_FAILURE() << bad;
    } catch (const sdk::HttpError& e) {
      EXPECT_EQ(e.status(), 400) << bad;
      EXPECT_EQ(e.field(), "conversion_window_days");
    }
  }
  EXPECT_EQ(report(D, 2 * D, "365")["time_to_convert"]["leads"], 0);
  EXPECT_TRUE(report(D, 2 * D, "1")["time_to_convert"]["median_hours"].is_null());
}

}  // namespace
}  // namespace zaplify::funnel
