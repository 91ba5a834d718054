// The funnel breakdown (source | channel | assistant_id; docs/api.md, Stage report) on GET
// /analytics/funnel/{id} and the funnel_stages data source, through the real SQL on SQLite, against
// a naive reference computed here from the events (randomised), and hand-worked edges.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <tuple>

#include "funnel_service.h"
#include "funnel_store.h"

namespace zaplify::funnel {
namespace {

using testing::TestEvent;
constexpr std::int64_t H = 3'600'000, D = 24 * H;

TestEvent lead_created(std::string id, std::string lead, std::int64_t ts, std::string source) {
  TestEvent e;
  e.id = std::move(id);
  e.type = "lead_created";
  e.ts = ts;
  e.lead_id = std::move(lead);
  e.source = std::move(source);
  return e;
}

TestEvent conversation_started(std::string id, std::string conversation, std::string lead,
                               std::int64_t ts, std::string assistant, std::string channel) {
  TestEvent e;
  e.id = std::move(id);
  e.type = "conversation_started";
  e.ts = ts;
  e.conversation_id = std::move(conversation);
  e.lead_id = std::move(lead);
  e.assistant_id = std::move(assistant);
  e.channel = std::move(channel);
  return e;
}

using Value = std::optional<std::string>;
using Entry = std::pair<Value, std::vector<std::int64_t>>;

// Literally docs/api.md (funnel plugin), event list in hand: each lead's value, its furthest stage
// in W (the stage it reached), then counts per value sorted by S0 desc, value asc, null after the
// values of its count.
std::vector<Entry> naive(const std::vector<std::string>& stages,
                         const std::vector<TestEvent>& events, std::int64_t from, std::int64_t to,
                         const std::string& by) {
  auto earlier = [](const TestEvent& a, const TestEvent& b) {
    return std::tie(a.ts, a.id) < std::tie(b.ts, b.id);
  };
  std::map<std::string, int> furthest;
  std::map<std::string, const TestEvent*> first_created, first_start;  // by lead; by conversation
  for (const auto& e : events) {
    const auto it = std::find(stages.begin(), stages.end(), e.stage);
    if (e.type == "stage_changed" && it != stages.end() && e.ts >= from && e.ts < to) {
      const int k = static_cast<int>(it - stages.begin());
      auto [f, fresh] = furthest.emplace(e.lead_id, k);
      if (!fresh) f->second = std::max(f->second, k);
    }
    auto keep_first = [&](std::map<std::string, const TestEvent*>& m, const std::string& key) {
      auto [slot, fresh] = m.emplace(key, &e);
      if (!fresh && earlier(e, *slot->second)) slot->second = &e;
    };
    if (e.type == "lead_created") keep_first(first_created, e.lead_id);
    if (e.type == "conversation_started") keep_first(first_start, e.conversation_id);
  }
  std::map<std::string, const TestEvent*> lead_conversation;  // earliest-starting conversation
  for (const auto& [conversation, start] : first_start) {
    auto [slot, fresh] = lead_conversation.emplace(start->lead_id, start);
    if (!fresh && earlier(*start, *slot->second)) slot->second = start;
  }
  auto value_of = [&](const std::string& lead) -> Value {
    if (by == "source") {
      const auto it = first_created.find(lead);
      if (it == first_created.end() || it->second->source.empty()) return std::nullopt;
      return it->second->source;
    }
    const auto it = lead_conversation.find(lead);
    if (it == lead_conversation.end()) return std::nullopt;
    if (by == "channel") return it->second->channel.empty() ? "whatsapp" : it->second->channel;
    if (it->second->assistant_id.empty()) return std::nullopt;
    return it->second->assistant_id;
  };
  std::map<Value, std::vector<std::int64_t>> counts;
  for (const auto& [lead, k] : furthest) {
    auto& c = counts.try_emplace(value_of(lead), stages.size(), 0).first->second;
    for (int j = 0; j <= k; ++j) ++c[static_cast<std::size_t>(j)];
  }
  std::vector<Entry> out(counts.begin(), counts.end());
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) {
    if (a.second[0] != b.second[0]) return a.second[0] > b.second[0];
    if (a.first.has_value() != b.first.has_value()) return a.first.has_value();
    return a.first < b.first;
  });
  return out;
}

