#include <gtest/gtest.h>

#include <map>
#include <set>

#include "demo/demo_generator.h"
#include "ingest/ingest_service.h"
#include "storage/tests/test_db.h"

namespace zaplify::core {
namespace {

using json = nlohmann::json;
constexpr std::int64_t kEnd = 20777ll * 86400000;  // 2026-11-20T00:00:00Z

std::vector<json> all_events(const DemoOptions& o) {
  DemoGenerator g(o);
  std::vector<json> out, batch;
  while (g.next_batch(batch, 333)) out.insert(out.end(), batch.begin(), batch.end());
  EXPECT_EQ(g.produced(), out.size());
  return out;
}

TEST(DemoGenerator, DeterministicValidAndVaried) {
  DemoOptions o;
  o.leads = 400;
  o.days = 20;
  o.end_ms = kEnd;
  auto a = all_events(o), b = all_events(o);
  ASSERT_EQ(a, b);
  EXPECT_GT(a.size(), 400u * 6);
  EXPECT_LT(a.size(), 400u * 16);
  std::map<std::string, int> types;
  std::set<std::string> ids, assistants, channels, senders, outcomes;
  int pt = 0, null_assistant = 0;
  for (const auto& e : a) {
    sdk::Event ev;
    ASSERT_EQ(validate_event(e, IngestCaller{"demo", false}, kEnd, 90, ev), "") << e.dump();
    EXPECT_LT(ev.ts_ms, kEnd);
    EXPECT_TRUE(ids.insert(ev.id).second);
    ++types[ev.type];
    if (ev.type == "conversation_started") {
      if (ev.assistant_id.empty())
        ++null_assistant;
      else
        assistants.insert(ev.assistant_id);
      channels.insert(ev.channel);
    }
    if (ev.type == "message") {
      senders.insert(ev.sender);
      if (ev.text.find("ç") != std::string::npos || ev.text.find("ã") != std::string::npos) ++pt;
    }
    if (ev.type == "conversation_ended") outcomes.insert(ev.outcome);
  }
  EXPECT_EQ(types["funnel_defined"], 3);
  EXPECT_EQ(types["lead_created"], 400);
  EXPECT_GT(types["stage_changed"], 400);
  EXPECT_EQ(assistants.size(), 4u);
  EXPECT_GT(null_assistant, 0);
  EXPECT_EQ(senders, (std::set<std::string>{"lead", "assistant", "agent"}));
  EXPECT_EQ(outcomes, (std::set<std::string>{"resolved", "handoff", "abandoned"}));
  EXPECT_GE(channels.size(), 3u);
  EXPECT_GT(pt, 0);
  EXPECT_LT(types["conversation_ended"], types["conversation_started"]);  // some stay open
  o.seed = 7;
  EXPECT_NE(all_events(o), a);
}

// The WhatsApp 24-hour window (docs/api.md, GET /analytics/conversations/whatsapp-window) has
// cases to show: replies after 24 hours, and lead messages whose window closes within two hours of
// the demo's end (its "now" when loaded).
TEST(DemoGenerator, WhatsAppWindowCases) {
  DemoOptions o;
  o.leads = 400;
  o.days = 20;
  o.end_ms = kEnd;
  std::map<std::string, std::int64_t> last_lead;  // conversation → its latest lead message so far
  std::map<std::string, bool> answered;
  int late_replies = 0, waiting = 0;
  for (const auto& e : all_events(o)) {
    sdk::Event ev;
    ASSERT_EQ(validate_event(e, IngestCaller{"demo", false}, kEnd, 90, ev), "");
    if (ev.type != "message") continue;
    if (ev.sender == "lead") {
      last_lead[ev.conversation_id] = ev.ts_ms;
      answered[ev.conversation_id] = false;
    } else if (last_lead.count(ev.conversation_id)) {
      late_replies += ev.ts_ms - last_lead[ev.conversation_id] > 24 * 3'600'000;
      answered[ev.conversation_id] = true;
    }
  }
  for (const auto& [conv, ts] : last_lead)
    waiting += !answered[conv] && kEnd - ts > 22 * 3'600'000 && kEnd - ts < 24 * 3'600'000;
  EXPECT_GT(late_replies, 5);
  EXPECT_GT(waiting, 2);
}

TEST(DemoGenerator, LoadsThroughIngestion) {
  testing::TempDatabase tmp("sqlite");
  IngestService svc(tmp.db(), IngestSettings{}, nullptr);
  DemoOptions o;
  o.leads = 300;
  o.end_ms = kEnd;
  const auto expected = all_events(o).size();
  EXPECT_EQ(load_demo_data(svc, o), static_cast<std::int64_t>(expected));
  std::int64_t stored = 0;
  tmp.db().query("SELECT COUNT(*) FROM events WHERE tenant_id = ?", {sdk::Value("demo")},
                 [&](const sdk::Row& r) { stored = r.int64(0); });
  EXPECT_EQ(stored, static_cast<std::int64_t>(expected));
  EXPECT_EQ(load_demo_data(svc, o), 0);  // idempotent: the same ids again are duplicates
}

}  // namespace
}  // namespace zaplify::core
