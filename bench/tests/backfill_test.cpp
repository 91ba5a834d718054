// The backfill-shaped data set: a deterministic permutation of the time-ordered one.
#include "backfill.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

namespace zaplify::bench {
namespace {

using json = nlohmann::json;

constexpr std::int64_t kBase = 20000 * kDayMs;

// Like the demo generator: events in time order, lead by lead, ids counting up; hands its events
// out `max` at a time.
EventSource fake_source(std::size_t total) {
  auto next = std::make_shared<std::size_t>(0);
  return [next, total](std::vector<json>& out, std::size_t max) {
    out.clear();
    for (; *next < total && out.size() < max; ++*next) {
      std::size_t i = *next;
      json e = {{"id", "t-e" + std::to_string(i + 1)},
                {"tenant_id", "t"},
                {"timestamp", format_rfc3339_ms(kBase + static_cast<std::int64_t>(i) * 60000)},
                {"lead_id", "lead-" + std::to_string(i / 10)}};
      e["type"] = i % 10 == 0 ? "lead_created" : "stage_changed";
      if (i % 10) e["funnel_id"] = "sales", e["stage"] = "s" + std::to_string(i % 10);
      out.push_back(std::move(e));
    }
    return !out.empty();
  };
}

std::vector<json> events_of(const Dataset& d) {
  std::vector<json> all;
  for (const auto& body : d.bodies) {
    json doc = json::parse(body);  // kept: a range-for over a temporary's member dangles
    for (auto& e : doc.at("events")) all.push_back(e);
  }
  return all;
}

TEST(Backfill, PermutationIsSeededAndPortable) {
  auto p = backfill_permutation(1000, 42);
  std::vector<std::size_t> sorted = p, identity(1000);
  std::sort(sorted.begin(), sorted.end());
  std::iota(identity.begin(), identity.end(), 0);
  EXPECT_EQ(sorted, identity);
  EXPECT_NE(p, identity);
  EXPECT_EQ(p, backfill_permutation(1000, 42));
  EXPECT_NE(p, backfill_permutation(1000, 43));
  // Pinned: the same seed gives the same data set on every machine and standard library.
  EXPECT_EQ(backfill_permutation(8, 42), (std::vector<std::size_t>{7, 2, 5, 0, 4, 3, 1, 6}));
  EXPECT_TRUE(backfill_permutation(0, 1).empty());
  EXPECT_EQ(backfill_permutation(1, 1), std::vector<std::size_t>{0});
}

TEST(Backfill, IdsGetAHashedPrefix) {
  std::string id = backfill_id("bench-e1", 42);
  ASSERT_EQ(id.size(), 9 + std::string("bench-e1").size());
  EXPECT_EQ(id.substr(8), "-bench-e1");
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), 8u);
  EXPECT_EQ(id, "621b7a1d-bench-e1");
  EXPECT_EQ(backfill_id("bench-e1", 42), id);
  EXPECT_NE(backfill_id("bench-e1", 7), id);
  EXPECT_NE(backfill_id("bench-e2", 42).substr(0, 8), id.substr(0, 8));
}

TEST(Backfill, IsAPermutationOfTheTimeOrderedSet) {
  const std::size_t n = 2500;
  Dataset ordered = build_dataset(fake_source(n), 1000);
  Dataset backfill = build_backfill_dataset(fake_source(n), 1000, 42);
  ASSERT_EQ(backfill.bodies.size(), 3u);
  EXPECT_EQ(json::parse(backfill.bodies[2]).at("events").size(), 500u);
  auto a = events_of(ordered), b = events_of(backfill);
  ASSERT_EQ(b.size(), n);
  // The same events, ids mapped back, in another order.
  std::vector<std::string> want, got;
  for (auto& e : a) want.push_back(e.dump());
  for (auto& e : b) {
    std::string id = e.at("id");
    EXPECT_EQ(backfill_id(id.substr(9), 42), id);
    e["id"] = id.substr(9);
    got.push_back(e.dump());
  }
  EXPECT_NE(got, want);
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, want);
  EXPECT_EQ(backfill.stats.events, ordered.stats.events);
  EXPECT_EQ(backfill.stats.min_ts_ms, ordered.stats.min_ts_ms);
  EXPECT_EQ(backfill.stats.max_ts_ms, ordered.stats.max_ts_ms);
  EXPECT_EQ(backfill.stats.by_type, ordered.stats.by_type);
  EXPECT_EQ(backfill.stats.funnels.at("sales").stage_events,
            ordered.stats.funnels.at("sales").stage_events);
}

TEST(Backfill, IsDeterministicForASeed) {
  auto one = build_backfill_dataset(fake_source(2500), 1000, 42);
  EXPECT_EQ(build_backfill_dataset(fake_source(2500), 1000, 42).bodies, one.bodies);
  EXPECT_NE(build_backfill_dataset(fake_source(2500), 1000, 43).bodies, one.bodies);
  // The bodies are what nlohmann's dump() of the same events gives.
  for (const auto& body : one.bodies) EXPECT_EQ(json::parse(body).dump(), body);
}

TEST(Backfill, InterleavesTheWindowAndBreaksKeyOrder) {
  auto d = build_backfill_dataset(fake_source(3000), 1000, 42);
  // The first body alone spans (nearly) the whole window: leads are interleaved, not in turn.
  std::int64_t lo = INT64_MAX, hi = INT64_MIN;
  json first = json::parse(d.bodies[0]);
  for (const auto& e : first.at("events")) {
    std::int64_t ts = parse_rfc3339_ms(e.at("timestamp"));
    lo = std::min(lo, ts);
    hi = std::max(hi, ts);
  }
  EXPECT_GT(hi - lo, (d.stats.max_ts_ms - d.stats.min_ts_ms) * 9 / 10);
  // Ids in arrival order: about half of the neighbours are out of key order (sorted: none).
  auto events = events_of(d);
  std::size_t descents = 0;
  for (std::size_t i = 1; i < events.size(); ++i)
    descents += events[i].at("id").get<std::string>() < events[i - 1].at("id").get<std::string>();
  EXPECT_GT(descents, events.size() / 3);
  // Sorted by time, ids are not sorted by key either (a hash, not the time, leads them).
  std::sort(events.begin(), events.end(), [](const json& x, const json& y) {
    return x.at("timestamp").get<std::string>() < y.at("timestamp").get<std::string>();
  });
  std::size_t time_descents = 0;
  for (std::size_t i = 1; i < events.size(); ++i)
    time_descents +=
        events[i].at("id").get<std::string>() < events[i - 1].at("id").get<std::string>();
  EXPECT_GT(time_descents, events.size() / 3);
}

TEST(Backfill, ShapeNames) {
  EXPECT_EQ(data_shape_from("backfill"), DataShape::Backfill);
  EXPECT_EQ(data_shape_from("time-ordered"), DataShape::TimeOrdered);
  EXPECT_EQ(data_shape_name(DataShape::Backfill), "backfill");
  EXPECT_THROW(data_shape_from("random"), std::invalid_argument);
}

}  // namespace
}  // namespace zaplify::bench
