// GET /analytics/real-time/conversations with repeated conversation_started events, which are
// stored but are not activity (docs/api.md, How events are interpreted and GET
// /analytics/real-time/conversations): a repeat neither makes a conversation active nor becomes
// its last_activity_at.

#include <gtest/gtest.h>

#include "conversation_store.h"
#include "store_queries.h"
#include "test_support.h"

namespace zaplify::conversation {
namespace {

constexpr std::int64_t kMin = 60'000;
constexpr std::int64_t T0 = 1'793'577'600'000;  // 2026-11-02T00:00:00Z

sdk::Event event(std::string id, std::string type, std::int64_t ts, std::string conv) {
  sdk::Event e;
  e.id = std::move(id);
  e.type = std::move(type);
  e.tenant_id = "t1";
  e.ts_ms = ts;
  e.conversation_id = std::move(conv);
  e.lead_id = "L-" + e.conversation_id;
  e.channel = "whatsapp";
  e.sender = "lead";
  e.text = "ok";
  return e;
}

TEST(RealtimeRepeats, ARepeatedStartIsNotTheLatestActivity) {
  testing::ConversationStore store;
  store.ingest({event("s1", "conversation_started", T0 - 60 * kMin, "quiet"),
                event("s2", "conversation_started", T0 + 8 * kMin, "quiet"),  // repeat in R
                event("s3", "conversation_started", T0 - 60 * kMin, "talking"),
                event("m1", "message", T0 + 7 * kMin, "talking"),
                event("s4", "conversation_started", T0 + 9 * kMin, "talking"),  // repeat after it
                event("s5", "conversation_started", T0 + 6 * kMin, "new"),
                event("s6", "conversation_started", T0 + 6 * kMin, "new")},  // same-time repeat
               testing::shipped_analyzer());
  testing::UtcCalendar cal;
  const std::int64_t now = T0 + 10 * kMin;  // R = [T0 + 5 min, T0 + 10 min]
  const auto r = realtime_conversations(store, cal, "t1", now, 5, 50);
  ASSERT_EQ(r["total"], 2) << r.dump();
  EXPECT_EQ(r["conversations"][0]["conversation_id"], "talking");
  EXPECT_EQ(r["conversations"][0]["last_activity_at"], cal.format_utc(T0 + 7 * kMin));
  EXPECT_EQ(r["conversations"][0]["started_at"], cal.format_utc(T0 - 60 * kMin));
  EXPECT_EQ(r["conversations"][1]["conversation_id"], "new");
}

}  // namespace
}  // namespace zaplify::conversation
