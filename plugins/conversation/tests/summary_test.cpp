// The per-conversation path (the host's conversations relation and this plugin's score sums:
// ingest-time upserts, backfill, re-scoring) against a naive recomputation straight from the event
// list, on shuffled, duplicated, out-of-order batches.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>

#include "conversation_store.h"
#include "conversation_summary.h"
#include "store_queries.h"
#include "test_support.h"
#include "time_format.h"

namespace zaplify::conversation {
namespace {

using namespace testing;

// Naive reference: every conversation with a start, from the distinct events (first copy of an
// id wins, as in the store).
std::map<std::string, ConversationFacts> naive_facts(const std::vector<sdk::Event>& arrived,
                                                     std::int64_t from, std::int64_t to) {
  std::map<std::string, const sdk::Event*> by_id;
  for (const auto& e : arrived) by_id.try_emplace(e.id, &e);
  std::vector<const sdk::Event*> ev;
  for (const auto& [id, e] : by_id) ev.push_back(e);
  auto earliest = [](const sdk::Event* a, const sdk::Event* b) {
    return !a || b->ts_ms < a->ts_ms || (b->ts_ms == a->ts_ms && b->id < a->id);
  };
  std::map<std::string, const sdk::Event*> start, end;
  for (const auto* e : ev) {
    if (e->type == "conversation_started" && earliest(start[e->conversation_id], e))
      start[e->conversation_id] = e;
    if (e->type == "conversation_ended" && earliest(end[e->conversation_id], e))
      end[e->conversation_id] = e;
  }
  std::map<std::string, ConversationFacts> out;
  for (const auto& [conv, s] : start) {
    if (s == nullptr || s->ts_ms < from || s->ts_ms >= to) continue;
    ConversationFacts f;
    f.conversation_id = conv;
    f.lead_id = s->lead_id;
    f.assistant_id = s->assistant_id;
    f.channel = s->channel;
    f.started_ms = s->ts_ms;
    if (end[conv]) {
      f.ended_ms = end[conv]->ts_ms;
      f.outcome = end[conv]->outcome;
    }
    double sum = 0;
    for (const auto* e : ev) {
      if (e->type != "message" || e->conversation_id != conv) continue;
      ++f.messages;
      if (e->sender != "lead") continue;
      ++f.lead_messages;
      sum += score_message(shipped_analyzer(), e->text).score;
      if (!f.first_lead_ms || e->ts_ms < *f.first_lead_ms) f.first_lead_ms = e->ts_ms;
    }
    if (f.lead_messages > 0) f.avg_sentiment = sum / static_cast<double>(f.lead_messages);
    for (const auto* e : ev)
      if (e->type == "message" && e->conversation_id == conv && e->sender != "lead" &&
          f.first_lead_ms && e->ts_ms >= *f.first_lead_ms &&
          (!f.first_response_ms || e->ts_ms < *f.first_response_ms))
        f.first_response_ms = e->ts_ms;
    out[conv] = f;
  }
  return out;
}

// Conversations with starts (some tied or later), lead messages before the start, greetings
// before the first lead message, replies on both sides of a late lead message, several ends.
std::vector<sdk::Event> random_history(std::mt19937& rng, int conversations) {
  const char* texts[] = {"ótimo, obrigado!", "this is terrible", "qual o preço?", "ok",
                         "péssimo 😡"};
  const char* senders[] = {"lead", "assistant", "agent", "lead"};
  const char* outcomes[] = {"resolved", "handoff", "abandoned"};
  std::vector<sdk::Event> ev;
  int id = 0;
  auto next_id = [&] {
    char b[16];
    std::snprintf(b, sizeof b, "e%05d", id++);
    return std::string(b);
  };
  for (int c = 0; c < conversations; ++c) {
    const std::string conv = "c" + std::to_string(c);
    const std::int64_t t0 = static_cast<std::int64_t>(rng() % 40) * 60000;
    if (rng() % 10 != 0)  // a few never start: messages only
      ev.push_back(started(next_id(), conv, t0, rng() % 2 ? "web" : "whatsapp",
                           "l" + std::to_string(c), rng() % 3 ? "a1" : ""));
    if (rng() % 3 == 0)
      ev.push_back(started(next_id(), conv, t0 + (rng() % 2) * 1000, "instagram"));
    const int n = static_cast<int>(rng() % 8);
    for (int m = 0; m < n; ++m)
      ev.push_back(message(next_id(), conv,
                           t0 - 5000 + static_cast<std::int64_t>(rng() % 60) * 1000,
                           senders[rng() % 4], texts[rng() % 5]));
    for (int k = static_cast<int>(rng() % 3); k > 0; --k)
      ev.push_back(ended(next_id(), conv, t0 + static_cast<std::int64_t>(rng() % 90) * 1000,
                         outcomes[rng() % 3]));
  }
  return ev;
}

// Arrival: shuffled, with re-sent duplicates, in batches of 1..9 events.
void ingest_shuffled(ConversationStore& store, std::vector<sdk::Event> ev, std::mt19937& rng,
                     std::vector<sdk::Event>& arrived) {
  const std::size_t n = ev.size();
  for (std::size_t i = 0; i < n / 4; ++i) ev.push_back(ev[rng() % n]);
  std::shuffle(ev.begin(), ev.end(), rng);
  arrived.insert(arrived.end(), ev.begin(), ev.end());
  for (std::size_t at = 0; at < ev.size();) {
    const std::size_t k = std::min<std::size_t>(ev.size() - at, 1 + rng() % 9);
    store.ingest({ev.begin() + static_cast<std::ptrdiff_t>(at),
                  ev.begin() + static_cast<std::ptrdiff_t>(at + k)},
                 shipped_analyzer());
    at += k;
  }
}

void expect_same_facts(const std::vector<ConversationFacts>& got,
                       const std::map<std::string, ConversationFacts>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    const auto& g = got[i];
    if (i > 0) {  // export order: start, then id
      const auto& p = got[i - 1];
      EXPECT_TRUE(p.started_ms < g.started_ms ||
                  (p.started_ms == g.started_ms && p.conversation_id < g.conversation_id));
    }
    auto it = want.find(g.conversation_id);
    ASSERT_NE(it, want.end()) << g.conversation_id;
    const auto& w = it->second;
    EXPECT_EQ(g.lead_id, w.lead_id) << w.conversation_id;
    EXPECT_EQ(g.assistant_id, w.assistant_id) << w.conversation_id;
    EXPECT_EQ(g.channel, w.channel) << w.conversation_id;
    EXPECT_EQ(g.started_ms, w.started_ms) << w.conversation_id;
    EXPECT_EQ(g.ended_ms, w.ended_ms) << w.conversation_id;
    EXPECT_EQ(g.outcome, w.outcome) << w.conversation_id;
    EXPECT_EQ(g.messages, w.messages) << w.conversation_id;
    EXPECT_EQ(g.lead_messages, w.lead_messages) << w.conversation_id;
    EXPECT_EQ(g.first_lead_ms, w.first_lead_ms) << w.conversation_id;
    EXPECT_EQ(g.first_response_ms, w.first_response_ms) << w.conversation_id;
    ASSERT_EQ(g.avg_sentiment.has_value(), w.avg_sentiment.has_value()) << w.conversation_id;
    if (w.avg_sentiment) {
      EXPECT_NEAR(*g.avg_sentiment, *w.avg_sentiment, 1e-9) << w.conversation_id;
    }
  }
}

TEST(Summary, IngestedOutOfOrderMatchesNaive) {
  std::int64_t undecided = 0;  // rows whose first response the readers recompute from events
  for (unsigned seed = 1; seed <= 8; ++seed) {
    std::mt19937 rng(seed);
    ConversationStore store;
    std::vector<sdk::Event> arrived;
    ingest_shuffled(store, random_history(rng, 80), rng, arrived);
    for (auto [from, to] :
         {std::pair<std::int64_t, std::int64_t>{-100000, 4000000}, {600000, 1200000}}) {
      SCOPED_TRACE("seed " + std::to_string(seed));
      expect_same_facts(load_conversations(store, "t1", from, to), naive_facts(arrived, from, to));
    }
    store.query("SELECT COUNT(*) FROM conversations WHERE reply_dirty = 1", {},
                [&](const sdk::Row& r) { undecided += r.int64(0); });
  }
  EXPECT_GT(undecided, 0);  // the data exercises that path too
}

TEST(Summary, ScoreSumsBackfilledFromStoredScoresMatchNaive) {
  std::mt19937 rng(42);
  ConversationStore store;
  std::vector<sdk::Event> arrived;
  ingest_shuffled(store, random_history(rng, 80), rng, arrived);
  store.exec_script("DELETE FROM conv_scores");
  store.exec_script(score_sums_migration(4).sql);  // the backfill half of the migration
  expect_same_facts(load_conversations(store, "t1", -100000, 4000000),
                    naive_facts(arrived, -100000, 4000000));
}

TEST(Summary, LateEarlierLeadMessageNeedsTheEvents) {
  // Replies at 10 s and 30 s are stored first; then a lead message at 20 s arrives, then one at 5
  // s.
  ConversationStore store;
  store.ingest({started("s", "c", 0), message("r1", "c", 10000, "assistant", "hi"),
                message("r2", "c", 30000, "agent", "there")},
               shipped_analyzer());
  store.ingest({message("l1", "c", 20000, "lead", "oi")}, shipped_analyzer());
  auto got = load_conversations(store, "t1", 0, 100000);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].first_lead_ms, 20000);
  EXPECT_EQ(got[0].first_response_ms, 30000);  // the 10 s reply came before the lead message
  store.ingest({message("l0", "c", 5000, "lead", "olá")}, shipped_analyzer());
  got = load_conversations(store, "t1", 0, 100000);
  EXPECT_EQ(got[0].first_lead_ms, 5000);
  EXPECT_EQ(got[0].first_response_ms, 10000);
  EXPECT_EQ(got[0].messages, 4);
  EXPECT_EQ(got[0].lead_messages, 2);
}

