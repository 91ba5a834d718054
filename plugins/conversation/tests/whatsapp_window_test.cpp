// The WhatsApp 24-hour window through the real SQL on SQLite: random conversations against the
// naive reference (naive_whatsapp.h), and hand-worked edges at exactly 24 hours.

#include "whatsapp_window.h"

#include <gtest/gtest.h>

#include <random>

#include "conversation_store.h"
#include "naive_whatsapp.h"
#include "test_support.h"

namespace zaplify::conversation {
namespace {

using testing::WaEvent;
constexpr std::int64_t H = 3'600'000, D = 24 * H;
constexpr std::int64_t T0 = 1'793'577'600'000;  // 2026-11-02T00:00:00Z

sdk::Event to_event(const WaEvent& w) {
  sdk::Event e;
  e.id = w.id;
  e.type = w.type;
  e.tenant_id = "t1";
  e.ts_ms = w.ts;
  e.conversation_id = w.conv;
  e.lead_id = w.lead;
  e.channel = w.channel;
  e.sender = w.sender;
  e.text = "oi";
  if (w.type == "conversation_started") e.assistant_id = "a1";
  if (w.type == "conversation_ended") e.outcome = "resolved";
  return e;
}

WaEvent start(std::string id, std::int64_t ts, std::string conv, std::string channel = "") {
  return {std::move(id), "conversation_started", ts, conv, "lead-" + conv, std::move(channel), ""};
}
WaEvent msg(std::string id, std::int64_t ts, std::string conv, std::string sender) {
  return {std::move(id), "message", ts, std::move(conv), "", "", std::move(sender)};
}
WaEvent end(std::string id, std::int64_t ts, std::string conv) {
  return {std::move(id), "conversation_ended", ts, std::move(conv), "", "", ""};
}

class WhatsappWindowTest : public ::testing::Test {
 protected:
  void ingest(const std::vector<WaEvent>& events) {
    std::vector<sdk::Event> out;
    for (const auto& e : events) out.push_back(to_event(e));
    store_.ingest(out, testing::shipped_analyzer());
  }
  nlohmann::json report(std::int64_t from, std::int64_t to, std::int64_t now,
                        std::int64_t limit = 500) {
    return whatsapp_window_report(store_, calendar_, "t1",
                                  sdk::Window{from, to, "UTC", sdk::Interval::None}, now, limit);
  }
  testing::ConversationStore store_;
  testing::UtcCalendar calendar_;
};

TEST_F(WhatsappWindowTest, RandomConversationsMatchTheNaiveReference) {
  const std::vector<std::string> channels = {"", "whatsapp", "instagram", "", "web"};
  const std::vector<std::string> senders = {"lead", "lead", "assistant", "agent"};
  std::mt19937 rng(41);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  std::vector<WaEvent> events;
  auto id = [&] { return std::to_string(pick(100000)) + "_" + std::to_string(events.size()); };
  for (int c = 0; c < 160; ++c) {
    const std::string conv = "c" + std::to_string(c);
    if (c % 10 != 9)
      events.push_back(
          start(id(), T0 + pick(5) * H, conv, channels[static_cast<std::size_t>(pick(5))]));
    if (pick(4) == 0)
      events.push_back(start(id(), T0 + pick(200) * H, conv, "instagram"));  // repeat: ignored
    // Whole hours and half days: many gaps of exactly 24 h, and equal timestamps.
    std::int64_t ts = T0 + pick(48) * H;
    for (int m = 0, n = 1 + pick(8); m < n; ++m) {
      events.push_back(msg(id(), ts, conv, senders[static_cast<std::size_t>(pick(4))]));
      ts += pick(5) * 12 * H + (pick(6) == 0 ? 1 : 0);
    }
    if (pick(3) == 0) events.push_back(end(id(), ts + H, conv));
  }
  ingest(events);
  std::int64_t seen_outside = 0, seen_expired = 0, seen_risk = 0;
  for (int round = 0; round < 12; ++round) {
    const std::int64_t from = T0 + pick(72) * H, to = from + (1 + pick(6)) * D;
    const std::int64_t now = from + pick(10 * 24) * H + pick(2) * 30 * 60'000;
    SCOPED_TRACE("round " + std::to_string(round));
    const auto want = testing::naive_whatsapp(events, from, to, now);
    const auto got = report(from, to, now);
    EXPECT_EQ(got["business_messages"], want.business);
    EXPECT_EQ(got["outside_window"], want.outside);
    EXPECT_EQ(got["expired_conversations"], want.expired);
    ASSERT_EQ(got["at_risk_total"], want.at_risk.size());
    for (std::size_t i = 0; i < want.at_risk.size(); ++i) {
      EXPECT_EQ(got["at_risk"][i]["conversation_id"], want.at_risk[i].conv);
      EXPECT_EQ(got["at_risk"][i]["lead_id"], want.at_risk[i].lead);
      EXPECT_EQ(got["at_risk"][i]["window_closes_at"],
                calendar_.format_utc(want.at_risk[i].last_lead + D));
    }
    seen_outside += want.outside;
    seen_expired += want.expired;
    seen_risk += static_cast<std::int64_t>(want.at_risk.size());
  }
  EXPECT_GT(seen_outside, 0);
  EXPECT_GT(seen_expired, 0);
  EXPECT_GT(seen_risk, 0);
}

TEST_F(WhatsappWindowTest, BusinessMessageExactlyTwentyFourHoursLaterIsInside) {
  ingest({start("s1", T0, "c1"), msg("l1", T0 + H, "c1", "lead"),
          msg("b1", T0 + H + D, "c1", "assistant"),  // exactly 24 h: inside
          msg("b2", T0 + H + D + 1, "c1", "agent"),  // 1 ms later: outside
          start("s2", T0, "c2"), msg("l2", T0 + 3 * D, "c2", "lead"),
          msg("b3", T0 + 3 * D, "c2", "assistant"),  // same millisecond: inside
          start("s3", T0, "c3", "instagram"),
          msg("b4", T0 + 2 * D, "c3", "assistant"),               // not WhatsApp
          msg("b5", T0 + 2 * D, "never-started", "assistant")});  // no channel
  const auto j = report(T0, T0 + 5 * D, T0 + 6 * D);
  EXPECT_EQ(j["business_messages"], 3);
  EXPECT_EQ(j["outside_window"], 1);
  EXPECT_DOUBLE_EQ(j["outside_share"].get<double>(), 1.0 / 3.0);
  // c1's lead message got b1 exactly 24 h later: not expired. c2 was answered at once.
  EXPECT_EQ(j["expired_conversations"], 0);
}

TEST_F(WhatsappWindowTest, ExpiryCountsUnansweredAndLateReplies) {
  ingest({start("s1", T0, "late"), msg("l1", T0 + H, "late", "lead"),
          msg("b1", T0 + H + D + 1, "late", "agent"), start("s2", T0, "open"),
          msg("l2", T0 + H, "open", "lead"),  // never answered
          start("s3", T0, "fresh"),
          msg("l3", T0 + 4 * D, "fresh", "lead"),  // 24 h pass exactly at `to`
          // Lead message near the end of W, answered 30 h later: after the rows read for W.
          start("s4", T0, "beyond"), msg("l4", T0 + 5 * D - H, "beyond", "lead"),
          msg("b4", T0 + 6 * D + 5 * H, "beyond", "assistant")});
  const auto j = report(T0, T0 + 5 * D, T0 + 9 * D);
  EXPECT_EQ(j["expired_conversations"], 3);  // late, open, beyond; not fresh (exactly 24 h)
  // With now earlier than `to`, unanswered messages have waited less (cutoff = now): "open" has
  // not expired yet; stored late replies still count ("late", "beyond").
  EXPECT_EQ(report(T0, T0 + 5 * D, T0 + D)["expired_conversations"], 2);
}

TEST_F(WhatsappWindowTest, AConversationAtRiskLeavesTheListOnceAnswered) {
  const std::int64_t now = T0 + 10 * D;
  ingest({start("s1", T0, "risk"), msg("l1", now - 23 * H, "risk", "lead"),
          start("s2", T0, "later"), msg("l2", now - 22 * H - 30 * 60'000, "later", "lead"),
          start("s3", T0, "closed"),
          msg("l3", now - 24 * H, "closed", "lead"),  // closes exactly now
          start("s4", T0, "far"),
          msg("l4", now - 22 * H + 1, "far", "lead"),  // closes after now + 2 h
          start("s5", T0, "ended"), msg("l5", now - 23 * H, "ended", "lead"),
          end("e5", now - 23 * H, "ended"), start("s6", T0, "ig", "instagram"),
          msg("l6", now - 23 * H, "ig", "lead")});
  auto j = report(now - D, now, now, 1);
  EXPECT_EQ(j["at_risk_total"], 2);
  ASSERT_EQ(j["at_risk"].size(), 1u);  // limit 1: the soonest
  EXPECT_EQ(j["at_risk"][0]["conversation_id"], "risk");
  EXPECT_EQ(j["at_risk"][0]["lead_id"], "lead-risk");
  EXPECT_EQ(j["at_risk"][0]["window_closes_at"], calendar_.format_utc(now + H));
  ingest({msg("b1", now - H, "risk", "assistant")});  // answered: the window reopens
  j = report(now - D, now, now);
  ASSERT_EQ(j["at_risk_total"], 1);
  EXPECT_EQ(j["at_risk"][0]["conversation_id"], "later");
}

TEST(WhatsappJudge, EqualTimestampsCountTheLeadFirst) {
  const WindowBounds b{0, 10 * D, 10 * D, 11 * D};
  const auto v = judge_conversation({{5 * D, false}, {5 * D, true}}, b);
  EXPECT_EQ(v.business_messages, 1);
  EXPECT_EQ(v.outside_window, 0);
  EXPECT_FALSE(v.expired);
}

}  // namespace
}  // namespace zaplify::conversation
