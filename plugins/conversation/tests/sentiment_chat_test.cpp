// Accuracy on chat-phrased messages (issue 18) and one focused test per rule of the analyser.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sentiment_cues.h"
#include "test_support.h"

namespace zaplify::conversation {
namespace {

using testing::shipped_analyzer;

double s(std::string_view text) { return shipped_analyzer().score(text); }
std::string label(std::string_view text) { return label_name(label_of(s(text))); }

struct Tally {
  int right = 0;
  int total = 0;
  double rate() const { return total ? static_cast<double>(right) / total : 0.0; }
};

struct ChatReport {
  Tally overall;
  std::map<std::string, Tally> by_kind, by_lang, recall;
  std::map<std::string, int> predicted, predicted_right;
};

// Reads label<TAB>lang<TAB>kind<TAB>text lines and scores each with the shipped analyser.
ChatReport measure(const std::string& path, bool print_misses) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  ChatReport r;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    std::size_t start = 0;
    for (int k = 0; k < 3; ++k) {
      auto tab = line.find('\t', start);
      if (tab == std::string::npos) break;
      f.push_back(line.substr(start, tab - start));
      start = tab + 1;
    }
    EXPECT_EQ(f.size(), 3u) << line;
    if (f.size() != 3) continue;
    const std::string text = line.substr(start);
    const std::string got = label(text);
    const bool ok = got == f[0];
    for (Tally* t : {&r.overall, &r.by_kind[f[2]], &r.by_lang[f[1]], &r.recall[f[0]]}) {
      ++t->total;
      t->right += ok;
    }
    ++r.predicted[got];
    r.predicted_right[got] += ok;
    if (!ok && print_misses)
      std::cout << "  miss [" << f[2] << "] expected " << f[0] << ", got " << got << " (" << s(text)
                << "): " << text << "\n";
  }
  return r;
}

void print(const ChatReport& r) {
  std::cout << "chat set accuracy: " << r.overall.right << "/" << r.overall.total << " = "
            << r.overall.rate() << "\n";
  for (const auto& [k, t] : r.recall) {
    const int p = r.predicted.count(k) ? r.predicted.at(k) : 0;
    const int pr = r.predicted_right.count(k) ? r.predicted_right.at(k) : 0;
    std::cout << "  class " << k << ": recall " << t.right << "/" << t.total << " = " << t.rate()
              << ", precision " << pr << "/" << p << "\n";
  }
  for (const auto& [k, t] : r.by_lang)
    std::cout << "  lang " << k << ": " << t.right << "/" << t.total << " = " << t.rate() << "\n";
  for (const auto& [k, t] : r.by_kind)
    std::cout << "  kind " << k << ": " << t.right << "/" << t.total << " = " << t.rate() << "\n";
}

// Floors sit well under what the analyser measures (see README) and well over the issue-18
// baseline (0.46 overall, 0/16 sarcasm, 4/22 questions on this set), so they catch regressions.
TEST(SentimentChat, DevSetAccuracyPerKind) {
  const ChatReport r = measure(CONVERSATION_TEST_DATA_DIR "/chat_dev.tsv", true);
  print(r);
  ASSERT_GE(r.overall.total, 300);
  EXPECT_GE(r.overall.rate(), 0.95);  // measured 296/300 (issue 18, third slice)
  for (const auto& [label, t] : r.recall) EXPECT_GE(t.rate(), 0.75) << label;
  EXPECT_GE(r.by_kind.at("sarcasm").rate(), 0.75);
  EXPECT_GE(r.by_kind.at("question").rate(), 0.75);
  EXPECT_GE(r.by_kind.at("greeting").rate(), 0.75);
}

// Issue 18's third slice's development set (360 lines, balanced by class and language): tuned on.
TEST(SentimentChat, SecondDevSetAccuracy) {
  const ChatReport r = measure(CONVERSATION_TEST_DATA_DIR "/chat_dev2.tsv", true);
  std::cout << "dev2 ";
  print(r);
  ASSERT_GE(r.overall.total, 360);
  EXPECT_GE(r.overall.rate(), 0.94);  // measured 350/360
  for (const auto& [label, t] : r.recall) EXPECT_GE(t.rate(), 0.90) << label;
}

