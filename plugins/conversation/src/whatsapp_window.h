#pragma once
// The WhatsApp 24-hour window (docs/api.md, GET /analytics/conversations/whatsapp-window): a
// business may reply freely only within 24 hours of the customer's latest message. GET
// /analytics/conversations/whatsapp-window counts business messages sent outside it, conversations
// whose window expired unanswered, and lists the open ones whose window closes within two hours.
// Read from the events table only.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zaplify/sdk/calendar.h"
#include "zaplify/sdk/http.h"
#include "zaplify/sdk/store.h"

namespace zaplify::conversation {

inline constexpr std::int64_t kWhatsappWindowMs = 24 * 3'600'000;
inline constexpr std::int64_t kAtRiskHorizonMs = 2 * 3'600'000;

/// One message of a WhatsApp conversation: from the lead, or a business message (assistant/agent).
struct WindowMessage {
  std::int64_t ts_ms = 0;
  bool from_lead = false;
};

/// What one conversation's messages are judged over.
struct WindowBounds {
  std::int64_t from_ms = 0, to_ms = 0;  ///< W.
  std::int64_t cutoff_ms = 0;  ///< min(to, now): how long an unanswered message has waited.
  /// The messages given cover [from − 24 h, loaded_until_ms] (both inclusive).
  std::int64_t loaded_until_ms = 0;
};

struct WindowVerdict {
  std::int64_t business_messages = 0;  ///< In W.
  std::int64_t outside_window = 0;     ///< Of those, with no lead message in the 24 h up to them.
  bool expired = false;                ///< A lead message in W waited more than 24 h for a reply.
  /// Not decided from the messages given: a lead message in W near the cutoff has no reply up to
  /// loaded_until_ms; the conversation expired iff a business message came after that.
  bool ask_reply_after_loaded = false;
};

/// Judges one conversation. `messages` in any order; equal timestamps count a lead message as
/// before a business message (its latest lead message "at or before it, same millisecond
/// included": plugins/conversation/README.md, WhatsApp 24-hour window).
WindowVerdict judge_conversation(std::vector<WindowMessage> messages, const WindowBounds& bounds);

/// GET /analytics/conversations/whatsapp-window over W, with `at_risk` as of `now_ms` (up to
/// `limit` items). Throws sdk::StoreError.
nlohmann::json whatsapp_window_report(const sdk::Store& store, const sdk::Calendar& calendar,
                                      const std::string& tenant, const sdk::Window& w,
                                      std::int64_t now_ms, std::int64_t limit);

/// The route's declaration. `store` and `calendar` belong to the host and outlive the route.
sdk::RouteSpec whatsapp_window_route(const sdk::Store& store, const sdk::Calendar& calendar);

}  // namespace zaplify::conversation
