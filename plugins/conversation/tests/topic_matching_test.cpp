// Topic matching (docs/api.md, GET /analytics/conversations/topics), hand-worked: fold, split into
// words, stem with Snowball English and Portuguese, a keyword matches when its stemmed words occur
// consecutively in the message's, under either stemmer. The stems quoted in comments are
// libstemmer 2.2's (Debian 12).
#include <gtest/gtest.h>

#include "conversation_store.h"
#include "plugin_config.h"
#include "store_queries.h"
#include "test_support.h"
#include "text_normalizer.h"

namespace zaplify::conversation {
namespace {

using namespace testing;

bool hits(const TopicMatcher& m, const std::string& text) {
  std::vector<char> hit(m.names().size());
  m.match(folded_words(text), hit);
  return hit.at(0) != 0;
}

// One topic holding one keyword.
TopicMatcher one(const std::string& keyword) {
  return TopicMatcher(nlohmann::json{{"t", {keyword}}});
}

TEST(TopicStemming, SpecWordsOfStoredTokens) {
  std::vector<std::string> w;
  spec_words("don't", w);  // an apostrophe is not a word character
  spec_words(".", w);      // clause marks are not words
  spec_words("\"", w);
  spec_words(
      "preco\xe2\x86\x92"
      "alto",
      w);                       // "preco→alto": the arrow separates
  spec_words("snake_case", w);  // '_' is a word character
  EXPECT_EQ(w, (std::vector<std::string>{"don", "t", "preco", "alto", "snake_case"}));
}

TEST(TopicStemming, PluralsAndVerbForms) {
  EXPECT_TRUE(hits(one("entrega"), "cadê as ENTREGAS?"));     // pt: entreg = entreg
  EXPECT_TRUE(hits(one("pagamento"), "dois pagamentos"));     // pt: pagament
  EXPECT_TRUE(hits(one("cancelar"), "foi cancelado ontem"));  // pt: cancel (en differs)
  EXPECT_TRUE(hits(one("refund"), "they refunded me"));       // en: refund (pt differs)
  EXPECT_TRUE(hits(one("arrive"), "it's arriving today"));    // en: arriv
  EXPECT_TRUE(hits(one("ship"), "not shipped yet"));          // en: ship
  EXPECT_TRUE(hits(one("shoe"), "two pairs of shoes"));       // en: shoe
}

TEST(TopicStemming, DerivedNouns) {
  EXPECT_TRUE(hits(one("cancelar"), "cancelamento do plano"));  // -mento, pt: cancel
  EXPECT_TRUE(hits(one("atender"), "péssimo atendimento"));     // pt: atend
  EXPECT_TRUE(hits(one("cancel"), "cancellation fee"));         // -ation, en: cancel
  EXPECT_TRUE(hits(one("rastreamento"), "codigo de RASTREAMENTO"));
  // -ção: folded first ("devolucao"), the Portuguese stemmer keeps "devoluca"; the plural
  // "devolucoes" gives "devoluco", so a taxonomy lists both (README: how to write one).
  EXPECT_TRUE(hits(one("devolução"), "devolucao"));
  EXPECT_TRUE(hits(one("devolucao"), "DEVOLUÇÃO"));
  EXPECT_FALSE(hits(one("devolução"), "devoluções"));
}

TEST(TopicStemming, AccentsAndCaseOnEitherSide) {
  EXPECT_TRUE(hits(one("preço"), "qual o PRECO"));
  EXPECT_TRUE(hits(one("preco"), "Preço alto"));
  EXPECT_TRUE(hits(one("não chegou"), "NAO CHEGOU"));
  // Text typed in decomposed form (base letter + combining mark) folds the same way.
  EXPECT_TRUE(hits(one("cancelação"),
                   "cancelac\xcc\xa7"
                   "a\xcc\x83"
                   "o"));
}

TEST(TopicStemming, PhrasesAreConsecutiveStemmedWords) {
  EXPECT_TRUE(hits(one("quanto custa"), "quanto custava?"));         // pt: quant cust
  EXPECT_TRUE(hits(one("never arrived"), "it never arrives"));       // en: never arriv
  EXPECT_TRUE(hits(one("não chegou"), "os pedidos nao chegaram"));   // pt: nao cheg
  EXPECT_FALSE(hits(one("quanto custa"), "custa quanto"));           // order matters
  EXPECT_FALSE(hits(one("never arrived"), "never really arrived"));  // consecutive only
  // Punctuation is not a word: the matching rule of docs/api.md compares word sequences (the
  // literal rule stopped at clauses).
  EXPECT_TRUE(hits(one("never arrived"), "never, arrived"));
}

TEST(TopicStemming, WordBoundaries) {
  EXPECT_FALSE(hits(one("price"), "priceless"));    // en: priceless
  EXPECT_FALSE(hits(one("valor"), "eu valorizo"));  // pt: valoriz ≠ valor
  EXPECT_FALSE(hits(one("pix"), "pixel"));
  EXPECT_TRUE(hits(one("pix"), "paguei no PIX!"));
  EXPECT_FALSE(hits(one("cor"), "corrida"));
  EXPECT_TRUE(hits(one("can"), "I can't"));  // "can't" holds the words "can" and "t"
}

TEST(TopicStemming, EitherStemmerMatchesAndTopicsAreIndependent) {
  TopicMatcher m(
      nlohmann::json{{"a_en", {"refund"}}, {"b_pt", {"cancelar"}}, {"c_none", {"boleto"}}});
  std::vector<char> hit(3);
  m.match(folded_words("refunded and cancelado"), hit);
  EXPECT_EQ(hit, (std::vector<char>{1, 1, 0}));
}

TEST(TopicStemming, SessionEqualsDirectMatching) {
  const TopicMatcher m(nlohmann::json{{"price", {"preço", "quanto custa", "discount"}},
                                      {"delivery", {"entrega", "never arrived"}}});
  const std::vector<std::string> texts = {"quanto custava a entrega?", "never arrived, discounts?",
                                          "oi", "preços. entregas", "quanto custa"};
  TopicRows rows;
  for (const auto& t : texts) rows.add("c", 0, folded_words(t));
  auto report = topics_report(rows, TopicRows{}, m, *shipped_data().stop_words, {});
  std::map<std::string, std::int64_t> messages;
  for (const auto& t : report["topics"]) messages[t["topic"]] = t["messages"];
  EXPECT_EQ(messages["price"], 4);
  EXPECT_EQ(messages["delivery"], 3);
}

TEST(TopicConfig, TenantTaxonomyReplacesTheDefault) {
  const auto data = load_plugin_data(
      nlohmann::json{{"topics", {{"price", {"preço"}}}},
                     {"tenant_topics",
                      {{"acme", {{"delivery", {"entrega"}}, {"billing", {"boleto"}}}},
                       {"quiet", nlohmann::json::object()}}}},
      CONVERSATION_LEXICON_DIR, ".");
  EXPECT_EQ(data.topics_for("other").names(), (std::vector<std::string>{"price"}));
  EXPECT_EQ(data.topics_for("acme").names(), (std::vector<std::string>{"billing", "delivery"}));
  EXPECT_TRUE(data.topics_for("quiet").names().empty());
}

void expect_config_error(const nlohmann::json& config, const std::string& fragment) {
  try {
    (void)load_plugin_data(config, CONVERSATION_LEXICON_DIR, ".");
    ADD_FAILURE() << "accepted " << config.dump();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(TopicConfig, RejectedAtLoadWithTheKeyNamed) {
  expect_config_error({{"tenant_topics", {"acme"}}}, "tenant_topics must be a map");
  expect_config_error({{"tenant_topics", {{"acme", {"entrega"}}}}},
                      "tenant_topics.acme must be a map");
  expect_config_error({{"tenant_topics", {{"acme", {{"delivery", "entrega"}}}}}},
                      "tenant_topics.acme.delivery must be a list");
  expect_config_error({{"tenant_topics", {{"acme", {{"delivery", {"entrega", 3}}}}}}},
                      "tenant_topics.acme.delivery: keywords must be strings");
  expect_config_error({{"topics", {{"mood", {"😡"}}}}}, "topics.mood: keyword '😡' has no word");
  expect_config_error({{"topic", {{"price", {"preço"}}}}}, "unknown key 'topic'");
}

// Matching happens when the route reads: a taxonomy change (reload, tenant_topics) re-assigns
// messages stored before it, with no re-ingest.
TEST(TopicConfig, ATaxonomyChangeAppliesToStoredMessages) {
  ConversationStore store;
  store.ingest({message("m1", "c1", 1000, "lead", "as entregas atrasaram"),
                message("m2", "c2", 2000, "lead", "quero cancelar o boleto")},
               shipped_analyzer());
  const sdk::Window w{0, 3600000, "UTC", sdk::Interval::None};
  auto conversations_of = [&](const LoadedData& data, const std::string& topic) {
    TopicRows now, before;
    load_topic_messages(store, "t1", w, now, before);
    const auto report = topics_report(now, before, data.topics_for("t1"), *data.stop_words, {});
    for (const auto& t : report["topics"])
      if (t["topic"] == topic) return t["conversations"].get<std::int64_t>();
    return std::int64_t{-1};  // not a topic of that taxonomy
  };
  const auto before =
      load_plugin_data({{"topics", {{"delivery", {"frete"}}}}}, CONVERSATION_LEXICON_DIR, ".");
  EXPECT_EQ(conversations_of(before, "delivery"), 0);
  const auto after = load_plugin_data({{"topics", {{"delivery", {"entrega", "atraso"}}}}},
                                      CONVERSATION_LEXICON_DIR, ".");
  EXPECT_EQ(conversations_of(after, "delivery"), 1);
  const auto tenant =
      load_plugin_data({{"topics", {{"delivery", {"entrega"}}}},
                        {"tenant_topics", {{"t1", {{"cancellation", {"cancelamento"}}}}}}},
                       CONVERSATION_LEXICON_DIR, ".");
  EXPECT_EQ(conversations_of(tenant, "cancellation"),
            1);                                         // "cancelar" ~ "cancelamento" (pt: cancel)
  EXPECT_EQ(conversations_of(tenant, "delivery"), -1);  // t1's own taxonomy replaces the default
}

}  // namespace
}  // namespace zaplify::conversation