std::vector<Entry> entries_of(const nlohmann::json& breakdown) {
  std::vector<Entry> out;
  for (const auto& b : breakdown) {
    Entry e{b["value"].is_null() ? Value{} : Value{b["value"].get<std::string>()}, {}};
    for (const auto& s : b["stages"]) e.second.push_back(s["count"].get<std::int64_t>());
    out.push_back(std::move(e));
  }
  return out;
}

class BreakdownTest : public ::testing::Test {
 protected:
  sdk::Response report(std::int64_t from, std::int64_t to,
                       std::map<std::string, std::string> query) {
    sdk::Request r;
    r.tenant_id = "t1";
    r.path_params["funnel_id"] = "f1";
    r.window = sdk::Window{from, to, "UTC", sdk::Interval::None};
    r.query = std::move(query);
    return service_.report(r);
  }
  testing::SqliteTestStore store_;
  testing::UtcCalendar calendar_;
  testing::TestFunnelCatalog funnels_{store_};
  FunnelService service_{store_, funnels_, calendar_};
};

TEST_F(BreakdownTest, RandomLeadsMatchTheNaiveReference) {
  const std::vector<std::string> stages = {"new", "qualified", "proposal", "won"};
  const std::vector<std::string> sources = {"ads", "organic", "referral", ""};
  const std::vector<std::string> channels = {"", "whatsapp", "web", "sms"};
  const std::vector<std::string> assistants = {"", "a1", "a2", "a3"};
  std::mt19937 rng(41);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  std::vector<TestEvent> events{testing::define_event("def", 0, stages)};
  int conversations = 0;
  for (int l = 0; l < 500; ++l) {
    const std::string lead = "L" + std::to_string(l);
    const std::int64_t born = 100 * D + static_cast<std::int64_t>(rng() % 30) * 6 * H;
    for (int i = 0, n = static_cast<int>(rng() % 3); i < n;
         ++i)  // 0-2 lead_created, equal times too
      events.push_back(
          lead_created("lc" + std::to_string(rng() % 1000) + "_" + std::to_string(events.size()),
                       lead, born + static_cast<std::int64_t>(rng() % 2) * H, pick(sources)));
    for (int i = 0, n = static_cast<int>(rng() % 4); i < n; ++i) {  // 0-3 conversations
      const std::string conversation = "C" + std::to_string(conversations++);
      const std::int64_t at = born + static_cast<std::int64_t>(rng() % 4) * H;
      events.push_back(conversation_started(
          "cs" + std::to_string(rng() % 1000) + "_" + std::to_string(events.size()), conversation,
          lead, at, pick(assistants), pick(channels)));
      if (rng() % 8 == 0)  // a repeated start, sometimes earlier and naming another lead
        events.push_back(conversation_started(
            "cr" + std::to_string(events.size()), conversation, "L" + std::to_string(rng() % 500),
            at - H + static_cast<std::int64_t>(rng() % 3) * H, pick(assistants), pick(channels)));
    }
    std::int64_t ts = born;
    for (int i = 0, n = 1 + static_cast<int>(rng() % 5); i < n; ++i) {
      events.push_back(
          testing::stage_event("s" + std::to_string(events.size()), lead, ts, pick(stages)));
      ts += static_cast<std::int64_t>(rng() % 48) * H;
    }
  }
  store_.insert(events);
  const std::int64_t from = 103 * D, to = 112 * D;
  for (const std::string by : {"source", "channel", "assistant_id"}) {
    SCOPED_TRACE(by);
    const auto want = naive(stages, events, from, to, by);
    const auto got = report(from, to, {{"breakdown", by}}).json;
    EXPECT_EQ(entries_of(got["breakdown"]), want);
    std::int64_t s0 = 0;
    for (const auto& [value, counts] : want) s0 += counts[0];
    EXPECT_EQ(got["stages"][0]["count"], s0);  // every lead of the funnel lands in one value
    EXPECT_GT(want.size(), 2u);
  }
  EXPECT_FALSE(report(from, to, {}).json.contains("breakdown"));
}

