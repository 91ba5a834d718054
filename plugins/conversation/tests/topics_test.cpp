#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "conversation_store.h"
#include "store_queries.h"
#include "test_support.h"
#include "text_normalizer.h"

namespace zaplify::conversation {
namespace {

using namespace testing;

std::vector<char> matches(const TopicMatcher& m, const std::string& text) {
  std::vector<char> hit(m.names().size());
  m.match(folded_words(text), hit);
  return hit;
}

TEST(TopicMatcher, AccentsCaseBoundariesAndPhrases) {
  TopicMatcher m(
      nlohmann::json{{"price", {"preço", "price"}}, {"delivery", {"never arrived", "não chegou"}}});
  // config maps come sorted by name
  ASSERT_EQ(m.names(), (std::vector<std::string>{"delivery", "price"}));
  EXPECT_EQ(matches(m, "qual o PRECO?"), (std::vector<char>{0, 1}));
  EXPECT_EQ(matches(m, "Preço alto"), (std::vector<char>{0, 1}));
  EXPECT_EQ(matches(m, "this is priceless"), (std::vector<char>{0, 0}));
  EXPECT_EQ(matches(m, "the PRICE, really"), (std::vector<char>{0, 1}));
  EXPECT_EQ(matches(m, "it NEVER   arrived"), (std::vector<char>{1, 0}));
  EXPECT_EQ(matches(m, "never, arrived"), (std::vector<char>{1, 0}));  // punctuation is no word
  EXPECT_EQ(matches(m, "arrived never"), (std::vector<char>{0, 0}));   // order matters
  EXPECT_EQ(matches(m, "meu pedido nao chegou"), (std::vector<char>{1, 0}));
  EXPECT_EQ(matches(m, "price never arrived"), (std::vector<char>{1, 1}));
}

TEST(TopicMatcher, RejectsBadConfig) {
  EXPECT_THROW((void)TopicMatcher(nlohmann::json::array()),
               std::invalid_argument);  // not a declaration
  EXPECT_THROW(TopicMatcher(nlohmann::json{{"x", "price"}}), std::invalid_argument);
  EXPECT_THROW(TopicMatcher(nlohmann::json{{"x", {1}}}), std::invalid_argument);
  EXPECT_TRUE(TopicMatcher(nlohmann::json()).names().empty());
}

TopicMessage msg(std::string conv, std::string text, double score = 0) {
  return {std::move(conv), 0, score, folded_words(text)};
}

TEST(Topics, CountsConversationsMessagesAndChange) {
  TopicMatcher m(
      nlohmann::json{{"price", {"preço", "caro"}}, {"delivery", {"entrega"}}, {"zeta", {"zzz"}}});
  std::vector<TopicMessage> now = {msg("a", "preço alto", -0.5), msg("a", "muito caro", -0.3),
                                   msg("b", "e a entrega?", 0.1), msg("c", "PREÇO?", 0.2),
                                   msg("d", "oi", 0)};
  std::vector<TopicMessage> before = {msg("x", "preço"), msg("y", "caro"), msg("z", "preço")};
  auto r = topics_report(now, before, m, *shipped_data().stop_words, {});
  EXPECT_EQ(r["conversations"], 4);
  const auto& t = r["topics"];
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0]["topic"], "price");
  EXPECT_EQ(t[0]["conversations"], 2);
  EXPECT_EQ(t[0]["messages"], 3);
  EXPECT_DOUBLE_EQ(t[0]["share"].get<double>(), 0.5);
  EXPECT_NEAR(t[0]["avg_sentiment"].get<double>(), (-0.5 - 0.3 + 0.2) / 3, 1e-12);
  EXPECT_EQ(t[0]["previous_conversations"], 3);
  EXPECT_NEAR(t[0]["change_pct"].get<double>(), (2 - 3) * 100.0 / 3, 1e-9);
  EXPECT_EQ(t[1]["topic"], "delivery");
  EXPECT_TRUE(t[1]["change_pct"].is_null());
  EXPECT_EQ(t[2]["topic"], "zeta");  // listed at zero
  EXPECT_EQ(t[2]["conversations"], 0);
  EXPECT_TRUE(t[2]["avg_sentiment"].is_null());
}

