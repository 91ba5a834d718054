// The host's conversations relation (conversations/conversation_state.h) on real SQLite and
// PostgreSQL: kept by ingestion through shuffled, split and repeated batches, and rebuilt from the
// stored events by its migration, it equals a naive recomputation from the events.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "conversations/conversation_state.h"
#include "ingest/chunk_writer.h"
#include "storage/core_writer.h"
#include "storage/tests/test_db.h"
#include "zaplify/sdk/host_tables.h"

namespace zaplify::core {
namespace {

using testing::TempDatabase;

struct Expected {
  std::int64_t start_ts = sdk::kNoInstant;
  std::string start_id, lead_id, assistant_id, channel;
  std::int64_t end_ts = sdk::kNoInstant;
  std::string end_id, outcome;
  std::int64_t messages = 0, lead_messages = 0;
  std::int64_t first_lead_ts = sdk::kNoInstant, first_reply_ts = sdk::kNoInstant;
  std::int64_t min_reply_ts = sdk::kNoInstant, max_reply_ts = sdk::kNoInstantMin;
  std::int64_t last_ts = sdk::kNoInstantMin;
};

// Straight from the definitions in sdk/host_tables.h, one event at a time.
std::map<std::string, Expected> naive(const std::vector<sdk::Event>& events) {
  std::map<std::string, Expected> out;
  for (const auto& e : events) {
    if (e.conversation_id.empty()) continue;
    if (e.type != "message" && e.type != "conversation_started" && e.type != "conversation_ended")
      continue;
    Expected& x = out[e.conversation_id];
    x.last_ts = std::max(x.last_ts, e.ts_ms);
    if (e.type == "conversation_started" &&
        (e.ts_ms < x.start_ts || (e.ts_ms == x.start_ts && e.id < x.start_id))) {
      x.start_ts = e.ts_ms, x.start_id = e.id, x.lead_id = e.lead_id,
      x.assistant_id = e.assistant_id;
      x.channel = e.channel.empty() ? "whatsapp" : e.channel;
    } else if (e.type == "conversation_ended" &&
               (e.ts_ms < x.end_ts || (e.ts_ms == x.end_ts && e.id < x.end_id))) {
      x.end_ts = e.ts_ms, x.end_id = e.id, x.outcome = e.outcome;
    } else if (e.type == "message") {
      ++x.messages;
      if (e.sender == "lead")
        ++x.lead_messages, x.first_lead_ts = std::min(x.first_lead_ts, e.ts_ms);
      if (e.sender == "assistant" || e.sender == "agent")
        x.min_reply_ts = std::min(x.min_reply_ts, e.ts_ms),
        x.max_reply_ts = std::max(x.max_reply_ts, e.ts_ms);
    }
  }
  for (const auto& e : events)
    if (e.type == "message" && (e.sender == "assistant" || e.sender == "agent") &&
        out.count(e.conversation_id)) {
      Expected& x = out[e.conversation_id];
      if (e.ts_ms >= x.first_lead_ts) x.first_reply_ts = std::min(x.first_reply_ts, e.ts_ms);
    }
  return out;
}

// Few conversations, few distinct instants: ties in (ts), several starts and ends per
// conversation, messages before the start, replies before a late lead message.
std::vector<sdk::Event> random_events(std::mt19937& rng, const std::string& tenant, int n) {
  std::vector<sdk::Event> events;
  std::uniform_int_distribution<int> conv(0, 11), ts(0, 40), kind(0, 9), pick(0, 2);
  const char* senders[] = {"lead", "assistant", "agent"};
  const char* outcomes[] = {"resolved", "abandoned", "converted"};
  for (int i = 0; i < n; ++i) {
    sdk::Event e;
    e.tenant_id = tenant;
    e.id = "e" + std::to_string(rng() % 100000) + "-" + std::to_string(i);
    e.ts_ms = 1'700'000'000'000 + ts(rng) * 1000;
    e.conversation_id = "c" + std::to_string(conv(rng));
    const int k = kind(rng);
    if (k < 2) {
      e.type = "conversation_started";
      e.lead_id = "l" + std::to_string(pick(rng));
      e.assistant_id = pick(rng) == 0 ? "" : "a" + std::to_string(pick(rng));
      e.channel = pick(rng) == 0 ? "whatsapp" : "instagram";
    } else if (k < 3) {
      e.type = "conversation_ended";
      e.outcome = outcomes[pick(rng)];
    } else {
      e.type = "message";
      e.sender = senders[pick(rng)];
      e.text = "hi";
    }
    events.push_back(std::move(e));
  }
  sdk::Event lead;  // an event of another type never makes a row
  lead.tenant_id = tenant, lead.id = "lead-x", lead.type = "lead_created",
  lead.ts_ms = 1'700'000'000'000;
  lead.lead_id = "l1";
  events.push_back(lead);
  return events;
}

class ConversationStateTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ZAPLIFY_SKIP_WITHOUT_BACKEND(GetParam());
    tmp_ = std::make_unique<TempDatabase>(GetParam());
  }

