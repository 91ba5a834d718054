#include "whatsapp_window.h"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace zaplify::conversation {
namespace {

std::string id_order(const sdk::Store& store) {
  return std::string("s.id") + sdk::byte_order(store.dialect());
}

// The channel is the earliest start's (docs/api.md, How events are interpreted); a conversation
// never started has none.
std::string first_start(const sdk::Store& store, const std::string& column) {
  return "(SELECT " + column +
         " FROM events s WHERE s.tenant_id = ? AND s.conversation_id = "
         "c.conversation_id AND s.type = 'conversation_started' ORDER BY s.ts, " +
         id_order(store) + " LIMIT 1)";
}

// WhatsApp conversations with a message in [lo, hi]: the per-conversation lookup of the first
// start runs once per conversation, not once per message.
std::unordered_set<std::string> whatsapp_conversations(const sdk::Store& store,
                                                       const std::string& tenant, std::int64_t lo,
                                                       std::int64_t hi) {
  std::unordered_set<std::string> out;
  store.query(
      "SELECT c.conversation_id FROM (SELECT DISTINCT conversation_id FROM events WHERE "
      "tenant_id = ? AND type = 'message' AND ts >= ? AND ts <= ?) c WHERE " +
          first_start(store, "COALESCE(s.channel, 'whatsapp')") + " = 'whatsapp'",
      {tenant, lo, hi, tenant}, [&](const sdk::Row& r) { out.emplace(r.text(0)); });
  return out;
}

bool has_business_after(const sdk::Store& store, const std::string& tenant, const std::string& conv,
                        std::int64_t after) {
  bool found = false;
  store.query(
      "SELECT 1 FROM events WHERE tenant_id = ? AND conversation_id = ? AND type = 'message' "
      "AND sender IN ('assistant', 'agent') AND ts > ? LIMIT 1",
      {tenant, conv, after}, [&](const sdk::Row&) { found = true; });
  return found;
}

// Open WhatsApp conversations whose latest message is the lead's, sent in (now − 24 h, now − 22 h]:
// their window closes within the next two hours.
nlohmann::json at_risk(const sdk::Store& store, const sdk::Calendar& calendar,
                       const std::string& tenant, std::int64_t now_ms, std::int64_t limit) {
  struct Item {
    std::string conversation_id, lead_id;
    std::int64_t last_lead_ms = 0;
  };
  std::vector<Item> items;
  const std::string sql =
      "SELECT c.conversation_id, c.last_ts, " + first_start(store, "s.lead_id") + ", " +
      first_start(store, "COALESCE(s.channel, 'whatsapp')") +
      " FROM (SELECT conversation_id, MAX(ts) AS last_ts FROM events WHERE tenant_id = ? AND "
      "type = 'message' AND sender = 'lead' AND ts > ? AND ts <= ? GROUP BY conversation_id) c "
      "WHERE NOT EXISTS (SELECT 1 FROM events x WHERE x.tenant_id = ? AND x.conversation_id = "
      "c.conversation_id AND x.type = 'message' AND (x.ts > c.last_ts OR (x.ts = c.last_ts AND "
      "x.sender <> 'lead'))) AND NOT EXISTS (SELECT 1 FROM events e WHERE e.tenant_id = ? AND "
      "e.conversation_id = c.conversation_id AND e.type = 'conversation_ended')";
  store.query(sql,
              {tenant, tenant, tenant, now_ms - kWhatsappWindowMs,
               now_ms - kWhatsappWindowMs + kAtRiskHorizonMs, tenant, tenant},
              [&](const sdk::Row& r) {
                if (r.is_null(2) || r.text(3) != "whatsapp")
                  return;  // never started, or not WhatsApp
                items.push_back({std::string(r.text(0)), std::string(r.text(2)), r.int64(1)});
              });
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    return a.last_lead_ms != b.last_lead_ms ? a.last_lead_ms < b.last_lead_ms
                                            : a.conversation_id < b.conversation_id;
  });
  nlohmann::json list = nlohmann::json::array();
  for (std::size_t i = 0; i < items.size() && static_cast<std::int64_t>(i) < limit; ++i)
    list.push_back(
        {{"conversation_id", items[i].conversation_id},
         {"lead_id", items[i].lead_id},
         {"last_lead_message_at", calendar.format_utc(items[i].last_lead_ms)},
         {"window_closes_at", calendar.format_utc(items[i].last_lead_ms + kWhatsappWindowMs)}});
  return {{"items", std::move(list)}, {"total", items.size()}};
}

}  // namespace