TEST(Topics, TopTermsDropStopWordsAndCountConversations) {
  TopicMatcher m(nlohmann::json::object());
  std::vector<TopicMessage> now = {msg("a", "o frete grátis acabou"),
                                   msg("a", "frete grátis de novo"),
                                   msg("b", "the free shipping is gone"), msg("c", "frete caro")};
  auto r = topics_report(now, {}, m, *shipped_data().stop_words, {});
  std::map<std::string, int> by_term;
  for (const auto& it : r["top_terms"]) by_term[it["term"]] = it["conversations"];
  EXPECT_EQ(by_term["frete"], 2);  // two conversations, not three messages
  EXPECT_EQ(by_term["frete gratis"], 1);
  EXPECT_EQ(by_term["free shipping"], 1);
  EXPECT_EQ(by_term.count("the"), 0u);
  EXPECT_EQ(by_term.count("o"), 0u);
  EXPECT_EQ(r["top_terms"][0]["term"], "frete");
  EXPECT_DOUBLE_EQ(r["top_terms"][0]["score"].get<double>(), 2.0 / 3);
}

TEST(Topics, PlantedTermIsEmerging) {
  // Background chatter from one vocabulary in both windows; "cupom" only in W, in 20% of its
  // conversations (the threshold case: a new term in 20% of W's conversations must rank among the
  // top five emerging terms; the score is in docs/api.md, GET /analytics/conversations/topics).
  const std::vector<std::string> vocab = {"entrega",   "pedido", "tamanho", "cor",
                                          "pagamento", "boleto", "pix",     "troca",
                                          "garantia",  "modelo", "estoque", "loja"};
  std::mt19937 rng(7);
  auto chatter = [&](std::vector<TopicMessage>& out, const std::string& conv) {
    std::string text = vocab[rng() % vocab.size()] + " " + vocab[rng() % vocab.size()];
    out.push_back(msg(conv, text));
  };
  std::vector<TopicMessage> now, before;
  for (int c = 0; c < 200; ++c) {
    chatter(before, "p" + std::to_string(c));
    chatter(now, "n" + std::to_string(c));
    if (c % 5 == 0) now.push_back(msg("n" + std::to_string(c), "tem cupom?"));
  }
  before.push_back(msg("p1", "cupom"));  // 0.5% of W′
  auto r = topics_report(now, before, TopicMatcher(nlohmann::json::object()),
                         *shipped_data().stop_words, {});
  const auto& em = r["emerging_terms"];
  ASSERT_FALSE(em.empty());
  bool in_top5 = false;
  for (std::size_t i = 0; i < em.size() && i < 5; ++i) in_top5 |= em[i]["term"] == "cupom";
  EXPECT_TRUE(in_top5) << em.dump();
  EXPECT_EQ(em[0]["term"], "cupom");
  EXPECT_EQ(em[0]["conversations"], 40);
  EXPECT_NEAR(em[0]["score"].get<double>(), emerging_score(0.2, 1.0 / 200), 1e-12);
}

TEST(Topics, EmergingScoreOrdersVolumeAndRatio) {
  EXPECT_GT(emerging_score(0.2, 0.01), emerging_score(0.1, 0.0));
  EXPECT_GT(emerging_score(0.2, 0.01), emerging_score(0.5, 0.3));
  EXPECT_GT(emerging_score(0.2, 0.01), emerging_score(1.0, 0.6));
}