TEST(Summary, RescoringMovesTheAverage) {
  ConversationStore store;
  store.ingest({started("s", "c", 0), message("m1", "c", 1, "lead", "zaplifyzz"),
                message("m2", "c", 2, "lead", "ok")},
               shipped_analyzer());
  ASSERT_DOUBLE_EQ(*load_conversations(store, "t1", 0, 10)[0].avg_sentiment, 0.0);
  auto changed = std::make_shared<Lexicon>(*shipped_data().lexicon);
  changed->add_tsv("zaplifyzz\t4\n", "extra.tsv");
  auto analyzer = std::make_shared<SentimentAnalyzer>(changed);
  Rescorer r(
      analyzer, store, [&store](const WriteWork& work) { work(store); }, [](const std::string&) {});
  r.start("changed");
  r.wait();
  const double want = (analyzer->score("zaplifyzz") + analyzer->score("ok")) / 2;
  EXPECT_GT(want, 0.1);
  EXPECT_NEAR(*load_conversations(store, "t1", 0, 10)[0].avg_sentiment, want, 1e-12);
}

// Collects the data source's rows as text.
struct CollectSink final : sdk::RowSink {
  std::vector<std::vector<sdk::Value>> rows;
  void row(const std::vector<sdk::Value>& cells) override { rows.push_back(cells); }
};

