#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>

#include "conversation_store.h"
#include "store_queries.h"
#include "test_support.h"

namespace zaplify::conversation {
namespace {

using namespace testing;

// Naive reference: straight from the event list, one conversation at a time.
nlohmann::json naive_overview(const std::vector<sdk::Event>& ev, std::int64_t from,
                              std::int64_t to) {
  std::map<std::string, const sdk::Event*> first_start, first_end;
  for (const auto& e : ev) {
    auto pick = [&](std::map<std::string, const sdk::Event*>& m) {
      auto& cur = m[e.conversation_id];
      if (!cur || e.ts_ms < cur->ts_ms || (e.ts_ms == cur->ts_ms && e.id < cur->id)) cur = &e;
    };
    if (e.type == "conversation_started") pick(first_start);
    if (e.type == "conversation_ended") pick(first_end);
  }
  std::int64_t total = 0, msgs = 0, lead = 0, replied = 0, ended = 0;
  double dur = 0;
  std::map<std::string, std::int64_t> by_channel;
  std::map<std::string, std::int64_t> by_outcome{
      {"resolved", 0}, {"handoff", 0}, {"abandoned", 0}, {"open", 0}};
  std::vector<double> frt;
  for (const auto& [conv, s] : first_start) {
    if (s->ts_ms < from || s->ts_ms >= to) continue;
    ++total;
    ++by_channel[s->channel];
    auto end = first_end.find(conv);
    if (end != first_end.end()) {
      ++by_outcome[end->second->outcome];
      ++ended;
      dur += static_cast<double>(end->second->ts_ms - s->ts_ms);
    } else {
      ++by_outcome["open"];
    }
    std::int64_t n = 0, nl = 0, first_lead = INT64_MAX;
    for (const auto& e : ev)
      if (e.type == "message" && e.conversation_id == conv) {
        ++n;
        if (e.sender == "lead") {
          ++nl;
          first_lead = std::min(first_lead, e.ts_ms);
        }
      }
    msgs += n;
    lead += nl;
    if (nl > 0) ++replied;
    std::int64_t resp = INT64_MAX;
    for (const auto& e : ev)
      if (e.type == "message" && e.conversation_id == conv && e.sender != "lead" && nl > 0 &&
          e.ts_ms >= first_lead)
        resp = std::min(resp, e.ts_ms);
    if (nl > 0 && resp != INT64_MAX) frt.push_back(static_cast<double>(resp - first_lead) / 1000.0);
  }
  std::sort(frt.begin(), frt.end());
  nlohmann::json med = nullptr;
  if (!frt.empty()) {
    // numpy's default: position (n-1)/2, interpolate
    double pos = (static_cast<double>(frt.size()) - 1) / 2;
    auto lo = static_cast<std::size_t>(std::floor(pos)),
         hi = static_cast<std::size_t>(std::ceil(pos));
    med = frt[lo] + (frt[hi] - frt[lo]) * (pos - std::floor(pos));
  }
  auto per = [&](double x) { return total ? nlohmann::json(x / total) : nlohmann::json(nullptr); };
  return {{"total", total},
          {"by_channel", by_channel},
          {"by_outcome", by_outcome},
          {"avg_messages", per(msgs)},
          {"avg_lead_messages", per(lead)},
          {"lead_reply_rate", per(replied)},
          {"avg_duration_minutes",
           ended ? nlohmann::json(dur / ended / 60000.0) : nlohmann::json(nullptr)},
          {"median_first_response_seconds", med}};
}

std::vector<sdk::Event> random_events(unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<sdk::Event> ev;
  const char* channels[] = {"whatsapp", "instagram", "web"};
  const char* outcomes[] = {"resolved", "handoff", "abandoned"};
  const char* senders[] = {"lead", "assistant", "agent"};
  int id = 0;
  auto next_id = [&] {
    char b[24];
    std::snprintf(b, sizeof b, "e%d", 100000 + id++);
    return std::string(b);
  };
  for (int c = 0; c < 60; ++c) {
    char cb[16];
    std::snprintf(cb, sizeof cb, "c%d", c);
    const std::string conv = cb;
    const std::int64_t t0 = static_cast<std::int64_t>(rng() % 20) * 3600000;  // 0..19 h
    ev.push_back(started(next_id(), conv, t0, channels[rng() % 3]));
    if (rng() % 4 == 0)
      ev.push_back(
          started(next_id(), conv, t0 + (rng() % 2) * 1000, "web"));  // later/tied duplicate
    const int n = static_cast<int>(rng() % 6);
    for (int m = 0; m < n; ++m)
      ev.push_back(message(next_id(), conv, t0 + static_cast<std::int64_t>(rng() % 600000),
                           senders[rng() % 3], "ok"));
    if (rng() % 3 != 0)
      ev.push_back(ended(next_id(), conv, t0 + 600000 + static_cast<std::int64_t>(rng() % 600000),
                         outcomes[rng() % 3]));
    if (rng() % 5 == 0)
      ev.push_back(ended(next_id(), conv, t0 + 2000000, "resolved"));  // later end, ignored
  }
  std::shuffle(ev.begin(), ev.end(), rng);  // arrival order must not matter
  return ev;
}

void expect_same(const nlohmann::json& got, const nlohmann::json& want) {
  for (const auto& [k, v] : want.items()) {
    ASSERT_TRUE(got.contains(k)) << k;
    if (v.is_number_float())
      EXPECT_NEAR(got[k].get<double>(), v.get<double>(), 1e-9) << k;
    else
      EXPECT_EQ(got[k], v) << k;
  }
}

TEST(Overview, MatchesNaiveReferenceOnRandomData) {
  for (unsigned seed : {1u, 2u, 3u}) {
    ConversationStore store;
    auto ev = random_events(seed);
    store.ingest(ev, shipped_analyzer());
    for (auto [from, to] : {std::pair<std::int64_t, std::int64_t>{0, 20 * 3600000},
                            {5 * 3600000, 9 * 3600000},
                            {25 * 3600000, 30 * 3600000}}) {
      auto got = summarize_conversations(load_conversations(store, "t1", from, to));
      expect_same(got, naive_overview(ev, from, to));
    }
  }
}

TEST(Overview, HandDerivedExample) {
  ConversationStore store;
  std::vector<sdk::Event> ev = {
      started("s1", "c1", 0, "whatsapp"),
      message("m1", "c1", 1000, "lead", "oi"),
      message("m2", "c1", 4000, "assistant", "olá"),
      message("m3", "c1", 9000, "lead", "ok"),
      ended("x1", "c1", 60000, "resolved"),
      ended("x2", "c1", 30000, "handoff"),  // earliest wins
      started("s2", "c2", 10000, "web"),
      message("m4", "c2", 20000, "agent", "hi"),
      started("s3", "c3", 20000, "web"),
      message("m5", "c3", 21000, "lead", "?"),
      message("m6", "c3", 20500, "assistant", "before the lead: not a response"),
      message("m7", "c3", 31000, "agent", "there"),
  };
  store.ingest(ev, shipped_analyzer());
  auto got = summarize_conversations(load_conversations(store, "t1", 0, 100000));
  EXPECT_EQ(got["total"], 3);
  EXPECT_EQ(got["by_channel"], (nlohmann::json{{"web", 2}, {"whatsapp", 1}}));
  EXPECT_EQ(got["by_outcome"],
            (nlohmann::json{{"resolved", 0}, {"handoff", 1}, {"abandoned", 0}, {"open", 2}}));
  EXPECT_DOUBLE_EQ(got["avg_messages"].get<double>(), 7.0 / 3);
  EXPECT_DOUBLE_EQ(got["avg_lead_messages"].get<double>(), 3.0 / 3);
  EXPECT_DOUBLE_EQ(got["lead_reply_rate"].get<double>(), 2.0 / 3);
  EXPECT_DOUBLE_EQ(got["avg_duration_minutes"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(got["median_first_response_seconds"].get<double>(), (3.0 + 10.0) / 2);
}

TEST(Overview, EmptyWindowGivesNulls) {
  ConversationStore store;
  auto got = summarize_conversations(load_conversations(store, "t1", 0, 1000));
  EXPECT_EQ(got["total"], 0);
  EXPECT_TRUE(got["by_channel"].is_object());
  EXPECT_TRUE(got["avg_messages"].is_null());
  EXPECT_TRUE(got["median_first_response_seconds"].is_null());
}

TEST(Overview, OtherTenantsAreInvisible) {
  ConversationStore store;
  store.ingest({started("s1", "c1", 0, "web", "l", "a", "other")}, shipped_analyzer());
  EXPECT_TRUE(load_conversations(store, "t1", 0, 1000).empty());
  EXPECT_EQ(load_conversations(store, "other", 0, 1000).size(), 1u);
}

TEST(Median, LinearInterpolation) {
  EXPECT_FALSE(median({}).has_value());
  EXPECT_DOUBLE_EQ(*median({5}), 5);
  EXPECT_DOUBLE_EQ(*median({4, 1, 3, 2}), 2.5);
  EXPECT_DOUBLE_EQ(*median({10, 1, 3}), 3);
}

}  // namespace
}  // namespace zaplify::conversation