// Floors on the holdouts sit a little under what the analyser measures (README, "Measurement"):
// they catch a regression, they are not the goal. None of these sets is tuned on.

// Written after the rules of the first slice, never tuned on.
TEST(SentimentChat, HoldoutAccuracy) {
  const ChatReport r = measure(CONVERSATION_TEST_DATA_DIR "/chat_holdout.tsv", true);
  std::cout << "holdout ";
  print(r);
  ASSERT_GE(r.overall.total, 50);
  EXPECT_GE(r.overall.rate(), 0.93);  // measured 60/62
}

// Issue 18's second holdout (150 lines, balanced), written before the second slice's tuning and
// never tuned on.
TEST(SentimentChat, SecondHoldoutAccuracy) {
  const ChatReport r = measure(CONVERSATION_TEST_DATA_DIR "/chat_holdout2.tsv", true);
  std::cout << "holdout2 ";
  print(r);
  ASSERT_GE(r.overall.total, 150);
  EXPECT_GE(r.overall.rate(), 0.83);                                           // measured 128/150
  for (const auto& [label, t] : r.recall) EXPECT_GE(t.rate(), 0.74) << label;  // .76/.94/.86
}

// Issue 18's third holdout (150 lines, balanced), written before the third slice's tuning and
// never tuned on.
TEST(SentimentChat, ThirdHoldoutAccuracy) {
  const ChatReport r = measure(CONVERSATION_TEST_DATA_DIR "/chat_holdout3.tsv", true);
  std::cout << "holdout3 ";
  print(r);
  ASSERT_GE(r.overall.total, 150);
  EXPECT_GE(r.overall.rate(), 0.86);                                           // measured 133/150
  for (const auto& [label, t] : r.recall) EXPECT_GE(t.rate(), 0.78) << label;  // .82/.96/.88
}

bool neutral(std::string_view text) { return label(text) == "neutral"; }

TEST(SentimentRules, NegationReachesTheClauseStart) {
  // Four words between "not" and "good": the old three-word window missed it.
  EXPECT_LT(s("it is not what I would call a good experience"), 0);
  EXPECT_LT(s("não foi nem de longe uma boa experiência"), 0);
  // ...but not past a clause boundary or a conjunction.
  EXPECT_GT(s("not sure about the colour, but it is good"), 0);
  EXPECT_LT(s("não chegou e quebrou"), 0);
  // "nobody"/"ninguém" negate only the next few words, not the whole clause.
  EXPECT_LT(s("nobody told me about the extra fees"), 0);
}

TEST(SentimentRules, NegatedComplaintsAndZero) {
  EXPECT_GT(s("I have no complaints at all"), 0);
  EXPECT_GT(s("não tenho do que reclamar"), 0);
  EXPECT_GT(s("zero problems so far"), 0);
  EXPECT_LT(s("zero help from your team"), 0);
  EXPECT_LT(s("nenhuma ajuda de vocês"), 0);
}

TEST(SentimentRules, ContrastClauseWeighsMore) {
  EXPECT_LT(s("the price is good but the delivery was awful"), 0);
  EXPECT_GT(s("it took a while but the product is excellent"), 0);
  EXPECT_LT(s("o preço é bom mas a entrega foi horrível"), 0);
  // Politeness before the contrast does not soften the complaint after it.
  EXPECT_LT(s("obrigado pela atenção, porém continuo sem solução"), 0);
}

TEST(SentimentRules, ThanksForNothing) {
  EXPECT_LT(s("thanks for nothing"), -0.5);
  EXPECT_LT(s("obrigado por nada"), -0.5);
  EXPECT_LT(s("entrega rápida, só que não"), 0);
  EXPECT_LT(s("yeah right, fast delivery"), 0);
}

