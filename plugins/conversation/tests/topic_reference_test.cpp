// The topic matcher's fast paths (stem ids, the per-taxonomy token cache, the per-report Session)
// against the matching rule of docs/api.md (GET /analytics/conversations/topics) written the plain
// way: every word of a message and of every keyword stemmed on the spot with both Snowball
// stemmers, then a naive search for consecutive stems.
// Messages: the labelled sets' lines and random recombinations of their words (new neighbours for
// every phrase).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <random>
#include <sstream>

#include "stemmer.h"
#include "text_normalizer.h"
#include "topic_matcher.h"

namespace zaplify::conversation {
namespace {

using Stems = std::array<std::vector<std::string>, 2>;  // English, Portuguese

Stems naive_stems(const std::string& text) {
  static SnowballStemmer english("english"), portuguese("portuguese");
  std::vector<std::string> words;
  std::stringstream tokens(folded_words(text));
  for (std::string token; std::getline(tokens, token, ' ');) spec_words(token, words);
  Stems out;
  for (const auto& w : words) {
    out[0].push_back(english.stem(w));
    out[1].push_back(portuguese.stem(w));
  }
  return out;
}

bool occurs(const std::vector<std::string>& message, const std::vector<std::string>& keyword) {
  if (keyword.empty() || keyword.size() > message.size()) return false;
  for (std::size_t i = 0; i + keyword.size() <= message.size(); ++i)
    if (std::equal(keyword.begin(), keyword.end(),
                   message.begin() + static_cast<std::ptrdiff_t>(i)))
      return true;
  return false;
}

// The plain rule over a taxonomy; topics in the order of the JSON object (as TopicMatcher names
// them).
class NaiveTaxonomy {
 public:
  explicit NaiveTaxonomy(const nlohmann::json& taxonomy) {
    for (const auto& [name, keywords] : taxonomy.items()) {
      topics_.emplace_back();
      for (const auto& k : keywords) topics_.back().push_back(naive_stems(k.get<std::string>()));
    }
  }
  std::vector<char> hits(const std::string& text) const {
    const Stems message = naive_stems(text);
    std::vector<char> hit;
    for (const auto& keywords : topics_) {
      bool any = false;
      for (const auto& kw : keywords)
        any = any || occurs(message[0], kw[0]) || occurs(message[1], kw[1]);
      hit.push_back(any ? 1 : 0);
    }
    return hit;
  }

 private:
  std::vector<std::vector<Stems>> topics_;
};

nlohmann::json yaml_to_json(const YAML::Node& n) {
  if (n.IsMap()) {
    auto o = nlohmann::json::object();
    for (const auto& kv : n) o[kv.first.as<std::string>()] = yaml_to_json(kv.second);
    return o;
  }
  if (n.IsSequence()) {
    auto a = nlohmann::json::array();
    for (const auto& x : n) a.push_back(yaml_to_json(x));
    return a;
  }
  return nlohmann::json(n.as<std::string>());
}

nlohmann::json shipped_taxonomy() {
  for (const auto& p : YAML::LoadFile(ZAPLIFY_SHIPPED_CONFIG)["plugins"])
    if (p["name"].as<std::string>() == "conversation") return yaml_to_json(p["config"]["topics"]);
  return nullptr;
}

std::vector<std::string> labelled_texts() {
  std::vector<std::string> out;
  for (const char* name : {"topics_dev.tsv", "topics_holdout.tsv", "chat_dev.tsv"}) {
    std::ifstream in(std::string(CONVERSATION_TEST_DATA_DIR) + "/" + name);
    for (std::string line; std::getline(in, line);)
      if (!line.empty() && line[0] != '#') out.push_back(line.substr(line.rfind('\t') + 1));
  }
  return out;
}

// Each labelled line, then 3,000 lines of 2–12 words drawn at random from all of them.
std::vector<std::string> messages() {
  auto out = labelled_texts();
  std::vector<std::string> words;
  for (const auto& t : out) {
    std::stringstream s(t);
    for (std::string w; s >> w;) words.push_back(w);
  }
  std::mt19937 rng(7);
  for (int i = 0; i < 3000; ++i) {
    std::string line;
    for (auto n = 2 + rng() % 11; n > 0; --n)
      line += (line.empty() ? "" : " ") + words[rng() % words.size()];
    out.push_back(line);
  }
  return out;
}

std::vector<TopicMatcher::Word> hashed_words(const std::string& folded) {
  std::vector<TopicMatcher::Word> out;
  std::size_t start = 0;
  while (start < folded.size()) {
    auto end = folded.find(' ', start);
    if (end == std::string::npos) end = folded.size();
    const std::string_view w(folded.data() + start, end - start);
    if (!w.empty()) out.push_back({w, StringHash{}(w)});
    start = end + 1;
  }
  return out;
}

void expect_matches_reference(const nlohmann::json& taxonomy) {
  const auto texts = messages();
  ASSERT_GT(texts.size(), 3300u);
  const TopicMatcher m(taxonomy);
  const NaiveTaxonomy naive(taxonomy);
  std::vector<std::string> folded;  // outlive the sessions, which keep views of their words
  std::vector<std::vector<char>> expected;
  std::size_t with_topic = 0;
  for (const auto& t : texts) {
    folded.push_back(folded_words(t));
    expected.push_back(naive.hits(t));
    with_topic += std::count(expected.back().begin(), expected.back().end(), 1) > 0;
  }
  EXPECT_GT(with_topic, texts.size() / 4);   // the sets must exercise the matcher
  for (int round = 0; round < 2; ++round) {  // the second round finds every token cached
    TopicMatcher::Session session(m);
    for (std::size_t i = 0; i < texts.size(); ++i) {
      std::vector<char> direct(m.names().size()), by_session(m.names().size());
      m.match(folded[i], direct);
      session.match_words(hashed_words(folded[i]), by_session);
      ASSERT_EQ(direct, expected[i]) << texts[i];
      ASSERT_EQ(by_session, expected[i]) << texts[i];
    }
  }
}

TEST(TopicReference, ShippedTaxonomyMatchesThePlainRule) {
  expect_matches_reference(shipped_taxonomy());
}

TEST(TopicReference, PhrasesAndSharedWordsMatchThePlainRule) {
  // Phrases sharing words and first words, a keyword inside a phrase, stop words in phrases.
  expect_matches_reference(nlohmann::json{
      {"a", {"quanto custa", "quanto", "custa caro", "de entrega", "prazo de entrega"}},
      {"b", {"não chegou", "chegou", "never arrived", "it never", "o produto"}},
      {"c", {"the", "de", "obrigado", "muito obrigado", "não"}}});
}

}  // namespace
}  // namespace zaplify::conversation