WindowVerdict judge_conversation(std::vector<WindowMessage> messages, const WindowBounds& b) {
  std::sort(messages.begin(), messages.end(), [](const WindowMessage& x, const WindowMessage& y) {
    return x.ts_ms != y.ts_ms ? x.ts_ms < y.ts_ms : x.from_lead > y.from_lead;
  });
  WindowVerdict v;
  const auto in_w = [&](std::int64_t ts) { return ts >= b.from_ms && ts < b.to_ms; };
  std::optional<std::int64_t> last_lead;
  std::optional<std::int64_t> next_business;  // walking backwards: the next business message
  std::vector<std::optional<std::int64_t>> reply_of(messages.size());
  for (std::size_t i = messages.size(); i-- > 0;) {
    if (!messages[i].from_lead) next_business = messages[i].ts_ms;
    reply_of[i] = next_business;
  }
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const WindowMessage& m = messages[i];
    if (m.from_lead) {
      last_lead = m.ts_ms;
      if (!in_w(m.ts_ms) || v.expired) continue;
      if (reply_of[i])
        v.expired = *reply_of[i] - m.ts_ms > kWhatsappWindowMs;
      else if (b.cutoff_ms - m.ts_ms > kWhatsappWindowMs)
        v.expired = true;  // never answered (so far) and the 24 hours have passed
      else
        v.ask_reply_after_loaded = true;  // only a reply after what was loaded can expire it
    } else if (in_w(m.ts_ms)) {
      ++v.business_messages;
      if (!last_lead || m.ts_ms - *last_lead > kWhatsappWindowMs) ++v.outside_window;
    }
  }
  if (v.expired) v.ask_reply_after_loaded = false;
  return v;
}

nlohmann::json whatsapp_window_report(const sdk::Store& store, const sdk::Calendar& calendar,
                                      const std::string& tenant, const sdk::Window& w,
                                      std::int64_t now_ms, std::int64_t limit) {
  // A message of W looks back 24 h for the lead's message and forward 24 h for the reply.
  const WindowBounds bounds{w.from_ms, w.to_ms, std::min(w.to_ms, now_ms),
                            w.to_ms + kWhatsappWindowMs};
  const std::int64_t lo = w.from_ms - kWhatsappWindowMs;
  const auto whatsapp = whatsapp_conversations(store, tenant, lo, bounds.loaded_until_ms);
  std::unordered_map<std::string, std::vector<WindowMessage>> by_conversation;
  store.query(
      "SELECT conversation_id, ts, sender FROM events WHERE tenant_id = ? AND type = 'message' "
      "AND ts >= ? AND ts <= ?",
      {tenant, lo, bounds.loaded_until_ms}, [&](const sdk::Row& r) {
        std::string conv(r.text(0));
        if (whatsapp.count(conv))
          by_conversation[std::move(conv)].push_back({r.int64(1), r.text(2) == "lead"});
      });
  std::int64_t business = 0, outside = 0, expired = 0;
  for (auto& [conv, messages] : by_conversation) {
    const WindowVerdict v = judge_conversation(std::move(messages), bounds);
    business += v.business_messages;
    outside += v.outside_window;
    if (v.expired || (v.ask_reply_after_loaded &&
                      has_business_after(store, tenant, conv, bounds.loaded_until_ms)))
      ++expired;
  }
  auto risk = at_risk(store, calendar, tenant, now_ms, limit);
  return {{"business_messages", business},
          {"outside_window", outside},
          {"outside_share",
           business == 0 ? nlohmann::json() : nlohmann::json(double(outside) / double(business))},
          {"expired_conversations", expired},
          {"at_risk", std::move(risk["items"])},
          {"at_risk_total", risk["total"]},
          {"limit", limit}};
}

sdk::RouteSpec whatsapp_window_route(const sdk::Store& store, const sdk::Calendar& calendar) {
  sdk::RouteSpec r;
  r.path = "/analytics/conversations/whatsapp-window";
  r.summary = "WhatsApp 24-hour window: replies outside it, expired and at-risk conversations";
  r.description =
      "Over WhatsApp conversations: business messages (assistant/agent) in W, those sent more than "
      "24 h after the lead's latest message (or with none), conversations whose lead message in W "
      "waited more than 24 h for a reply, and the open conversations whose window closes within "
      "the next 2 hours (soonest first, not limited to W).";
  r.tag = "conversation";
  r.windowed = true;
  r.cache = sdk::CachePolicy::Realtime;  // at_risk moves with the clock
  r.params.push_back(
      {"limit", sdk::ParamLocation::Query, "integer", false, "Items in at_risk (1-500)", "50", {}});
  r.handler = [&store, &calendar](const sdk::Request& req) {
    const std::int64_t limit = req.limit(50, 500);
    return sdk::Response::of_json(whatsapp_window_report(store, calendar, req.tenant_id, req.window,
                                                         calendar.now_ms(), limit));
  };
  return r;
}

}  // namespace zaplify::conversation