TEST(SentimentRules, EyeRollAndClapFlipPraise) {
  EXPECT_GT(s("great"), 0);
  EXPECT_LT(s("great 🙄"), 0);
  EXPECT_LT(s("great, another week without my order 🙄"), 0);
  EXPECT_LT(s("adorei esperar 3 horas pra ser atendido 🙃"), 0);
  EXPECT_LT(s("wow amazing service, nobody answers 👏👏"), 0);
  EXPECT_GT(s("amazing service 👏👏"), 0);  // clapping without a complaint is applause
}

TEST(SentimentRules, AgainAfterAComplaintIsSarcasm) {
  EXPECT_LT(s("perfect, it broke again"), 0);
  EXPECT_LT(s("perfeito, quebrou de novo"), 0);
  EXPECT_GT(s("great, it works again"), 0);  // no complaint: plain praise
}

TEST(SentimentRules, PraiseInScareQuotes) {
  EXPECT_LT(s("oh \"excellent\" support, as always"), 0);
  EXPECT_LT(s("que “rapidez” hein"), 0);
  EXPECT_GT(s("excellent support, as always"), 0);
}

TEST(SentimentRules, ShoutedQuestionsAreComplaints) {
  EXPECT_LT(s("WHERE IS MY ORDER???"), 0);
  EXPECT_LT(s("CADÊ MEU PEDIDO???"), 0);
  EXPECT_LT(s("hello??? anyone???"), 0);
  EXPECT_TRUE(neutral("where is my order?"));
  EXPECT_TRUE(neutral("OK"));
  EXPECT_GT(s("AMEI!!!"), s("amei"));  // caps with !!! emphasise the message's polarity
  EXPECT_EQ(s("GREAT"), s("great"));   // caps alone still emphasise nothing
}

TEST(SentimentRules, ServiceWordsInPlainQuestionsAreNeutral) {
  EXPECT_TRUE(neutral("can I cancel my order before it ships?"));
  EXPECT_TRUE(neutral("posso cancelar o pedido antes de enviar?"));
  EXPECT_TRUE(neutral("quanto tempo demora o estorno?"));
  EXPECT_TRUE(neutral("what happens if the package arrives damaged?"));
  // A question that complains is still a complaint; so is the same word outside a question.
  EXPECT_LT(s("why is my refund delayed again?"), 0);
  EXPECT_LT(s("my refund is delayed"), 0);
  EXPECT_LT(s("why is it so hard to get a refund??"), 0);
}

TEST(SentimentRules, GreetingsCourtesyAndApologiesAreNeutral) {
  for (const char* text :
       {"bom dia", "boa tarde!", "good morning", "oi, tudo bem?", "ok thanks", "ok obrigado",
        "got it, thank you", "blz, valeu", "sorry for the late reply", "desculpa a demora"})
    EXPECT_TRUE(neutral(text)) << text << " " << s(text);
  EXPECT_GT(s("muito obrigado!"), 0);  // emphasised thanks is praise
  EXPECT_GT(s("thank you so much"), 0);
  EXPECT_LT(s("thanks, but it is still broken"), 0);
}

TEST(SentimentRules, ServiceWordsInPoliteRequestsAreNeutral) {
  EXPECT_TRUE(neutral("I need to cancel the subscription for next month"));
  EXPECT_TRUE(neutral("gostaria de solicitar o reembolso no cartão"));
  EXPECT_TRUE(neutral("oi, queria devolver a blusa"));
  // A bare demand, a repeated one, or a shouted one is still a complaint.
  EXPECT_LT(s("quero cancelar meu pedido"), 0);
  EXPECT_LT(s("I need a refund, again"), 0);
  EXPECT_LT(s("PRECISO CANCELAR!!!"), 0);
}

