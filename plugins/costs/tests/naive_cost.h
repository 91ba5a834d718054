#pragma once
// A naive reference of GET /metrics/cost written straight from docs/api.md, costs plugin (and How
// events are interpreted, for which start and ending describe a conversation): every rule applied
// literally by scanning all events, with no attempt at efficiency. Shared by the unit test and the
// HTTP test.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace zaplify::costs::testing {

/// One event, the fields the cost reads ("" = absent).
struct Ev {
  std::string id, type;
  std::int64_t ts = 0;
  std::string lead, conv, assistant, sender, outcome, funnel, stage;
  std::optional<std::int64_t> tokens;
};

struct NaiveLine {
  std::int64_t tokens = 0, conversations = 0, resolutions = 0, conversions = 0;
  double cost = 0;
};

struct NaiveCost {
  std::int64_t tokens = 0;
  double cost = 0;
  std::int64_t unattributed_tokens = 0;
  std::map<std::string, NaiveLine> lines;  ///< The listed assistants only.
};

inline bool before(const Ev& a, const Ev& b) {
  return a.ts < b.ts || (a.ts == b.ts && a.id < b.id);
}

/// `final_stage`: each funnel's final stage under its current definition.
inline NaiveCost naive_cost(const std::vector<Ev>& events,
                            const std::map<std::string, std::string>& final_stage,
                            double default_price, const std::map<std::string, double>& prices,
                            std::int64_t from, std::int64_t to) {
  auto in_w = [&](std::int64_t ts) { return ts >= from && ts < to; };
  auto first_of = [&](const std::string& type, const std::string& conv) -> const Ev* {
    const Ev* best = nullptr;
    for (const auto& e : events)
      if (e.type == type && e.conv == conv && (!best || before(e, *best))) best = &e;
    return best;
  };
  auto assistant_of = [&](const std::string& conv) {
    const Ev* s = first_of("conversation_started", conv);
    return s ? s->assistant : std::string();
  };
  auto price = [&](const std::string& a) { return prices.count(a) ? prices.at(a) : default_price; };

  NaiveCost r;
  std::set<std::string> listed;
  for (const auto& e : events)
    if (e.type == "message" && in_w(e.ts) && !assistant_of(e.conv).empty())
      listed.insert(assistant_of(e.conv));
  std::set<std::string> convs;
  for (const auto& e : events)
    if (!e.conv.empty()) convs.insert(e.conv);
  for (const auto& c : convs) {
    const Ev* s = first_of("conversation_started", c);
    if (s && in_w(s->ts) && !s->assistant.empty()) listed.insert(s->assistant);
  }
  std::set<std::string> converted;
  for (const auto& e : events)
    if (e.type == "stage_changed" && in_w(e.ts) && final_stage.count(e.funnel) &&
        final_stage.at(e.funnel) == e.stage)
      converted.insert(e.lead);
  std::map<std::string, std::string>
      conversion_assistant;  // lead → its first conversation's assistant
  for (const auto& lead : converted) {
    const Ev* first = nullptr;
    for (const auto& c : convs) {
      const Ev* s = first_of("conversation_started", c);
      if (s && s->lead == lead && (!first || before(*s, *first))) first = s;
    }
    if (first && !first->assistant.empty()) {
      conversion_assistant[lead] = first->assistant;
      listed.insert(first->assistant);
    }
  }
  for (const auto& a : listed) r.lines[a];
  for (const auto& e : events) {
    if (e.type != "message" || e.sender != "assistant" || !in_w(e.ts)) continue;
    const std::int64_t t = e.tokens.value_or(0);
    const std::string a = assistant_of(e.conv);
    if (a.empty())
      r.unattributed_tokens += t;
    else
      r.lines[a].tokens += t;
  }
  for (const auto& c : convs) {
    const Ev* s = first_of("conversation_started", c);
    if (s && in_w(s->ts) && !s->assistant.empty()) ++r.lines[s->assistant].conversations;
    const Ev* end = first_of("conversation_ended", c);
    if (end && in_w(end->ts) && end->outcome == "resolved" && listed.count(assistant_of(c)))
      ++r.lines[assistant_of(c)].resolutions;
  }
  for (const auto& [lead, a] : conversion_assistant) ++r.lines[a].conversions;
  r.tokens = r.unattributed_tokens;
  r.cost = r.unattributed_tokens / 1000.0 * default_price;
  for (auto& [a, line] : r.lines) {
    line.cost = line.tokens / 1000.0 * price(a);
    r.tokens += line.tokens;
    r.cost += line.cost;
  }
  return r;
}

}  // namespace zaplify::costs::testing