  void ingest(const std::vector<sdk::Event>& events, std::mt19937& rng) {
    ChunkWriter writer(tmp_->db(), nullptr, nullptr, false, 16000);
    std::size_t at = 0;
    while (at < events.size()) {
      const std::size_t n = std::min<std::size_t>(events.size() - at, 1 + rng() % 25);
      IngestChunk c;
      c.tenant = events[at].tenant_id;
      c.events.assign(events.begin() + static_cast<long>(at),
                      events.begin() + static_cast<long>(at + n));
      writer.write(c);
      at += n;
    }
  }

  void expect_matches(const std::string& tenant, const std::vector<sdk::Event>& events) {
    const auto want = naive(events);
    std::size_t rows = 0;
    tmp_->db().query(
        "SELECT conversation_id, start_ts, start_id, lead_id, assistant_id, channel, end_ts, "
        "end_id, outcome,"
        " messages, lead_messages, first_lead_ts, first_reply_ts, min_reply_ts, max_reply_ts, "
        "last_ts,"
        " reply_dirty FROM conversations WHERE tenant_id = ?",
        {tenant}, [&](const sdk::Row& r) {
          ++rows;
          const std::string id(r.text(0));
          ASSERT_TRUE(want.count(id)) << id;
          const Expected& x = want.at(id);
          EXPECT_EQ(r.int64(1), x.start_ts) << id;
          EXPECT_EQ(r.text(2), x.start_id) << id;
          EXPECT_EQ(r.text(3), x.lead_id) << id;
          EXPECT_EQ(r.text(4), x.assistant_id) << id;
          EXPECT_EQ(r.text(5), x.channel) << id;
          EXPECT_EQ(r.int64(6), x.end_ts) << id;
          EXPECT_EQ(r.text(7), x.end_id) << id;
          EXPECT_EQ(r.text(8), x.outcome) << id;
          EXPECT_EQ(r.int64(9), x.messages) << id;
          EXPECT_EQ(r.int64(10), x.lead_messages) << id;
          EXPECT_EQ(r.int64(11), x.first_lead_ts) << id;
          if (r.int64(16) == 0) EXPECT_EQ(r.int64(12), x.first_reply_ts) << id;
          EXPECT_EQ(r.int64(13), x.min_reply_ts) << id;
          EXPECT_EQ(r.int64(14), x.max_reply_ts) << id;
          EXPECT_EQ(r.int64(15), x.last_ts) << id;
        });
    EXPECT_EQ(rows, want.size());
  }

  std::unique_ptr<TempDatabase> tmp_;
};

TEST_P(ConversationStateTest, IngestKeepsOneRowPerConversationEqualToTheEvents) {
  std::mt19937 rng(20261203);
  for (int round = 0; round < 6; ++round) {
    const std::string tenant = "t" + std::to_string(round);
    auto events = random_events(rng, tenant, 150);
    std::shuffle(events.begin(), events.end(), rng);
    auto sent = events;  // some batches arrive twice: duplicates change nothing
    sent.insert(sent.end(), events.begin(), events.begin() + 40);
    ingest(sent, rng);
    expect_matches(tenant, events);
  }
}

TEST_P(ConversationStateTest, TheMigrationRebuildsTheSameRowsFromStoredEvents) {
  std::mt19937 rng(7);
  auto events = random_events(rng, "t", 300);
  std::shuffle(events.begin(), events.end(), rng);
  ingest(events, rng);
  const auto dialect = GetParam() == "sqlite" ? sdk::Dialect::SQLite : sdk::Dialect::PostgreSQL;
  tmp_->db().write([&](sdk::SqlWriter& w) {
    w.execute("DROP TABLE conversations", {});
    dynamic_cast<CoreWriter&>(w).execute_script(conversations_schema_sql(dialect));
  });
  expect_matches("t", events);
}

TEST_P(ConversationStateTest, RetentionPurgesAConversationOnceAllOfItsEventsAreOlder) {
  std::mt19937 rng(1);
  auto at = [](const std::string& id, const std::string& conv, std::int64_t ts,
               const std::string& type) {
    sdk::Event e;
    e.tenant_id = "t", e.id = id, e.conversation_id = conv, e.ts_ms = ts, e.type = type;
    if (type == "message") e.sender = "lead";
    return e;
  };
  ingest({at("s1", "old", 1000, "conversation_started"), at("m1", "old", 2000, "message"),
          at("s2", "live", 1000, "conversation_started"), at("m2", "live", 9000, "message")},
         rng);
  tmp_->db().purge_events_before(5000);
  std::vector<std::string> left;
  tmp_->db().query("SELECT conversation_id FROM conversations", {},
                   [&](const sdk::Row& r) { left.emplace_back(r.text(0)); });
  EXPECT_EQ(left, std::vector<std::string>{"live"})
      << "a conversation with a newer event stays whole";
}

INSTANTIATE_TEST_SUITE_P(Backends, ConversationStateTest, ::testing::Values("sqlite", "postgresql"),
                         testing::backend_name);

}  // namespace
}  // namespace zaplify::core