TEST(SentimentRules, RhetoricalQuestionsAndBrokenPromisesAreComplaints) {
  EXPECT_LT(s("do you guys even read my messages?"), 0);
  EXPECT_LT(s("vão me responder ou não?"), 0);
  EXPECT_LT(s("seriously, who approved this kind of service?"), 0);  // praise flips
  EXPECT_LT(s("they told me it was solved and it's not"), 0);
  EXPECT_LT(s("me prometeram entrega ontem"), 0);
  EXPECT_TRUE(neutral("the seller said it comes in blue, is that right?"));  // a plain question
  const auto e = shipped_analyzer().explain("you said it would arrive on monday");
  ASSERT_FALSE(e.terms.empty());
  EXPECT_EQ(e.terms.back().rule, "broken promise");
}

TEST(SentimentRules, AcknowledgementsLaughterAndGreetingQuestionsAreNeutral) {
  for (const char* text :
       {"perfect, talk tomorrow then", "show, anotado", "sorry for the many messages lol",
        "desculpa o tanto de mensagem kkk", "eae pessoal, tudo certo?", "boa semana pra vocês"})
    EXPECT_TRUE(neutral(text)) << text << " " << s(text);
  EXPECT_GT(s("perfeito"), 0);  // alone it is praise
  EXPECT_GT(s("perfect, exactly what I needed"), 0);
  EXPECT_GT(s("chegou tudo certo"), 0);          // not a question: praise
  EXPECT_GT(s("haha amei"), 0);                  // laughter next to praise counts
  EXPECT_LT(s("perfeito, quebrou de novo"), 0);  // sarcasm, not an acknowledgement
}

TEST(SentimentRules, PortugueseSlangAndIdioms) {
  EXPECT_LT(s("que saco"), 0);
  EXPECT_LT(s("tô de saco cheio"), 0);
  EXPECT_LT(s("ninguém responde"), 0);
  EXPECT_LT(s("ninguem responde"), 0);
  EXPECT_LT(s("me deram um perdido"), 0);
  EXPECT_GT(s("superou minhas expectativas"), 0);
  EXPECT_GT(s("vale cada centavo"), 0);
  EXPECT_GT(s("nunca estive tão feliz"), 0);
  EXPECT_GT(s("happier than ever"), 0);
  EXPECT_GT(s("it exceeded my expectations"), 0);
}

TEST(SentimentRules, MissingAccentsDoubledLettersAndTypos) {
  EXPECT_EQ(s("pessimo"), s("péssimo"));
  EXPECT_LT(s("pessimo"), 0);
  EXPECT_EQ(s("pessimoooo"), s("pessimo"));
  EXPECT_EQ(s("pessimoo"), s("pessimo"));
  EXPECT_GT(s("otimoo, adoreii"), 0);
  EXPECT_TRUE(neutral("oii bom diaa"));
  // Edit distance 1 for words of 7+ letters.
  EXPECT_EQ(s("terible"), s("terrible"));
  EXPECT_EQ(s("exelente"), s("excelente"));
  EXPECT_EQ(s("maravilhozo"), s("maravilhoso"));
  // Short words are never guessed: "pedido" (order) is not "perdido" (lost).
  EXPECT_EQ(s("pedido"), 0.0);
  EXPECT_EQ(s("pedidos"), 0.0);
}

// Issue 18, third slice.
TEST(SentimentRules, ConditionalsAreHypothetical) {
  EXPECT_TRUE(neutral("can I cancel if it hasn't shipped yet?"));
  EXPECT_TRUE(neutral("se vier com defeito, como faço?"));
  EXPECT_TRUE(neutral("what if it doesn't fit?"));
  EXPECT_LT(s("não se preocupe, mas o produto veio quebrado"), 0);  // reflexive "se" is no "if"
}

TEST(SentimentRules, NegatedFunctionsFail) {
  EXPECT_LT(s("it doesn't even turn on"), 0);
  EXPECT_LT(s("o carregador nem liga"), 0);
  EXPECT_LT(s("agradeço o retorno, mas isso não resolve meu problema"), 0);
  EXPECT_TRUE(neutral("does it turn on by itself?"));
}

