#include <gtest/gtest.h>

#include <vector>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "test_support.h"

namespace zaplify::conversation {
namespace {

using testing::shipped_analyzer;

double s(std::string_view text) { return shipped_analyzer().score(text); }

TEST(Sentiment, LabelledSetAccuracy) {
  std::ifstream in(CONVERSATION_TEST_DATA_DIR "/labelled.tsv");
  ASSERT_TRUE(in.good());
  std::string line;
  int total = 0, right = 0;
  std::map<std::string, std::pair<int, int>> per_label;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    const std::string expected = line.substr(0, tab);
    const std::string got = label_name(label_of(s(line.substr(tab + 1))));
    ++total;
    ++per_label[expected].second;
    if (got == expected) {
      ++right;
      ++per_label[expected].first;
    } else {
      std::cout << "  miss: expected " << expected << ", got " << got << ": "
                << line.substr(tab + 1) << "\n";
    }
  }
  ASSERT_GE(total, 100);
  const double accuracy = static_cast<double>(right) / total;
  std::cout << "3-class accuracy: " << right << "/" << total << " = " << accuracy << "\n";
  for (const auto& [label, rt] : per_label)
    std::cout << "  " << label << ": " << rt.first << "/" << rt.second << "\n";
  EXPECT_GE(accuracy, 0.85);
}

TEST(Sentiment, ScoresStayInRange) {
  for (const char* t : {"great great great great great great great great!!!!!!",
                        "terrible horrible awful worst scam fraud 😡😡😡😡"}) {
    const double v = s(t);
    EXPECT_GE(v, -1.0);
    EXPECT_LE(v, 1.0);
  }
  EXPECT_GT(s("great great great great great great great great!!!!!!"), 0.9);
}

TEST(Sentiment, NothingValencedIsZero) {
  EXPECT_EQ(s(""), 0.0);
  EXPECT_EQ(s("   "), 0.0);
  EXPECT_EQ(s("12345 ?? ..."), 0.0);
  EXPECT_EQ(s("Qual o prazo de entrega?"), 0.0);
  EXPECT_EQ(label_of(0.049), SentimentLabel::Neutral);
  EXPECT_EQ(label_of(0.05), SentimentLabel::Positive);
  EXPECT_EQ(label_of(-0.05), SentimentLabel::Negative);
}

TEST(Sentiment, MatchesTheCompoundFormulaForOneWord) {
  // "good" is 3 in en.tsv: 3 / sqrt(9 + 15), on the 2^-24 grid.
  EXPECT_NEAR(s("good"), 3.0 / std::sqrt(24.0), 0.5 / 16777216.0);
  EXPECT_NEAR(s("ruim"), -3.0 / std::sqrt(24.0), 0.5 / 16777216.0);
}

TEST(Sentiment, ScoresSumExactlyInAnyOrder) {
  // The grid makes sums order-free: what the per-conversation and per-window averages rely on.
  std::vector<double> v;
  for (const char* text : {"good", "ruim", "not bad", "great service!!", "péssimo atendimento",
                           "thanks a lot", "terrible, never again", "ok"})
    v.push_back(s(text));
  for (double x : v) EXPECT_EQ(x, std::round(x * 16777216.0) / 16777216.0);
  double forward = 0, backward = 0, pairs = 0;
  for (double x : v) forward += x;
  for (auto it = v.rbegin(); it != v.rend(); ++it) backward += *it;
  for (std::size_t i = 0; i + 1 < v.size(); i += 2) pairs += v[i] + v[i + 1];
  EXPECT_EQ(forward, backward);
  EXPECT_EQ(forward, pairs);
}

TEST(Sentiment, NegationFlipsAndWeakens) {
  EXPECT_LT(s("not good"), 0);
  EXPECT_GT(s("not good"), -s("good"));  // weaker than the plain opposite
  EXPECT_LT(s("não gostei"), 0);
  EXPECT_LT(s("nunca foi bom"), 0);
  EXPECT_GT(s("not bad"), 0);
  EXPECT_GT(s("sem problemas"), 0);
  // a clause break ends the negation: "Não, obrigado" is a polite no, not an insult
  EXPECT_GE(s("Não, obrigado"), 0);
}

TEST(Sentiment, PortugueseNoIsNotANegation) {
  EXPECT_GT(s("no final foi ótimo"), 0.3);
  EXPECT_LT(s("no good"), 0);
}

TEST(Sentiment, IntensifiersAndDampeners) {
  EXPECT_GT(s("very good"), s("good"));
  EXPECT_GT(s("muito bom"), s("bom"));
  EXPECT_LT(s("slightly good"), s("good"));
  EXPECT_GT(s("pouco caro"), s("caro"));  // a dampened negative is less negative
  EXPECT_LT(s("caro demais"), s("caro"));
  EXPECT_LT(s("atrasou demais"), s("atrasou"));
}

TEST(Sentiment, EmphasisFromCapsAndExclamations) {
  EXPECT_GT(s("this is GREAT"), s("this is great"));
  EXPECT_GT(s("great!!"), s("great"));
  EXPECT_EQ(s("GREAT"), s("great"));  // an all-caps message emphasises nothing
}

TEST(Sentiment, ButShiftsWeightToWhatFollows) {
  EXPECT_GT(s("it was expensive but great"), 0);
  EXPECT_LT(s("it was great but expensive"), 0);
  EXPECT_GT(s("caro, porém excelente"), 0);
  EXPECT_LT(s("bonito mas quebrou"), 0);
}

TEST(Sentiment, EmojiAndEmoticons) {
  EXPECT_GT(s("😀"), 0);
  EXPECT_GT(s("👍🏽"), 0);  // skin tone stripped
  EXPECT_GT(s("❤️"), 0);    // variation selector stripped
  EXPECT_LT(s("😡"), 0);
  EXPECT_LT(s("💔"), 0);
  EXPECT_GT(s(":)"), 0);
  EXPECT_LT(s(":("), 0);
  EXPECT_GT(s("ok :D"), 0);
  EXPECT_GT(s("ok ;)"), 0);
}

TEST(Sentiment, AccentsAndRepeatedLetters) {
  EXPECT_EQ(s("otimo"), s("ÓTIMO") == s("otimo") ? s("otimo") : s("Ótimo"));
  EXPECT_EQ(s("pessimo"), s("péssimo"));
  EXPECT_GT(s("ótimooooo"), 0.3);
  EXPECT_GT(s("goooood"), 0.3);
}

TEST(Sentiment, PhrasesAndSlang) {
  EXPECT_LT(s("my package never arrived"), 0);
  EXPECT_LT(s("ainda não chegou"), 0);
  EXPECT_GT(s("valeu, show de bola"), 0);
  EXPECT_LT(s("that sucks"), 0);
  EXPECT_GT(s("awesome"), 0);
  EXPECT_LT(s("isso é um lixo"), 0);
}

TEST(Sentiment, HostileTextIsHandled) {
  std::string big;
  while (big.size() < 65536) big += "ótimo 😀 ruim ";
  big.resize(65536);
  const double v = s(big);
  EXPECT_GE(v, -1.0);
  EXPECT_LE(v, 1.0);
  EXPECT_EQ(s("\xF0\x9F"), 0.0);  // truncated emoji
}

}  // namespace
}  // namespace zaplify::conversation

namespace zaplify::conversation {
namespace {

// Written after the lexicons were frozen: reports generalisation rather than fit.
TEST(Sentiment, HoldoutSetAccuracy) {
  std::ifstream in(CONVERSATION_TEST_DATA_DIR "/holdout.tsv");
  ASSERT_TRUE(in.good());
  std::string line;
  int total = 0, right = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos);
    const std::string got =
        label_name(label_of(testing::shipped_analyzer().score(line.substr(tab + 1))));
    ++total;
    if (got == line.substr(0, tab))
      ++right;
    else
      std::cout << "  holdout miss: expected " << line.substr(0, tab) << ", got " << got << ": "
                << line.substr(tab + 1) << "\n";
  }
  std::cout << "holdout 3-class accuracy: " << right << "/" << total << "\n";
  EXPECT_GE(static_cast<double>(right) / total, 0.75);
}

}  // namespace
}  // namespace zaplify::conversation