TEST(SentimentRoute, DistributionSeriesAndMostNegativeFromStore) {
  ConversationStore store;
  UtcCalendar cal;
  const auto& a = shipped_analyzer();
  std::vector<sdk::Event> ev;
  const char* texts[] = {"ótimo, obrigado!", "péssimo atendimento", "qual o preço?",
                         "adorei 😍",         "que lixo 😡",          "ok"};
  for (int i = 0; i < 30; ++i)
    ev.push_back(message("m" + std::to_string(i), "c" + std::to_string(i % 7), i * 1800000LL,
                         i % 4 == 3 ? "assistant" : "lead", texts[i % 6]));
  store.ingest(ev, a);
  sdk::Window w{3600000, 12 * 3600000, "UTC", sdk::Interval::Hour};
  auto r = sentiment_report(store, cal, "t1", w);
  // Reference: score each lead message in W directly.
  std::map<std::string, std::vector<double>> per_conv;
  std::int64_t pos = 0, neu = 0, neg = 0;
  double sum = 0;
  for (const auto& e : ev) {
    if (e.sender != "lead" || e.ts_ms < w.from_ms || e.ts_ms >= w.to_ms) continue;
    double s = a.score(e.text);
    sum += s;
    per_conv[e.conversation_id].push_back(s);
    (label_of(s) == SentimentLabel::Positive   ? pos
     : label_of(s) == SentimentLabel::Negative ? neg
                                               : neu)++;
  }
  EXPECT_EQ(r["distribution"]["positive"], pos);
  EXPECT_EQ(r["distribution"]["neutral"], neu);
  EXPECT_EQ(r["distribution"]["negative"], neg);
  EXPECT_NEAR(r["avg_score"].get<double>(), sum / (pos + neu + neg), 1e-9);
  EXPECT_NEAR(r["shares"]["negative"].get<double>(), static_cast<double>(neg) / (pos + neu + neg),
              1e-12);
  ASSERT_EQ(r["series"].size(), 11u);
  std::int64_t series_total = 0;
  for (const auto& b : r["series"]) series_total += b["total"].get<std::int64_t>();
  EXPECT_EQ(series_total, pos + neu + neg);
  EXPECT_EQ(r["series"][0]["bucket"], "1970-01-01T01:00:00+00:00");  // the server's local form
  std::vector<std::pair<double, std::string>> means;
  for (auto& [c, v] : per_conv) {
    double m = 0;
    for (double x : v) m += x;
    means.push_back({m / v.size(), c});
  }
  std::sort(means.begin(), means.end());
  const auto& worst = r["most_negative_conversations"];
  ASSERT_EQ(worst.size(), means.size());
  for (std::size_t i = 0; i < means.size(); ++i) {
    EXPECT_EQ(worst[i]["conversation_id"], means[i].second);
    EXPECT_NEAR(worst[i]["avg_score"].get<double>(), means[i].first, 1e-9);
  }
}

// The ten lowest means, ties by id bytes, over many conversations with equal means: the same list
// as SQL's GROUP BY / AVG / ORDER BY (what the route computed before it folded in one pass).
TEST(SentimentRoute, MostNegativeEqualsSqlWithTiesAndMoreThanTen) {
  ConversationStore store;
  UtcCalendar cal;
  const auto& a = shipped_analyzer();
  std::vector<sdk::Event> ev;
  const char* texts[] = {"péssimo atendimento", "que lixo 😡", "ok", "péssimo", "adorei"};
  for (int i = 0; i < 200; ++i)  // ids "c0".."c39", "C.." and "é.." mixed so that bytes decide ties
    ev.push_back(message("m" + std::to_string(i),
                         std::string(i % 3 == 0   ? "c"
                                     : i % 3 == 1 ? "C"
                                                  : "\xc3\xa9") +
                             std::to_string(i % 40),
                         3600000LL + i * 60000LL, "lead", texts[(i * 7) % 5]));
  store.ingest(ev, a);
  sdk::Window w{0, 24 * 3600000LL, "UTC", sdk::Interval::None};
  const auto worst = sentiment_report(store, cal, "t1", w)["most_negative_conversations"];
  std::vector<std::pair<std::string, double>> want;
  store.query(
      "SELECT conversation_id, AVG(score) AS a FROM conv_message_scores WHERE tenant_id = ?"
      " AND ts >= ? AND ts < ? GROUP BY conversation_id ORDER BY a, conversation_id LIMIT 10",
      {std::string("t1"), w.from_ms, w.to_ms},
      [&](const sdk::Row& r) { want.emplace_back(std::string(r.text(0)), r.number(1)); });
  ASSERT_EQ(want.size(), 10u);
  ASSERT_EQ(worst.size(), 10u);
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(worst[i]["conversation_id"], want[i].first) << i;
    EXPECT_EQ(worst[i]["avg_score"].get<double>(), want[i].second) << i;  // exact: 2^-24 grid
  }
}

TEST(RealtimeRoute, ActiveConversationsNewestFirst) {
  ConversationStore store;
  UtcCalendar cal;
  const std::int64_t now = 10 * 3600000;
  store.ingest(
      {started("s1", "c1", now - 60000), message("m1", "c1", now - 30000, "lead", "adorei"),
       started("s2", "c2", now - 120000), ended("x2", "c2", now - 100000, "resolved"),
       started("s3", "c3", now - 3600000), message("m3", "c3", now - 3500000, "lead", "oi"),
       started("s4", "c4", now - 200000), message("m4", "c4", now - 10000, "assistant", "hello"),
       message("m5", "c5", now - 1000, "lead", "no start")},
      shipped_analyzer());
  auto r = realtime_conversations(store, cal, "t1", now, 5, 50);
  EXPECT_EQ(r["total"], 2);
  ASSERT_EQ(r["conversations"].size(), 2u);
  EXPECT_EQ(r["conversations"][0]["conversation_id"], "c4");
  EXPECT_TRUE(r["conversations"][0]["last_sentiment"].is_null());
  EXPECT_EQ(r["conversations"][1]["conversation_id"], "c1");
  EXPECT_NEAR(r["conversations"][1]["last_sentiment"].get<double>(),
              shipped_analyzer().score("adorei"), 1e-12);
  EXPECT_EQ(r["conversations"][1]["messages"], 1);
  EXPECT_EQ(r["conversations"][1]["started_at"], cal.format_utc(now - 60000));
  auto limited = realtime_conversations(store, cal, "t1", now, 5, 1);
  EXPECT_EQ(limited["total"], 2);
  EXPECT_EQ(limited["conversations"].size(), 1u);
}

}  // namespace
}  // namespace zaplify::conversation

