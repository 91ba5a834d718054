// Trigger selection (reply_triggers.h): hand-worked edges (ties at one millisecond, lead messages
// before and at the conversation's start, a conversation never started), random conversations
// against the naive reference, and the reply_triggers projection (ingest in shuffled random
// batches, and a replay with seq horizons) against the same reference over all events.

#include "reply_triggers.h"

#include <gtest/gtest.h>

#include <random>

#include "fixtures.h"
#include "metrics_store.h"
#include "naive_business_hours.h"

namespace zaplify::metrics::testing {
namespace {

using Triggers = std::vector<std::optional<std::int64_t>>;
const std::nullopt_t none = std::nullopt;

ConversationMessage lead(std::int64_t ts, std::string id = "") {
  return {ts, std::move(id), Sender::Lead};
}
ConversationMessage bot(std::int64_t ts, std::string id = "") {
  return {ts, std::move(id), Sender::Assistant};
}
ConversationMessage human(std::int64_t ts, std::string id = "") {
  return {ts, std::move(id), Sender::Agent};
}

TEST(ReplyTriggers, EarliestLeadMessageSinceThePreviousReply) {
  // L1 L2 R1 L3 R2 R3(agent): R1 ← L1 (the earliest waiting), R2 ← L3, R3 has none.
  const std::vector<ConversationMessage> m = {lead(10), lead(20), bot(30),
                                              lead(40), bot(50),  human(60)};
  EXPECT_EQ(select_triggers(m, 0), (Triggers{none, none, 10, none, 40, none}));
  // Input order does not matter.
  const std::vector<ConversationMessage> shuffled = {human(60), bot(50),  lead(20),
                                                     bot(30),   lead(40), lead(10)};
  EXPECT_EQ(select_triggers(shuffled, 0), (Triggers{none, 40, none, 10, none, none}));
}

TEST(ReplyTriggers, SameMillisecondEdges) {
  // A lead message in the reply's millisecond is its trigger (business time 0).
  EXPECT_EQ(select_triggers({lead(10), bot(10)}, std::nullopt), (Triggers{none, 10}));
  // Two replies in one millisecond: ordered by id; the second's previous reply is the first, so
  // the lead message (strictly after it is required) cannot serve twice.
  EXPECT_EQ(select_triggers({bot(30, "b"), bot(30, "a"), lead(20)}, std::nullopt),
            (Triggers{none, 20, none}));
  EXPECT_EQ(select_triggers({lead(30), bot(30, "a"), human(30, "b")}, std::nullopt),
            (Triggers{none, 30, none}));
  // A lead message in the previous reply's millisecond is not after it.
  EXPECT_EQ(select_triggers({lead(5), bot(20, "a"), lead(20), bot(40, "b")}, std::nullopt),
            (Triggers{none, 5, none, none}));
}

TEST(ReplyTriggers, ConversationStartBoundsTheFirstReply) {
  // Lead messages before the start never trigger; one in the start's millisecond does.
  EXPECT_EQ(select_triggers({lead(5), bot(20)}, 10), (Triggers{none, none}));
  EXPECT_EQ(select_triggers({lead(5), lead(10), bot(20)}, 10), (Triggers{none, none, 10}));
  EXPECT_EQ(select_triggers({lead(5), lead(12), bot(20)}, 10), (Triggers{none, none, 12}));
  // A reply before the start (data out of step): the start still bounds the next one.
  EXPECT_EQ(select_triggers({bot(1), lead(5), lead(15), bot(20)}, 10),
            (Triggers{none, none, none, 15}));
  // Never started: only the previous reply bounds.
  EXPECT_EQ(select_triggers({lead(5), bot(20)}, std::nullopt), (Triggers{none, 5}));
  EXPECT_EQ(select_triggers({}, 10), Triggers{});
}

std::vector<sdk::Event> random_conversations(std::uint32_t seed, int conversations) {
  std::mt19937 rng(seed);
  auto uni = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  const char* senders[] = {"lead", "lead", "assistant", "agent"};
  std::vector<sdk::Event> out;
  int n = 0;
  auto id = [&] {
    return "e" + std::to_string(uni(0, 9)) + "-" + std::to_string(n++);
  };  // ids not in time order
  for (int c = 0; c < conversations; ++c) {
    const std::string conv = "c" + std::to_string(c);
    const std::int64_t start = T0 + uni(0, 3 * kDay);
    if (c % 7 != 6) out.push_back(started(id(), start, conv, "L", "a1"));  // some never start
    if (uni(0, 4) == 0) out.push_back(started(id(), start + uni(-kHour, kHour), conv, "L", "a2"));
    std::int64_t t = uni(0, 2) == 0 ? start : start + uni(-2 * kMin, kMin);  // often the start's ms
    for (int m = static_cast<int>(uni(1, 14)); m > 0; --m) {
      t += uni(0, 3) == 0 ? 0 : uni(0, 20 * kMin);  // many messages share a millisecond
      out.push_back(message(id(), t, conv, senders[uni(0, 3)]));
    }
  }
  std::shuffle(out.begin(), out.end(), rng);
  return out;
}

std::pair<std::vector<naive::Msg>, std::vector<naive::Start>> naive_of(
    const std::vector<sdk::Event>& events) {
  std::vector<naive::Msg> msgs;
  std::vector<naive::Start> starts;
  for (const auto& e : events) {
    if (e.type == "message") msgs.push_back({e.conversation_id, e.id, e.ts_ms, e.sender});
    if (e.type == "conversation_started") starts.push_back({e.conversation_id, e.ts_ms});
  }
  return {msgs, starts};
}

TEST(ReplyTriggers, MatchesTheNaiveReferenceOnRandomConversations) {
  for (std::uint32_t seed = 1; seed <= 20; ++seed) {
    const auto events = random_conversations(seed, 30);
    const auto [msgs, starts] = naive_of(events);
    const auto want = naive::triggers(msgs, starts);
    std::map<std::string, std::vector<ConversationMessage>> by_conv;
    std::map<std::string, std::optional<std::int64_t>> start_of;
    for (const auto& m : msgs) by_conv[m.conv].push_back({m.ts, m.id, *parse_sender(m.sender)});
    for (const auto& s : starts)
      if (!start_of[s.conv] || s.ts < *start_of[s.conv]) start_of[s.conv] = s.ts;
    for (const auto& [conv, list] : by_conv) {
      const auto got = select_triggers(list, start_of[conv]);
      for (std::size_t i = 0; i < list.size(); ++i)
        if (list[i].sender != Sender::Lead) {
          ASSERT_EQ(got[i], want.at(list[i].id)) << "seed " << seed << " " << list[i].id;
        }
    }
  }
}

std::map<std::string, std::optional<std::int64_t>> stored_triggers(const MetricsStore& store,
                                                                   std::size_t& rows) {
  std::map<std::string, std::optional<std::int64_t>> out;
  rows = 0;
  store.query("SELECT event_id, trigger_ts FROM metrics_reply_triggers WHERE tenant_id = 't1'", {},
              [&](const sdk::Row& r) {
                ++rows;
                out[std::string(r.text(0))] =
                    r.is_null(1) ? std::nullopt : std::optional<std::int64_t>(r.int64(1));
              });
  return out;
}

TEST(ReplyTriggers, ProjectionMatchesTheReferenceAfterShuffledBatches) {
  for (std::uint32_t seed = 1; seed <= 6; ++seed) {
    MetricsStore store;
    store.migrate();
    auto events = random_conversations(seed, 60);
    std::mt19937 rng(seed);
    for (int d = 0; d < 20; ++d) events.push_back(events[rng() % events.size()]);  // duplicates
    for (std::size_t i = 0; i < events.size();) {
      const std::size_t k = std::min<std::size_t>(events.size() - i, 1 + rng() % 40);
      store.ingest({events.begin() + static_cast<std::ptrdiff_t>(i),
                    events.begin() + static_cast<std::ptrdiff_t>(i + k)});
      i += k;
    }
    const auto [msgs, starts] = naive_of(events);
    const auto want = naive::triggers(msgs, starts);
    std::size_t rows = 0;
    const auto got = stored_triggers(store, rows);
    EXPECT_EQ(rows, want.size()) << "one row per reply";
    EXPECT_EQ(got, want) << "seed " << seed;
  }
}

// The host's replay: events stored first (ids as seq order), then applied chunk by chunk with
// seq_horizon = the chunk's last seq; later events are in the table and must be left out.
TEST(ReplyTriggers, ReplayWithSeqHorizonMatchesTheReference) {
  MetricsStore store;
  store.migrate();
  auto events = random_conversations(99, 80);
  store.insert_events_only(events);  // seq = 1..n in this order (ids are unique)
  for (std::size_t i = 0; i < events.size(); i += 50) {
    const std::size_t end = std::min(events.size(), i + 50);
    const std::vector<sdk::Event> chunk(events.begin() + static_cast<std::ptrdiff_t>(i),
                                        events.begin() + static_cast<std::ptrdiff_t>(end));
    store.exec_script("BEGIN");
    update_reply_triggers(sdk::IngestBatch{"t1", &chunk, true, static_cast<std::int64_t>(end)},
                          store);
    store.exec_script("COMMIT");
    const std::vector<sdk::Event> seen(events.begin(),
                                       events.begin() + static_cast<std::ptrdiff_t>(end));
    const auto [msgs, starts] = naive_of(seen);
    std::size_t rows = 0;
    ASSERT_EQ(stored_triggers(store, rows), naive::triggers(msgs, starts))
        << "after " << end << " events";
  }
}

}  // namespace
}  // namespace zaplify::metrics::testing
