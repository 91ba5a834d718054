// The metrics plugin over HTTP on SQLite and PostgreSQL: generated events (sent shuffled, so they
// arrive out of order) against a naive reference computation of every KPI written here.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "support/server.h"

namespace zaplify::testing {
namespace {

using nlohmann::json;
constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 24 * kHourMs;

struct Ev {
  json body;
  std::int64_t ts;
  std::string id, type;
};

// ~2,000 events over 14 days ending one day ago: conversations with duplicate starts, messages,
// endings (some twice), leads, two funnels one of which is redefined.
std::vector<Ev> generate(std::int64_t base) {
  std::mt19937 rng(7);
  auto uni = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  std::vector<Ev> out;
  int n = 0;
  auto add = [&](const std::string& type, std::int64_t ts, json fields) {
    const std::string id = "e" + std::to_string(n++);
    fields["id"] = id;
    fields["type"] = type;
    fields["tenant_id"] = "t1";
    fields["timestamp"] = rfc3339(ts);
    out.push_back({fields, ts, id, type});
  };
  const std::int64_t span = 14 * kDayMs;
  add("funnel_defined", base, {{"funnel_id", "f1"}, {"name", "F1"}, {"stages", {"a", "b", "c"}}});
  add("funnel_defined", base + kDayMs,
      {{"funnel_id", "f1"}, {"name", "F1"}, {"stages", {"a", "b"}}});
  add("funnel_defined", base, {{"funnel_id", "f2"}, {"name", "F2"}, {"stages", {"x", "y"}}});
  const char* stages[] = {"a", "b", "c", "x", "y"};
  for (int l = 0; l < 120; ++l) {
    const std::string lead = "L" + std::to_string(l);
    add("lead_created", base + uni(0, span), {{"lead_id", lead}});
    for (int k = uni(0, 3); k > 0; --k) {
      const std::string st = stages[uni(0, 4)];
      add("stage_changed", base + uni(0, span),
          {{"lead_id", lead}, {"funnel_id", st < std::string("x") ? "f1" : "f2"}, {"stage", st}});
    }
  }
  const char* senders[] = {"lead", "assistant", "agent"};
  const char* outcomes[] = {"resolved", "handoff", "abandoned"};
  for (int c = 0; c < 150; ++c) {
    const std::string conv = "c" + std::to_string(c);
    const std::int64_t start = base + uni(0, span);
    const int a = static_cast<int>(uni(0, 3));
    json assistant = a == 3 ? json(nullptr) : json("a" + std::to_string(a));
    add("conversation_started", start,
        {{"conversation_id", conv},
         {"lead_id", "L" + std::to_string(uni(0, 119))},
         {"assistant_id", assistant}});
    if (uni(0, 4) == 0)  // a duplicate start, sometimes earlier than the first
      add("conversation_started", start + uni(-kDayMs, kDayMs),
          {{"conversation_id", conv}, {"lead_id", "Lz"}, {"assistant_id", "a9"}});
    for (int m = uni(1, 8); m > 0; --m) {
      json f = {{"conversation_id", conv}, {"sender", senders[uni(0, 2)]}, {"text", "hello"}};
      if (f["sender"] != "lead" && uni(0, 5) > 0) f["response_time_ms"] = uni(10, 20000);
      if (f["sender"] == "assistant") f["tokens"] = uni(1, 500);
      add("message", start + uni(0, 3 * kHourMs), f);
    }
    for (int e = uni(0, 2); e > 0; --e)
      add("conversation_ended", start + uni(kHourMs, 2 * kDayMs),
          {{"conversation_id", conv}, {"outcome", outcomes[uni(0, 2)]}});
  }
  return out;
}

std::optional<double> pct(std::vector<double> v, double p) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const double pos = p * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(pos);
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

std::optional<double> div(double a, double b) {
  return b == 0 ? std::nullopt : std::optional<double>(a / b);
}

// Naive reference: every KPI of one window [from, to) straight from the event list.
std::map<std::string, std::optional<double>> reference(const std::vector<Ev>& evs,
                                                       std::int64_t from, std::int64_t to) {
  auto in = [&](std::int64_t ts) { return ts >= from && ts < to; };
  std::map<std::string, const Ev*> first_start, first_end, funnel_def;
  auto earlier = [](const Ev* a, const Ev* b) {
    return a->ts < b->ts || (a->ts == b->ts && a->id < b->id);
  };
  for (const auto& e : evs) {
    if (e.type == "conversation_started") {
      auto& s = first_start[e.body["conversation_id"]];
      if (!s || earlier(&e, s)) s = &e;
    } else if (e.type == "conversation_ended") {
      auto& s = first_end[e.body["conversation_id"]];
      if (!s || earlier(&e, s)) s = &e;
    } else if (e.type == "funnel_defined") {
      auto& d = funnel_def[e.body["funnel_id"]];
      if (!d || e.ts > d->ts || (e.ts == d->ts && e.id > d->id)) d = &e;
    }
  }
  std::map<std::string, std::optional<double>> r;
  double convs = 0, msgs = 0, ended = 0, resolved = 0, handoff = 0;
  std::vector<double> rt, agent;
  std::set<std::string> leads, converted;
  for (auto& [id, s] : first_start) convs += in(s->ts);
  for (auto& [id, s] : first_end) {
    if (!in(s->ts)) continue;
    ++ended;
    resolved += s->body["outcome"] == "resolved";
    handoff += s->body["outcome"] == "handoff";
  }
  for (const auto& e : evs) {
    if (!in(e.ts)) continue;
    if (e.type == "message") {
      ++msgs;
      if (e.body.contains("response_time_ms")) {
        if (e.body["sender"] == "assistant") rt.push_back(e.body["response_time_ms"].get<double>());
        if (e.body["sender"] == "agent") agent.push_back(e.body["response_time_ms"].get<double>());
      }
    } else if (e.type == "lead_created") {
      leads.insert(e.body["lead_id"].get<std::string>());
    } else if (e.type == "stage_changed") {
      const Ev* d = funnel_def[e.body["funnel_id"]];
      if (d && d->body["stages"].back() == e.body["stage"])
        converted.insert(e.body["lead_id"].get<std::string>());
    }
  }
  double rt_sum = 0, agent_sum = 0;
  for (double x : rt) rt_sum += x;
  for (double x : agent) agent_sum += x;
  r["conversations"] = convs;
  r["messages"] = msgs;
  r["new_leads"] = static_cast<double>(leads.size());
  r["conversions"] = static_cast<double>(converted.size());
  r["conversion_rate"] =
      div(static_cast<double>(converted.size()), static_cast<double>(leads.size()));
  r["avg_response_time_ms"] = div(rt_sum, static_cast<double>(rt.size()));
  r["p50_response_time_ms"] = pct(rt, 0.5);
  r["p95_response_time_ms"] = pct(rt, 0.95);
  r["agent_avg_response_time_ms"] = div(agent_sum, static_cast<double>(agent.size()));
  r["resolution_rate"] = div(resolved, ended);
  r["handoff_rate"] = div(handoff, ended);
  return r;
}

struct RefAssistant {
  double conversations = 0, replies = 0, tokens = 0, ended = 0, resolved = 0;
  std::vector<double> rt;
};

// Naive reference of /metrics/performance: messages and endings belong to the assistant of the
// conversation's earliest start.
std::map<std::string, RefAssistant> performance_reference(const std::vector<Ev>& evs,
                                                          std::int64_t from, std::int64_t to) {
  auto in = [&](std::int64_t ts) { return ts >= from && ts < to; };
  auto earlier = [](const Ev* a, const Ev* b) {
    return a->ts < b->ts || (a->ts == b->ts && a->id < b->id);
  };
  std::map<std::string, const Ev*> first_start, first_end;
  for (const auto& e : evs) {
    if (e.type != "conversation_started" && e.type != "conversation_ended") continue;
    auto& s =
        (e.type == "conversation_started" ? first_start : first_end)[e.body["conversation_id"]];
    if (!s || earlier(&e, s)) s = &e;
  }
  auto owner = [&](const std::string& conv) -> std::string {
    auto it = first_start.find(conv);
    if (it == first_start.end() || !it->second->body["assistant_id"].is_string()) return {};
    return it->second->body["assistant_id"].get<std::string>();
  };
  std::map<std::string, RefAssistant> out;
  for (auto& [conv, s] : first_start)
    if (const auto a = owner(conv); !a.empty() && in(s->ts)) ++out[a].conversations;
  for (auto& [conv, e] : first_end) {
    const auto a = owner(conv);
    if (a.empty() || !in(e->ts)) continue;
    ++out[a].ended;
    out[a].resolved += e->body["outcome"] == "resolved";
  }
  for (const auto& e : evs) {
    if (e.type != "message" || e.body["sender"] != "assistant" || !in(e.ts)) continue;
    const auto a = owner(e.body["conversation_id"].get<std::string>());
    if (a.empty()) continue;
    ++out[a].replies;
    out[a].tokens += e.body.value("tokens", 0);
    if (e.body.contains("response_time_ms"))
      out[a].rt.push_back(e.body["response_time_ms"].get<double>());
  }
  return out;
}

void expect_value(const json& got, std::optional<double> want, const std::string& what) {
  if (!want) {
    EXPECT_TRUE(got.is_null()) << what << " = " << got;
    return;
  }
  ASSERT_TRUE(got.is_number()) << what << " = " << got;
  EXPECT_NEAR(got.get<double>(), *want, 1e-6 * std::max(1.0, std::fabs(*want))) << what;
}

// The events' JSON bodies in a seeded random order: arrival order must not matter.
std::vector<json> shuffled_bodies(const std::vector<Ev>& evs, unsigned seed) {
  std::vector<json> bodies;
  for (const auto& e : evs) bodies.push_back(e.body);
  std::shuffle(bodies.begin(), bodies.end(), std::mt19937(seed));
  return bodies;
}

class MetricsTest : public ::testing::TestWithParam<std::string> {};

TEST_P(MetricsTest, KpisMatchNaiveReference) {
  ServerOptions o;
  o.database = GetParam();
  ServerProcess s(o);
  const std::int64_t base = (now_ms() / kDayMs - 16) * kDayMs;
  auto evs = generate(base);
  auto bodies = shuffled_bodies(evs, 3);
  const Headers h{{"X-Tenant-ID", "t1"}};
  for (std::size_t i = 0; i < bodies.size(); i += 500) {
    json batch = json::array();
    for (std::size_t j = i; j < std::min(bodies.size(), i + 500); ++j) batch.push_back(bodies[j]);
    auto r = s.post_json("/analytics/process/batch", {{"events", batch}}, h);
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.json()["rejected"].size(), 0u) << r.body;
  }
  const std::int64_t from = base + 7 * kDayMs + 5 * kHourMs, to = from + 7 * kDayMs;
  auto g = s.get("/metrics/kpi?interval=day&from=" + rfc3339(from) + "&to=" + rfc3339(to), h);
  ASSERT_EQ(g.status, 200) << g.body;
  const json body = g.json();
  const auto cur = reference(evs, from, to);
  const auto prev = reference(evs, from - (to - from), from);
  for (const auto& [name, want] : cur) {
    expect_value(body["kpis"][name]["value"], want, name);
    expect_value(body["kpis"][name]["previous"], prev.at(name), name + " previous");
  }
  std::int64_t series_msgs = 0;
  for (const auto& b : body["series"]) series_msgs += b["messages"].get<std::int64_t>();
  EXPECT_EQ(static_cast<double>(series_msgs), *cur.at("messages"));
  EXPECT_EQ(body["series"].size(), 8u);  // 7 days starting 05:00 UTC touch 8 UTC days
  EXPECT_TRUE(body.contains("active_conversations"));