TEST_F(BreakdownTest, HandWorkedValuesNullLastAndConversion) {
  store_.insert(
      {testing::define_event("def", 0, {"new", "won"}),
       // source: the earliest lead_created wins even when it has none
       lead_created("a", "L1", 10, ""), lead_created("b", "L1", 20, "ads"),
       lead_created("c", "L2", 10, "ads"), lead_created("d", "L3", 10, "web"),
       // L4: no lead_created at all
       testing::stage_event("s1", "L1", 100, "new"), testing::stage_event("s2", "L2", 100, "new"),
       testing::stage_event("s3", "L2", 200, "won"), testing::stage_event("s4", "L3", 100, "won"),
       testing::stage_event("s5", "L4", 100, "new")});
  const auto got = report(0, 1000, {{"breakdown", "source"}}).json["breakdown"];
  // null (L1, L4) has 2 leads at S0: the largest count first; then ads and web at 1, by value.
  ASSERT_EQ(got.size(), 3u);
  EXPECT_TRUE(got[0]["value"].is_null());
  EXPECT_EQ(got[0]["stages"][0]["count"], 2);
  EXPECT_EQ(got[0]["overall_conversion"], 0.0);
  EXPECT_EQ(got[1]["value"], "ads");
  EXPECT_EQ(got[1]["overall_conversion"], 1.0);
  EXPECT_EQ(got[1]["stages"][1], (nlohmann::json{{"stage", "won"}, {"count", 1}}));
  EXPECT_EQ(got[2]["value"], "web");
}

TEST_F(BreakdownTest, NullGoesAfterTheValuesOfItsCount) {
  store_.insert(
      {testing::define_event("def", 0, {"new"}),
       conversation_started("x1", "C1", "L1", 5, "zed", "web"),
       conversation_started("x2", "C2", "L2", 5, "", "web"),  // human only: null assistant
       testing::stage_event("s1", "L1", 100, "new"), testing::stage_event("s2", "L2", 100, "new")});
  const auto got = report(0, 1000, {{"breakdown", "assistant_id"}}).json["breakdown"];
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0]["value"], "zed");
  EXPECT_TRUE(got[1]["value"].is_null());
}

TEST_F(BreakdownTest, UnknownBreakdownIs400) {
  store_.insert({testing::define_event("def", 0, {"new"})});
  try {
    report(0, 1000, {{"breakdown", "country"}});
    ADD_FAILURE() << "no error";
  } catch (const sdk::HttpError& e) {
    EXPECT_EQ(e.status(), 400);
  }
}

class Rows final : public sdk::RowSink {
 public:
  void row(const std::vector<sdk::Value>& cells) override { rows.push_back(cells); }
  std::vector<std::vector<sdk::Value>> rows;
};

TEST_F(BreakdownTest, DataSourceRowsPerValueAndStage) {
  store_.insert(
      {testing::define_event("def", 0, {"new", "won"}), lead_created("a", "L1", 10, "ads"),
       lead_created("b", "L2", 10, "web"), testing::stage_event("s1", "L1", 100, "new"),
       testing::stage_event("s2", "L1", 200, "won"), testing::stage_event("s3", "L2", 100, "new")});
  sdk::DataSourceRequest req{"t1",
                             sdk::Window{0, 1000, "UTC", sdk::Interval::None},
                             {{"funnel_id", "f1"}, {"breakdown", "source"}}};
  Rows out;
  service_.produce_stages(req, out);
  ASSERT_EQ(out.rows.size(), 4u);  // two values × two stages
  EXPECT_EQ(out.rows[0][7], sdk::Value("ads"));
  EXPECT_EQ(out.rows[1][2], sdk::Value(std::int64_t{1}));  // ads reached won
  EXPECT_EQ(out.rows[3][7], sdk::Value("web"));
  EXPECT_EQ(out.rows[3][2], sdk::Value(std::int64_t{0}));
  EXPECT_EQ(out.rows[2][3], sdk::Value());  // S0 has no previous stage
  req.params.erase("breakdown");
  Rows plain;
  service_.produce_stages(req, plain);
  ASSERT_EQ(plain.rows.size(), 2u);
  EXPECT_EQ(plain.rows[0][7], sdk::Value());  // the column is left out by exporters without it
}

}  // namespace
}  // namespace zaplify::funnel
