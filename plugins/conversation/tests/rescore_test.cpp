#include <gtest/gtest.h>

#include <future>

#include "conversation_store.h"
#include "test_support.h"

namespace zaplify::conversation {
namespace {

using namespace testing;

double stored_score(const ConversationStore& store, const std::string& id) {
  double v = -99;
  store.query("SELECT score FROM conv_message_scores WHERE tenant_id = 't1' AND event_id = ?", {id},
              [&](const sdk::Row& r) { v = r.number(0); });
  return v;
}

TEST(Rescorer, LexiconChangeRescoresInTheBackground) {
  ConversationStore store;
  store.ingest({message("m1", "c1", 1, "lead", "zaplifyzz is here"),
                message("m2", "c1", 2, "lead", "ótimo")},
               shipped_analyzer());
  EXPECT_EQ(stored_score(store, "m1"), 0.0);  // unknown word

  auto write = [&store](const WriteWork& work) { work(store); };
  auto log = [](const std::string&) {};
  {  // no fingerprint stored yet but rows exist: re-score to be safe
    Rescorer r(std::make_shared<SentimentAnalyzer>(shipped_data().lexicon), store, write, log);
    r.start(shipped_data().fingerprint);
    r.wait();
    EXPECT_EQ(r.rescored(), 2);
  }
  {  // same fingerprint: nothing to do
    Rescorer r(std::make_shared<SentimentAnalyzer>(shipped_data().lexicon), store, write, log);
    r.start(shipped_data().fingerprint);
    r.wait();
    EXPECT_EQ(r.rescored(), 0);
  }
  auto changed = std::make_shared<Lexicon>(*shipped_data().lexicon);
  changed->add_tsv("zaplifyzz\t4\n", "extra.tsv");
  ASSERT_NE(changed->fingerprint(), shipped_data().lexicon->fingerprint());
  auto analyzer = std::make_shared<SentimentAnalyzer>(changed);
  Rescorer r(analyzer, store, write, log);
  r.start("changed");
  r.wait();
  EXPECT_EQ(r.rescored(), 2);
  EXPECT_DOUBLE_EQ(stored_score(store, "m1"), analyzer->score("zaplifyzz is here"));
  EXPECT_GT(stored_score(store, "m1"), 0.5);
  std::string fp;
  store.query("SELECT fingerprint FROM conv_lexicon_state", {},
              [&](const sdk::Row& row) { fp = std::string(row.text(0)); });
  EXPECT_EQ(fp, "changed");
}

// The server's ingest records the lexicons it scores with, so a rescorer whose first check comes
// after the first ingest (it waits for the migrations; on PostgreSQL that can take a while) finds
// nothing to re-score, and does not drop the tenant's freshly cached answers.
TEST(Rescorer, ScoresOfAnIngestBeforeTheFirstCheckAreNotRescored) {
  ConversationStore store;
  auto override_lexicon = std::make_shared<Lexicon>(*shipped_data().lexicon);
  override_lexicon->add_tsv("zaplifyzz\t4\n", "t2.tsv");
  SentimentAnalyzers analyzers(std::make_shared<SentimentAnalyzer>(shipped_data().lexicon),
                               {{"t2", {override_lexicon, "t2-fp"}}});
  auto ingest = [&](const std::vector<sdk::Event>& events) {
    static_cast<testkit::SqliteStore&>(store).ingest(
        events, {[&](const sdk::IngestBatch& b, sdk::SqlWriter& w) {
          score_batch(analyzers, b, w);
          note_scoring_lexicons(analyzers, shipped_data().fingerprint, b, w);
        }});
  };
  ingest(
      {message("m1", "c1", 1, "lead", "ótimo"), message("m2", "c2", 2, "lead", "zaplifyzz", "t2")});
  ingest({message("m3", "c1", 3, "lead", "péssimo")});  // recorded already: left as it is

  std::vector<std::string> invalidated;
  Rescorer r(
      std::make_shared<const SentimentAnalyzers>(analyzers), store,
      [&store](const WriteWork& work) { work(store); }, [](const std::string&) {});
  r.on_tenant_rescored([&](const std::string& tenant) { invalidated.push_back(tenant); });
  r.start(shipped_data().fingerprint);
  r.wait();
  EXPECT_EQ(r.rescored(), 0);
  EXPECT_TRUE(invalidated.empty());

  Rescorer changed(
      std::make_shared<const SentimentAnalyzers>(analyzers), store,
      [&store](const WriteWork& work) { work(store); }, [](const std::string&) {});
  changed.start("another lexicon");  // a recorded fingerprint is never taken for the current one
  changed.wait();
  EXPECT_EQ(changed.rescored(), 3);
}

// stop() abandons a pass between chunks instead of finishing it (it runs at plugin unload and
// reload), leaves the old fingerprint so that the next start() re-scores again, and is idempotent.
TEST(Rescorer, StopAbandonsAPassBetweenChunksAndTheNextStartRedoesIt) {
  ConversationStore store;
  constexpr int kMessages = 10 * 2000;  // ten re-scoring chunks
  std::vector<sdk::Event> events;
  for (int i = 0; i < kMessages; ++i)
    events.push_back(
        message("m" + std::to_string(i), "c" + std::to_string(i % 50), i, "lead", "ótimo"));
  store.ingest(events, shipped_analyzer());
  auto stored_fingerprint = [&store] {
    std::string fp;
    store.query("SELECT fingerprint FROM conv_lexicon_state", {},
                [&](const sdk::Row& row) { fp = std::string(row.text(0)); });
    return fp;
  };

  std::promise<void> first_chunk, go_on;
  auto resume = go_on.get_future().share();
  int writes = 0;
  auto write = [&](const WriteWork& work) {
    work(store);
    if (++writes == 1) {  // hold the pass after its first chunk until stop is on its way
      first_chunk.set_value();
      resume.wait();
    }
  };
  Rescorer r(std::make_shared<SentimentAnalyzer>(shipped_data().lexicon), store, write,
             [](const std::string&) {});
  r.start("next");
  first_chunk.get_future().wait();
  go_on.set_value();
  r.stop();
  EXPECT_LT(r.rescored(), kMessages) << "stop() waited for the whole pass";
  EXPECT_NE(stored_fingerprint(), "next") << "an abandoned pass must not be recorded as done";
  r.stop();  // idempotent

  Rescorer again(
      std::make_shared<SentimentAnalyzer>(shipped_data().lexicon), store,
      [&store](const WriteWork& work) { work(store); }, [](const std::string&) {});
  again.start("next");
  again.wait();
  EXPECT_EQ(again.rescored(), kMessages);
  EXPECT_EQ(stored_fingerprint(), "next");
}

TEST(Lexicon, RejectsMalformedLines) {
  Lexicon l;
  EXPECT_THROW(l.add_tsv("good\n", "a.tsv"), std::runtime_error);
  EXPECT_THROW(l.add_tsv("good\t9\n", "a.tsv"), std::runtime_error);
  EXPECT_THROW(l.add_tsv("good\tabc\n", "a.tsv"), std::runtime_error);
  l.add_tsv("# comment\n\nÓtimo Preço\t3\n", "a.tsv");
  bool found = false;
  EXPECT_EQ(l.find("otimo preco", found), 3.0);
  EXPECT_TRUE(found);
  EXPECT_TRUE(l.starts_phrase("otimo"));
}

TEST(PluginConfig, UnknownKeysAndBadTypesFail) {
  EXPECT_THROW(load_plugin_data({{"lexicon", 1}}, CONVERSATION_LEXICON_DIR, "."),
               std::runtime_error);
  EXPECT_THROW(load_plugin_data({{"lexicons", "x.tsv"}}, CONVERSATION_LEXICON_DIR, "."),
               std::runtime_error);
  EXPECT_THROW(
      load_plugin_data({{"lexicons", {"/nonexistent.tsv"}}}, CONVERSATION_LEXICON_DIR, "."),
      std::runtime_error);
  EXPECT_THROW(load_plugin_data({{"topics", {{"a", "b"}}}}, CONVERSATION_LEXICON_DIR, "."),
               std::runtime_error);
  EXPECT_GT(shipped_data().lexicon->size(), 1000u);
}

}  // namespace
}  // namespace zaplify::conversation