TEST(SentimentRules, ANegationIsTakenByTheFirstWordItReaches) {
  // The negator belongs to "never got" / "gostei": the complaint after it stays one.
  EXPECT_LT(s("I never got my money back"), 0);
  EXPECT_LT(s("não gostei da demora"), 0);
  EXPECT_GT(s("nunca tive problema"), 0);  // a negated complaint word right after it is praise
  EXPECT_LT(s("how is this still not fixed?"), 0);  // a phrase ending in its negator still negates
  EXPECT_GT(s("can't believe how good this is"), 0);
  EXPECT_LT(s("I can't believe how bad this is"), 0);
}

TEST(SentimentRules, NegatedComparativesAreSuperlatives) {
  EXPECT_GT(s("couldn't be more satisfied"), 0);
  EXPECT_GT(s("não poderia estar mais feliz"), 0);
  EXPECT_GT(s("couldn't have asked for more"), 0);
  EXPECT_GT(s("nunca fui tão bem atendida"), 0);
  EXPECT_LT(s("nunca vi atendimento tão ruim"), 0);
  EXPECT_LT(s("never had such a bad experience"), 0);
  EXPECT_GT(s("mais rápido impossível"), 0);
  EXPECT_LT(s("it's not better"), 0);  // no modal, no "never": a plain negation
}

TEST(SentimentRules, RepeatedAskingWaitingAndReportedPromises) {
  EXPECT_LT(s("I've sent this three times now"), 0);
  EXPECT_LT(s("já mandei mensagem umas 5 vezes"), 0);
  EXPECT_TRUE(neutral("dá pra parcelar em 3 vezes?"));  // instalments, not asking again
  EXPECT_TRUE(neutral("oops sorry, sent it twice"));    // the lead's own apology
  EXPECT_LT(s("it's been 10 days"), 0);
  EXPECT_LT(s("já faz uma semana"), 0);
  EXPECT_LT(s("the agent said someone would call me back"), 0);
  EXPECT_LT(s("ANSWER ME PLEASE!!!"), 0);  // shouted, nothing valenced
}

TEST(SentimentRules, PraiseOpenerBeforeAComplaintIsSarcasm) {
  EXPECT_LT(s("wow, such great customer care, 5 days and no reply"), 0);
  EXPECT_LT(s("nice job losing my package 👏👏"), 0);
  EXPECT_GT(s("great product, fast delivery"), 0);
  EXPECT_GT(s("it took a while but the product is excellent"), 0);  // a contrast is no opener
}

TEST(SentimentRules, PraiseWordsInPlainQuestionsAreNeutral) {
  EXPECT_TRUE(neutral("como funciona a troca?"));
  EXPECT_TRUE(neutral("is the quality good?"));
  EXPECT_TRUE(neutral("which is cheaper, the blue or the black one?"));
  EXPECT_GT(s("loved it! do you have it in red?"), 0);
}

TEST(SentimentRules, PhrasesAcrossAnIntensifierAndDoubledLetters) {
  EXPECT_GT(s("valeu super a pena"), 0);
  EXPECT_GT(s("valeu a pena"), 0);
  EXPECT_EQ(s("dissapointing"), s("disappointing"));
}

TEST(SentimentCues, ListsAreEmbeddedAndFolded) {
  EXPECT_GE(cues::embedded_files().size(), 40u);
  for (const auto& f : cues::embedded_files())
    EXPECT_FALSE(cues::entries(f.name).empty()) << f.name;
  EXPECT_TRUE(cues::negators().count("nao"));  // folded
  EXPECT_TRUE(cues::applause_emoji().count("\xF0\x9F\x91\x8F"));
  EXPECT_THROW(cues::list("no_such_list"), std::logic_error);
  EXPECT_NE(cues::digest(), 0u);
  // The cue digest is part of the fingerprint that decides re-scoring.
  EXPECT_NE(testing::shipped_data().fingerprint.find("vader-like-4:"), std::string::npos);
}

