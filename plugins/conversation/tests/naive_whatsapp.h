#pragma once
// A naive reference of GET /analytics/conversations/whatsapp-window written straight from its
// section of docs/api.md (and How events are interpreted, for which start describes a
// conversation): every rule applied by scanning all events. Self-contained (no SDK types), shared
// by the unit test and the HTTP test.

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace zaplify::conversation::testing {

struct WaEvent {
  std::string id, type;  ///< conversation_started | message | conversation_ended
  std::int64_t ts = 0;
  std::string conv, lead, channel, sender;  ///< channel "" = not given (WhatsApp)
};

struct WaAtRisk {
  std::string conv, lead;
  std::int64_t last_lead = 0;
};

struct WaNaive {
  std::int64_t business = 0, outside = 0, expired = 0;
  std::vector<WaAtRisk> at_risk;  ///< Soonest first, then conversation id.
};

inline WaNaive naive_whatsapp(const std::vector<WaEvent>& events, std::int64_t from,
                              std::int64_t to, std::int64_t now) {
  constexpr std::int64_t k24h = 24 * 3'600'000;
  std::map<std::string, const WaEvent*> first_start;
  std::set<std::string> ended;
  for (const auto& e : events) {
    if (e.type == "conversation_ended") ended.insert(e.conv);
    if (e.type != "conversation_started") continue;
    auto& cur = first_start[e.conv];
    if (!cur || e.ts < cur->ts || (e.ts == cur->ts && e.id < cur->id)) cur = &e;
  }
  auto whatsapp = [&](const std::string& conv) {
    auto it = first_start.find(conv);
    return it != first_start.end() &&
           (it->second->channel.empty() || it->second->channel == "whatsapp");
  };
  auto is_message = [](const WaEvent& e) { return e.type == "message"; };
  WaNaive r;
  std::set<std::string> expired;
  for (const auto& m : events) {
    if (!is_message(m) || !whatsapp(m.conv)) continue;
    const bool in_w = m.ts >= from && m.ts < to;
    if (m.sender != "lead" && in_w) {
      ++r.business;
      std::optional<std::int64_t> latest_lead;
      for (const auto& l : events)
        if (is_message(l) && l.conv == m.conv && l.sender == "lead" && l.ts <= m.ts)
          latest_lead = std::max(latest_lead.value_or(l.ts), l.ts);
      if (!latest_lead || m.ts - *latest_lead > k24h) ++r.outside;
    }
    if (m.sender == "lead" && in_w) {
      std::optional<std::int64_t> next;
      for (const auto& b : events)
        if (is_message(b) && b.conv == m.conv && b.sender != "lead" && b.ts >= m.ts)
          next = std::min(next.value_or(b.ts), b.ts);
      if (next ? *next - m.ts > k24h : std::min(to, now) - m.ts > k24h) expired.insert(m.conv);
    }
  }
  r.expired = static_cast<std::int64_t>(expired.size());
  for (const auto& [conv, start] : first_start) {
    if (ended.count(conv) || !whatsapp(conv)) continue;
    std::optional<std::int64_t> last;
    bool business_last = false;
    for (const auto& m : events) {
      if (!is_message(m) || m.conv != conv) continue;
      if (!last || m.ts > *last)
        last = m.ts, business_last = m.sender != "lead";
      else if (m.ts == *last && m.sender != "lead")
        business_last = true;
    }
    if (!last || business_last) continue;
    const std::int64_t closes = *last + k24h;
    if (now < closes && closes <= now + 2 * 3'600'000)
      r.at_risk.push_back({conv, start->lead, *last});
  }
  std::sort(r.at_risk.begin(), r.at_risk.end(), [](const WaAtRisk& a, const WaAtRisk& b) {
    return a.last_lead != b.last_lead ? a.last_lead < b.last_lead : a.conv < b.conv;
  });
  return r;
}

}  // namespace zaplify::conversation::testing