TEST(Summary, ConversationsDataSourceRows) {
  std::mt19937 rng(7);
  ConversationStore store;
  std::vector<sdk::Event> arrived;
  ingest_shuffled(store, random_history(rng, 50), rng, arrived);
  UtcCalendar cal;
  sdk::DataSourceRequest req{"t1", sdk::Window{-100000, 4000000, "UTC", sdk::Interval::None}, {}};
  CollectSink sink;
  produce_conversations(store, cal, req, sink);
  const auto want = naive_facts(arrived, -100000, 4000000);
  ASSERT_EQ(sink.rows.size(), want.size());
  for (const auto& row : sink.rows) {
    ASSERT_EQ(row.size(), 9u);
    const auto& w = want.at(std::get<std::string>(row[0]));
    EXPECT_EQ(std::get<std::string>(row[1]), w.lead_id);
    if (w.assistant_id.empty()) {
      EXPECT_TRUE(sdk::is_null(row[2]));
    } else {
      EXPECT_EQ(std::get<std::string>(row[2]), w.assistant_id);
    }
    EXPECT_EQ(std::get<std::string>(row[3]), w.channel);
    EXPECT_EQ(std::get<std::string>(row[4]), cal.format_utc(w.started_ms));
    if (w.ended_ms) {
      EXPECT_EQ(std::get<std::string>(row[5]), cal.format_utc(*w.ended_ms));
    } else {
      EXPECT_TRUE(sdk::is_null(row[5]));
    }
    EXPECT_EQ(std::get<std::string>(row[6]), w.ended_ms ? w.outcome : "open");
    EXPECT_EQ(std::get<std::int64_t>(row[7]), w.messages);
    if (w.avg_sentiment) {
      EXPECT_NEAR(std::get<double>(row[8]), *w.avg_sentiment, 1e-9);
    } else {
      EXPECT_TRUE(sdk::is_null(row[8]));
    }
  }
}

TEST(TimeFormat, MatchesStrftimeWithMilliseconds) {
  UtcCalendar cal;
  std::mt19937_64 rng(3);
  std::string got;
  for (int i = 0; i < 20000; ++i) {
    // 1900..2200, and a few exact seconds
    std::int64_t ms = static_cast<std::int64_t>(rng() % 9467280000000ull) - 2208988800000ll;
    if (i % 7 == 0) ms -= ((ms % 1000) + 1000) % 1000;
    ASSERT_TRUE(format_utc_ms(ms, got));
    std::string want = cal.format_utc(ms - (((ms % 1000) + 1000) % 1000));  // whole seconds, "…Z"
    const std::int64_t milli = ((ms % 1000) + 1000) % 1000;
    if (milli != 0) {
      char b[8];
      std::snprintf(b, sizeof b, ".%03d", static_cast<int>(milli));
      want.insert(want.size() - 1, b);
    }
    ASSERT_EQ(got, want) << ms;
  }
  EXPECT_FALSE(format_utc_ms(400000000000000ll, got));  // year > 9999
}

}  // namespace
}  // namespace zaplify::conversation
