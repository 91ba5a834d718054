#pragma once
// A naive reference for the metrics tests: every figure recomputed straight from the event list by
// the definitions of docs/api.md (metrics plugin), with none of the plugin's tables, rollups or
// SQL.

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "zaplify/sdk/events.h"

namespace zaplify::metrics::testing {

struct RefTotals {
  std::int64_t messages = 0, lead = 0, assistant = 0, agent = 0;
  std::int64_t conversations = 0, ended = 0, resolved = 0, handoff = 0;
  std::int64_t new_leads = 0, conversions = 0;
  std::vector<double> assistant_rt;  // sorted
  double agent_rt_sum = 0;
  std::int64_t agent_rt_n = 0;
};

struct RefAssistant {
  std::int64_t conversations = 0, replies = 0, ended = 0, resolved = 0, handoff = 0, tokens = 0;
  std::vector<double> rt;  // sorted
};

class Reference {
 public:
  /// Keeps the first stored copy of each id (later duplicates change nothing).
  explicit Reference(const std::vector<sdk::Event>& events) {
    std::set<std::string> ids;
    for (const auto& e : events)
      if (ids.insert(e.id).second) events_.push_back(e);
    for (const auto& e : events_) {
      if (e.type == "conversation_started") keep_earliest(start_, e);
      if (e.type == "conversation_ended") keep_earliest(end_, e);
      if (e.type == "funnel_defined") {
        auto& d = def_[e.funnel_id];
        if (!d || e.ts_ms > d->ts_ms || (e.ts_ms == d->ts_ms && e.id > d->id)) d = &e;
      }
    }
  }

  RefTotals totals(std::int64_t from, std::int64_t to) const {
    auto in = [&](std::int64_t t) { return t >= from && t < to; };
    RefTotals r;
    std::set<std::string> leads, converted;
    for (const auto& [c, s] : start_) r.conversations += in(s->ts_ms);
    for (const auto& [c, e] : end_) {
      if (!in(e->ts_ms)) continue;
      ++r.ended;
      r.resolved += e->outcome == "resolved";
      r.handoff += e->outcome == "handoff";
    }
    for (const auto& e : events_) {
      if (!in(e.ts_ms)) continue;
      if (e.type == "message") {
        ++r.messages;
        r.lead += e.sender == "lead";
        r.assistant += e.sender == "assistant";
        r.agent += e.sender == "agent";
        if (e.response_time_ms && e.sender == "assistant")
          r.assistant_rt.push_back(*e.response_time_ms);
        if (e.response_time_ms && e.sender == "agent") {
          r.agent_rt_sum += *e.response_time_ms;
          ++r.agent_rt_n;
        }
      }
      if (e.type == "lead_created") leads.insert(e.lead_id);
      if (e.type == "stage_changed" && is_final(e)) converted.insert(e.lead_id);
    }
    std::sort(r.assistant_rt.begin(), r.assistant_rt.end());
    r.new_leads = static_cast<std::int64_t>(leads.size());
    r.conversions = static_cast<std::int64_t>(converted.size());
    return r;
  }

  std::map<std::string, RefAssistant> performance(std::int64_t from, std::int64_t to) const {
    auto in = [&](std::int64_t t) { return t >= from && t < to; };
    std::map<std::string, RefAssistant> out;
    for (const auto& [c, s] : start_)
      if (!s->assistant_id.empty() && in(s->ts_ms)) ++out[s->assistant_id].conversations;
    for (const auto& [c, e] : end_) {
      const std::string a = owner(c);
      if (a.empty() || !in(e->ts_ms)) continue;
      auto& p = out[a];
      ++p.ended;
      p.resolved += e->outcome == "resolved";
      p.handoff += e->outcome == "handoff";
    }
    for (const auto& e : events_) {
      if (e.type != "message" || e.sender != "assistant" || !in(e.ts_ms)) continue;
      const std::string a = owner(e.conversation_id);
      if (a.empty()) continue;
      auto& p = out[a];
      ++p.replies;
      if (e.tokens) p.tokens += *e.tokens;
      if (e.response_time_ms) p.rt.push_back(*e.response_time_ms);
    }
    for (auto& [a, p] : out) std::sort(p.rt.begin(), p.rt.end());
    return out;
  }

  /// {entered, converted} of a funnel in [from, to).
  std::pair<std::int64_t, std::int64_t> conversion(const std::string& funnel, std::int64_t from,
                                                   std::int64_t to) const {
    std::set<std::string> entered, converted;
    for (const auto& e : events_) {
      if (e.type != "stage_changed" || e.funnel_id != funnel || e.ts_ms < from || e.ts_ms >= to)
        continue;
      entered.insert(e.lead_id);
      if (is_final(e)) converted.insert(e.lead_id);
    }
    return {static_cast<std::int64_t>(entered.size()), static_cast<std::int64_t>(converted.size())};
  }

  static std::optional<double> percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return std::nullopt;
    const double pos = p * static_cast<double>(sorted.size() - 1);
    const auto lo = static_cast<std::size_t>(pos);
    const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - static_cast<double>(lo));
  }

 private:
  static void keep_earliest(std::map<std::string, const sdk::Event*>& m, const sdk::Event& e) {
    auto& s = m[e.conversation_id];
    if (!s || e.ts_ms < s->ts_ms || (e.ts_ms == s->ts_ms && e.id < s->id)) s = &e;
  }
  bool is_final(const sdk::Event& e) const {
    auto it = def_.find(e.funnel_id);
    return it != def_.end() && !it->second->stages.empty() && it->second->stages.back() == e.stage;
  }
  std::string owner(const std::string& conversation) const {
    auto it = start_.find(conversation);
    return it == start_.end() ? std::string() : it->second->assistant_id;
  }

  std::vector<sdk::Event> events_;
  std::map<std::string, const sdk::Event*> start_, end_, def_;
};

}  // namespace zaplify::metrics::testing