namespace zaplify::conversation {
namespace {

// Naive reference for the term lists: every unigram and bigram of non-stop words of one clause,
// as a set of conversations per term, in std::map / std::set.
TEST(Topics, TermsMatchNaiveReferenceOnRandomText) {
  const auto& stop = *shipped_data().stop_words;
  const char* vocab[] = {"frete", "grátis", "preço", "o",      "de",     "caro",   "entrega",
                         "2024",  "x",      "não",   "chegou", "pedido", "refund", "the",
                         "order", ",",      ".",     "?",      "ótimo",  "atraso"};
  std::mt19937 rng(11);
  auto corpus = [&](int n, int convs) {
    std::vector<TopicMessage> out;
    for (int i = 0; i < n; ++i) {
      std::string text;
      for (int w = static_cast<int>(rng() % 9); w >= 0; --w)
        text += std::string(vocab[rng() % 20]) + " ";
      out.push_back(
          {"c" + std::to_string(rng() % static_cast<unsigned>(convs)), 0, 0, folded_words(text)});
    }
    return out;
  };
  auto naive = [&](const std::vector<TopicMessage>& msgs) {
    std::map<std::string, std::set<std::string>> terms;
    for (const auto& m : msgs) {
      std::vector<std::string> words;
      std::istringstream in(m.words);
      for (std::string w; in >> w;) words.push_back(w);
      auto ok = [&](const std::string& w) {
        return w.size() >= 2 && w != "." && stop.count(w) == 0 &&
               !std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
      };
      for (std::size_t i = 0; i < words.size(); ++i) {
        if (!ok(words[i])) continue;
        terms[words[i]].insert(m.conversation_id);
        if (i > 0 && ok(words[i - 1]))
          terms[words[i - 1] + " " + words[i]].insert(m.conversation_id);
      }
    }
    return terms;
  };
  for (int round = 0; round < 3; ++round) {
    auto now = corpus(400, 60), before = corpus(300, 50);
    auto r = topics_report(now, before, TopicMatcher(nlohmann::json::object()), stop, {100});
    auto n_terms = naive(now), b_terms = naive(before);
    std::set<std::string> convs_now, convs_before;
    for (const auto& m : now) convs_now.insert(m.conversation_id);
    for (const auto& m : before) convs_before.insert(m.conversation_id);
    // every listed term carries its exact conversation count and score
    ASSERT_EQ(r["top_terms"].size(), std::min<std::size_t>(100, n_terms.size()));
    double last = 2;
    for (const auto& t : r["top_terms"]) {
      const auto& set = n_terms.at(t["term"].get<std::string>());
      EXPECT_EQ(t["conversations"].get<std::size_t>(), set.size());
      EXPECT_DOUBLE_EQ(t["score"].get<double>(),
                       static_cast<double>(set.size()) / static_cast<double>(convs_now.size()));
      EXPECT_LE(t["score"].get<double>(), last);
      last = t["score"].get<double>();
    }
    std::vector<std::pair<double, std::string>> want;
    for (const auto& [term, set] : n_terms) {
      const double p = static_cast<double>(set.size()) / static_cast<double>(convs_now.size());
      auto it = b_terms.find(term);
      const double q = it == b_terms.end() ? 0
                                           : static_cast<double>(it->second.size()) /
                                                 static_cast<double>(convs_before.size());
      if (p > q) want.push_back({emerging_score(p, q), term});
    }
    ASSERT_EQ(r["emerging_terms"].size(), std::min<std::size_t>(100, want.size()));
    std::sort(want.begin(), want.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t i = 0; i < r["emerging_terms"].size(); ++i)
      EXPECT_NEAR(r["emerging_terms"][i]["score"].get<double>(), want[i].first, 1e-12) << i;
  }
}

}  // namespace
}  // namespace zaplify::conversation
