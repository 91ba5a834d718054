// GET /analytics/real-time/activity's figures (realtime.cpp) with repeated conversation_started /
// conversation_ended events, which are stored but are not activity (docs/api.md, How events are
// interpreted and GET /analytics/real-time/activity): randomised against a naive reference, and a
// hand-worked case.

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "fixtures.h"
#include "metrics_store.h"
#include "realtime.h"

namespace zaplify::metrics::testing {
namespace {

struct NaiveActivity {
  std::int64_t messages = 0, started = 0, ended = 0, stage_changes = 0, active_leads = 0,
               active = 0;
  std::int64_t repeats = 0;  // repeated starts and endings in R (to show the draws have some)
  std::map<std::int64_t, std::int64_t> events_per_minute;  // minute start → events
};

NaiveActivity naive_activity(const std::vector<sdk::Event>& events, std::int64_t from,
                             std::int64_t now) {
  auto in_r = [&](std::int64_t ts) { return ts >= from && ts <= now; };
  std::map<std::string, const sdk::Event*> first_start, first_end;
  for (const auto& e : events) {
    auto keep = [&](std::map<std::string, const sdk::Event*>& m) {
      auto& cur = m[e.conversation_id];
      if (!cur || e.ts_ms < cur->ts_ms || (e.ts_ms == cur->ts_ms && e.id < cur->id)) cur = &e;
    };
    if (e.type == "conversation_started") keep(first_start);
    if (e.type == "conversation_ended") keep(first_end);
  }
  NaiveActivity r;
  std::set<std::string> leads;
  for (const auto& e : events) {
    if (!in_r(e.ts_ms)) continue;
    const bool repeat =
        (e.type == "conversation_started" && first_start[e.conversation_id] != &e) ||
        (e.type == "conversation_ended" && first_end[e.conversation_id] != &e);
    if (!repeat) ++r.events_per_minute[e.ts_ms / kMin * kMin];
    r.repeats += repeat;
    if (e.type == "message") ++r.messages;
    if (e.type == "stage_changed") ++r.stage_changes;
    if (e.type == "conversation_started" && !repeat) ++r.started;
    if (e.type == "conversation_ended" && !repeat) ++r.ended;
    if (e.type == "message" && e.sender == "lead" && first_start.count(e.conversation_id))
      leads.insert(first_start[e.conversation_id]->lead_id);
  }
  r.active_leads = static_cast<std::int64_t>(leads.size());
  for (const auto& [conv, start] : first_start) {
    if (first_end.count(conv)) continue;
    std::int64_t latest = start->ts_ms;  // its (earliest) start or its latest message
    for (const auto& e : events)
      if (e.type == "message" && e.conversation_id == conv) latest = std::max(latest, e.ts_ms);
    r.active += in_r(latest);
  }
  return r;
}

TEST(RealtimeRepeats, RandomEventsMatchTheNaiveReference) {
  std::mt19937 rng(7);
  auto pick = [&](int n) { return static_cast<std::int64_t>(rng() % static_cast<unsigned>(n)); };
  std::vector<sdk::Event> events;
  auto id = [&] { return std::to_string(pick(100000)) + "_" + std::to_string(events.size()); };
  const std::int64_t now = T0 + 30 * kMin + 15'000;
  auto ts = [&] { return T0 + pick(37 * 60) * 1000; };  // whole seconds in [T0, T0 + 37 min)
  // Appending, not `"c" + std::to_string(...)`: GCC 12 -O2 reports a false -Wrestrict on the
  // latter.
  auto tag = [](const char* prefix, std::int64_t n) {
    std::string out(prefix);
    out += std::to_string(n);
    return out;
  };
  for (int i = 0; i < 600; ++i) {
    const std::string conv = tag("c", pick(60));
    switch (pick(8)) {
      case 0:
      case 1:
        events.push_back(started(id(), ts() - pick(2) * 20 * kMin, conv, tag("L", pick(40)), "a1"));
        break;
      case 2:
        events.push_back(ended(id(), ts(), conv, "resolved"));
        break;
      case 3:
        events.push_back(stage(id(), ts(), tag("L", pick(40)), "f", "x"));
        break;
      default:
        events.push_back(message(id(), ts(), conv, pick(2) ? "lead" : "assistant"));
    }
  }
  MetricsStore store;
  store.migrate();
  store.ingest(events);
  std::int64_t repeats = 0;
  for (int minutes : {3, 5, 12}) {
    SCOPED_TRACE(minutes);
    const auto r = realtime_range(now, minutes);
    const auto want = naive_activity(events, r.from_ms, r.now_ms);
    const auto got = compute_activity(store, "t1", r);
    EXPECT_EQ(got.messages, want.messages);
    EXPECT_EQ(got.conversations_started, want.started);
    EXPECT_EQ(got.conversations_ended, want.ended);
    EXPECT_EQ(got.stage_changes, want.stage_changes);
    EXPECT_EQ(got.active_leads, want.active_leads);
    EXPECT_EQ(got.active_conversations, want.active);
    for (const auto& m : got.per_minute) {
      const auto it = want.events_per_minute.find(m.minute_ms);
      EXPECT_EQ(m.events, it == want.events_per_minute.end() ? 0 : it->second) << m.minute_ms;
    }
    repeats += want.repeats;
  }
  EXPECT_GT(repeats, 0);
}

TEST(RealtimeRepeats, ARepeatedStartIsNotActivity) {
  const std::int64_t now = T0 + 10 * kMin;  // R = [T0 + 5 min, T0 + 10 min]
  MetricsStore store;
  store.migrate();
  store.ingest({started("s1", T0, "c1", "L1", "a1"),             // before R
                started("s2", T0 + 6 * kMin, "c1", "L1", "a1"),  // a repeat in R
                started("s3", T0 + 7 * kMin, "c2", "L2", "a1"),  // c2's first start, in R
                ended("e1", T0 + kMin, "c3", "resolved"),
                ended("e2", T0 + 8 * kMin, "c3", "abandoned"),  // a repeated ending in R
                started("s4", T0 - kHour, "c4", "L4", "a1"),
                message("m1", T0 + 9 * kMin, "c4", "lead"),
                started("s5", T0 + 9 * kMin + 1, "c4", "L4", "a1")});  // repeat after the message
  const auto a = compute_activity(store, "t1", realtime_range(now, 5));
  EXPECT_EQ(a.conversations_started, 1);  // c2
  EXPECT_EQ(a.conversations_ended, 0);
  EXPECT_EQ(a.active_conversations, 2);  // c2 and c4 (its message); not c1 (only a repeat in R)
  const std::int64_t events[] = {0, 0, 1, 0, 1, 0};  // minutes 5..10: s3, m1 only
  ASSERT_EQ(a.per_minute.size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(a.per_minute[i].events, events[i]) << i;
}

}  // namespace
}  // namespace zaplify::metrics::testing