TEST(SentimentRules, ConfigLexiconsStillWorkWithTheRules) {
  auto lex = std::make_shared<Lexicon>();
  lex->add_tsv("zorbly\t3\nblarg\t-4\nservicio\t-2\n", "extra.tsv");
  const SentimentAnalyzer a(lex);
  EXPECT_GT(a.score("zorbly"), 0);
  EXPECT_LT(a.score("not zorbly at all today"), 0);
  EXPECT_LT(a.score("zorbly 🙄"), 0);
  EXPECT_EQ(a.score("blargg"), a.score("blarg"));
}

TEST(SentimentExplain, ContributionsAddUpToTheScore) {
  const auto& a = shipped_analyzer();
  for (const char* text :
       {"the price is good but the delivery was awful!!",
        "great, another week without my order 🙄", "WHERE IS MY ORDER???",
        "can I cancel my order?", "ok thanks", "não foi ruim não, gostei", "muito obrigado!!! 😍",
        "", "pessimoooo", "I've sent this three times now", "it's been 10 days",
        "o carregador nem liga", "wow, such great customer care, 5 days and no reply",
        "couldn't be more satisfied", "ANSWER ME PLEASE!!!", "se vier com defeito, como faço?"}) {
    const auto e = a.explain(text);
    EXPECT_EQ(e.score, a.score(text)) << text;
    double sum = 0;
    for (const auto& t : e.terms) sum += t.contribution;
    EXPECT_EQ(sum, e.score) << text;
  }
  const auto e = a.explain("can I cancel my order?");
  EXPECT_EQ(e.intent, "question");
  EXPECT_EQ(e.language, "en");
  ASSERT_EQ(e.terms.size(), 1u);
  EXPECT_EQ(e.terms[0].term, "cancel");
  EXPECT_EQ(e.terms[0].rule, "ignored: service word in a question");
  const auto pt = a.explain("perfeito, quebrou de novo");
  EXPECT_EQ(pt.language, "pt");
  EXPECT_EQ(pt.intent, "complaint");
  bool sarcasm = false;
  for (const auto& t : pt.terms) sarcasm = sarcasm || (t.term == "perfeito" && t.rule == "sarcasm");
  EXPECT_TRUE(sarcasm);
}

TEST(SentimentRules, ScoresAreOnTheGridInRangeAndThreadSafe) {
  std::ifstream in(CONVERSATION_TEST_DATA_DIR "/chat_dev.tsv");
  std::vector<std::string> texts;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#') texts.push_back(line.substr(line.rfind('\t') + 1));
  std::vector<double> expected;
  for (const auto& t : texts) {
    const double v = s(t);
    EXPECT_EQ(v, std::round(v * 16777216.0) / 16777216.0) << t;
    EXPECT_GE(v, -1.0);
    EXPECT_LE(v, 1.0);
    expected.push_back(v);
  }
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int k = 0; k < 4; ++k)
    threads.emplace_back([&, k] {
      for (int round = 0; round < 20; ++round)
        for (std::size_t i = 0; i < texts.size(); ++i)
          if (s(texts[i]) != expected[i]) ++mismatches[k];
    });
  for (auto& t : threads) t.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

// Not an assertion: messages scored per second on one core, for docs/benchmarks.md.
TEST(SentimentRules, PrintsScoringSpeed) {
  std::ifstream in(CONVERSATION_TEST_DATA_DIR "/chat_dev.tsv");
  std::vector<std::string> texts;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#') texts.push_back(line.substr(line.rfind('\t') + 1));
  const int rounds = 300;
  double sink = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < rounds; ++r)
    for (const auto& t : texts) sink += s(t);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "scoring speed: " << static_cast<long>(rounds * texts.size() / secs)
            << " messages/s on one core (checksum " << sink << ")\n";
}

}  // namespace
}  // namespace zaplify::conversation