  auto conv = s.get("/metrics/conversion?funnel_id=nope", h);
  EXPECT_EQ(conv.status, 404);
  auto perf = s.get("/metrics/performance?from=" + rfc3339(from) + "&to=" + rfc3339(to), h);
  ASSERT_EQ(perf.status, 200) << perf.body;
  const auto perf_body = perf.json();
  const auto want = performance_reference(evs, from, to);
  ASSERT_EQ(perf_body["assistants"].size(), want.size()) << perf.body;
  for (const auto& a : perf_body["assistants"]) {
    const std::string id = a["assistant_id"];
    ASSERT_TRUE(want.count(id)) << id;
    const RefAssistant& q = want.at(id);
    expect_value(a["conversations"], q.conversations, id + " conversations");
    expect_value(a["replies"], q.replies, id + " replies");
    expect_value(a["tokens"], q.tokens, id + " tokens");
    expect_value(a["p50_response_time_ms"], pct(q.rt, 0.5), id + " p50");
    expect_value(a["p95_response_time_ms"], pct(q.rt, 0.95), id + " p95");
    expect_value(a["resolution_rate"], div(q.resolved, q.ended), id + " resolution_rate");
  }
  auto act = s.get("/analytics/real-time/activity", h);
  ASSERT_EQ(act.status, 200) << act.body;
  EXPECT_EQ(act.json()["per_minute"].size(), 6u);  // 5 minutes back: 6 UTC minutes touched
}

// Batches of one tenant stored by concurrent transactions: a reply and its conversation's start,
// or two occurrences of one lead, may land in two batches at once; the per-unit counts must still
// equal the reference.
TEST_P(MetricsTest, ConcurrentBatchesMatchNaiveReference) {
  ServerOptions o;
  o.database = GetParam();
  ServerProcess s(o);
  const std::int64_t base = (now_ms() / kDayMs - 16) * kDayMs;
  auto evs = generate(base);
  auto bodies = shuffled_bodies(evs, 11);
  const Headers h{{"X-Tenant-ID", "t1"}};
  std::vector<json> batches;
  for (std::size_t i = 0; i < bodies.size(); i += 50)
    batches.push_back(json{
        {"events", json(std::vector<json>(bodies.begin() + static_cast<std::ptrdiff_t>(i),
                                          bodies.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                               bodies.size(), i + 50))))}});
  std::atomic<std::size_t> next{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t)
    senders.emplace_back([&] {
      for (std::size_t i; (i = next++) < batches.size();) {
        auto r = s.post_json("/analytics/process/batch", batches[i], h);
        if (r.status != 200) ++failures;
      }
    });
  for (auto& t : senders) t.join();
  ASSERT_EQ(failures.load(), 0);
  const std::int64_t from = base + 3 * kDayMs + 7 * kHourMs, to = from + 6 * kDayMs;
  auto g = s.get("/metrics/kpi?from=" + rfc3339(from) + "&to=" + rfc3339(to), h);
  ASSERT_EQ(g.status, 200) << g.body;
  const json body = g.json();
  const auto cur = reference(evs, from, to);
  for (const auto& [name, want] : cur) expect_value(body["kpis"][name]["value"], want, name);
  auto perf = s.get("/metrics/performance?from=" + rfc3339(from) + "&to=" + rfc3339(to), h);
  ASSERT_EQ(perf.status, 200) << perf.body;
  const auto want = performance_reference(evs, from, to);
  const auto perf_body = perf.json();
  ASSERT_EQ(perf_body["assistants"].size(), want.size()) << perf.body;
  for (const auto& a : perf_body["assistants"]) {
    const std::string id = a["assistant_id"];
    ASSERT_TRUE(want.count(id)) << id;
    expect_value(a["conversations"], want.at(id).conversations, id + " conversations");
    expect_value(a["replies"], want.at(id).replies, id + " replies");
    expect_value(a["p50_response_time_ms"], pct(want.at(id).rt, 0.5), id + " p50");
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, MetricsTest, ::testing::ValuesIn(backends()));

}  // namespace
}  // namespace zaplify::testing
