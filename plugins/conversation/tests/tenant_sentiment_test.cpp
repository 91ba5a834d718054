// Per-tenant sentiment overrides (`tenant_sentiment`): parsing and validation, scoring with a
// tenant's own lexicon, and re-scoring only the tenant whose overrides changed.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "conversation_store.h"
#include "test_support.h"

namespace zaplify::conversation {
namespace {

using namespace testing;

LoadedData load(const nlohmann::json& config) {
  return load_plugin_data(config, CONVERSATION_LEXICON_DIR, ".");
}

// The message of the error load() throws for `tenant_sentiment: block` ("" when none).
std::string load_error(const nlohmann::json& block) {
  try {
    load({{"tenant_sentiment", block}});
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

std::shared_ptr<const SentimentAnalyzers> analyzers_of(const LoadedData& data) {
  return std::make_shared<const SentimentAnalyzers>(
      std::make_shared<const SentimentAnalyzer>(data.lexicon), data.tenant_lexicons);
}

const nlohmann::json kAcme = {
    {"acme",
     {{"words", {{"cancelar", 0}, {"Adorei", 1}, {"zorbly", 3}}},
      {"phrases", {{"não funciona", -4}, {"bom dia", 2}, {"quero cancelar", 0}}}}}};

TEST(TenantSentimentConfig, ParsesWordsAndPhrases) {
  const auto parsed = parse_tenant_sentiment(kAcme);
  ASSERT_EQ(parsed.size(), 1u);
  const auto& acme = parsed.at("acme");
  ASSERT_EQ(acme.size(), 6u);
  std::map<std::string, std::pair<int, double>> by_key;
  for (const auto& o : acme) by_key[o.key] = {o.words, o.score};
  EXPECT_EQ(by_key.at("adorei"), std::make_pair(1, 1.0));  // folded like messages
  EXPECT_EQ(by_key.at("cancelar"), std::make_pair(1, 0.0));
  EXPECT_EQ(by_key.at("nao funciona"), std::make_pair(2, -4.0));
  EXPECT_TRUE(load({{"tenant_sentiment", kAcme}}).notes.empty());
  // Removing a word leaves the phrases with it; the load says which.
  const auto notes = load({{"tenant_sentiment", {{"acme", {{"words", {{"cancelar", 0}}}}}}}}).notes;
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("tenant_sentiment.acme removes 'cancelar'"), std::string::npos)
      << notes[0];
  EXPECT_NE(notes[0].find("quero cancelar (-3)"), std::string::npos) << notes[0];
  EXPECT_TRUE(parse_tenant_sentiment(nlohmann::json()).empty());
  EXPECT_TRUE(parse_tenant_sentiment(nlohmann::json::object()).empty());
  EXPECT_TRUE(
      load({{"tenant_sentiment", {{"quiet", nlohmann::json::object()}}}}).tenant_lexicons.empty());
}

TEST(TenantSentimentConfig, ErrorsNameTheKey) {
  const std::vector<std::pair<nlohmann::json, std::string>> cases = {
      {nlohmann::json::array({1}), "tenant_sentiment: must be a map"},
      {{{"acme", {"cancelar"}}}, "tenant_sentiment.acme: must be a map"},
      {{{"bad tenant!", {{"words", {{"x", 1}}}}}},
       "tenant_sentiment.bad tenant!: a tenant id must match"},
      {{{"acme", {{"word", {{"x", 1}}}}}}, "tenant_sentiment.acme.word: unknown key"},
      {{{"acme", {{"words", {"cancelar"}}}}},
       "tenant_sentiment.acme.words: must be a map of word to weight"},
      {{{"acme", {{"words", {{"cancelar", "0"}}}}}},
       "tenant_sentiment.acme.words.cancelar: weight must be a number"},
      {{{"acme", {{"words", {{"adorei", 7}}}}}},
       "tenant_sentiment.acme.words.adorei: weight must be a number from -5 to 5"},
      {{{"acme", {{"words", {{"adorei", true}}}}}}, "tenant_sentiment.acme.words.adorei: weight"},
      {{{"acme", {{"words", {{"não funciona", -3}}}}}},
       "tenant_sentiment.acme.words.não funciona: 2 words; list it under phrases"},
      {{{"acme", {{"phrases", {{"funciona", -3}}}}}},
       "tenant_sentiment.acme.phrases.funciona: one word; list it under words"},
      {{{"acme", {{"words", {{"!!", -3}}}}}},
       "tenant_sentiment.acme.words.!!: has no word or emoji"},
      {{{"acme", {{"words", {{"Péssimo", -3}, {"pessimo", -2}}}}}},
       "tenant_sentiment.acme.words: 'Péssimo' and 'pessimo' are the same entry"},
  };
  for (const auto& [block, expected] : cases) {
    const std::string error = load_error(block);
    EXPECT_EQ(error.rfind("conversation config: " + expected, 0), 0u)
        << block.dump() << "\n  got: " << error;
  }
  EXPECT_EQ(load_error(kAcme), "");
}

// YAML to JSON with numbers kept as numbers (as the host's config loader does).
nlohmann::json yaml_json(const YAML::Node& n) {
  if (n.IsMap()) {
    auto o = nlohmann::json::object();
    for (const auto& kv : n) o[kv.first.as<std::string>()] = yaml_json(kv.second);
    return o;
  }
  if (n.IsSequence()) {
    auto a = nlohmann::json::array();
    for (const auto& x : n) a.push_back(yaml_json(x));
    return a;
  }
  double d = 0;
  if (n.IsScalar() && YAML::convert<double>::decode(n, d) && n.Tag() != "!") return d;
  return n.IsNull() ? nlohmann::json() : nlohmann::json(n.as<std::string>());
}

// The commented example in config/analytics.yaml, uncommented, is a valid configuration.
TEST(TenantSentimentConfig, TheShippedExampleLoads) {
  std::ifstream in(ZAPLIFY_SHIPPED_CONFIG);
  std::string line, block;
  bool inside = false;
  while (std::getline(in, line)) {
    const auto hash = line.find('#');
    const std::string body = hash == std::string::npos ? "" : line.substr(hash + 1);
    if (body.rfind(" tenant_sentiment:", 0) == 0)
      inside = true;
    else if (inside && body.rfind("   ", 0) != 0)
      break;
    if (inside) block += body + "\n";
  }
  ASSERT_FALSE(block.empty());
  const auto config = yaml_json(YAML::Load(block));
  const auto data = load(config);
  ASSERT_EQ(data.tenant_lexicons.size(), 1u) << block;
  EXPECT_TRUE(data.notes.empty()) << data.notes.front();
  EXPECT_EQ(analyzers_of(data)->for_tenant("acme").score("quero cancelar"), 0.0);
}

TEST(TenantSentimentScoring, OnlyTheTenantScoresWithItsOverrides) {
  const auto data = load({{"tenant_sentiment", kAcme}});
  ASSERT_EQ(data.tenant_lexicons.size(), 1u);
  const auto analyzers = analyzers_of(data);
  const SentimentAnalyzer& acme = analyzers->for_tenant("acme");
  const SentimentAnalyzer& other = analyzers->for_tenant("other");
  EXPECT_EQ(&other, &analyzers->for_tenant(""));
  EXPECT_EQ(other.score("quero cancelar"), shipped_analyzer().score("quero cancelar"));

  // Removed (0): the word counts nothing, nor its repeated-letter variant.
  EXPECT_LT(other.score("quero cancelar"), -0.05);
  EXPECT_EQ(acme.score("quero cancelar"), 0.0);
  EXPECT_EQ(acme.score("quero cancelarrr"), 0.0);
  EXPECT_LT(acme.score("quero cancelar, péssimo"), -0.05);  // other words still count
  // Re-weighted: weaker praise, same label.
  EXPECT_GT(acme.score("adorei"), 0.05);
  EXPECT_LT(acme.score("adorei"), other.score("adorei"));
  // Added word and phrases; a phrase wins over its words, a greeting phrase can be re-weighted.
  EXPECT_EQ(other.score("zorbly"), 0.0);
  EXPECT_GT(acme.score("zorbly"), 0.05);
  EXPECT_LT(acme.score("o app não funciona"), other.score("o app não funciona"));
  EXPECT_EQ(other.score("bom dia"), 0.0);
  EXPECT_GT(acme.score("bom dia"), 0.05);
  // The rules still apply to the tenant's words.
  EXPECT_LT(acme.score("not zorbly at all"), -0.05);
  EXPECT_LT(acme.score("zorbly 🙄"), -0.05);

  // The tenant's fingerprint differs from the shared one; an identical override gives the same.
  EXPECT_NE(data.tenant_lexicons.at("acme").fingerprint, data.fingerprint);
  const auto same = load({{"tenant_sentiment", {{"acme", {{"words", {{"adorei", 4}}}}}}}});
  EXPECT_EQ(same.tenant_lexicons.at("acme").fingerprint, same.fingerprint);
}

TEST(TenantSentimentScoring, ExplainUsesTheTenantsLexicon) {
  const auto analyzers = analyzers_of(load({{"tenant_sentiment", kAcme}}));
  const auto e = analyzers->for_tenant("acme").explain("zorbly, mas o app não funciona");
  double sum = 0;
  std::set<std::string> terms;
  for (const auto& t : e.terms) {
    sum += t.contribution;
    terms.insert(t.term);
  }
  EXPECT_EQ(sum, e.score);
  EXPECT_TRUE(terms.count("zorbly"));
  EXPECT_TRUE(terms.count("nao funciona"));
  EXPECT_EQ(analyzers->for_tenant("other").explain("zorbly").terms.size(), 0u);
}

double stored_score(const ConversationStore& store, const std::string& tenant,
                    const std::string& id) {
  double v = -99;
  store.query("SELECT score FROM conv_message_scores WHERE tenant_id = ? AND event_id = ?",
              {tenant, id}, [&](const sdk::Row& r) { v = r.number(0); });
  return v;
}

std::map<std::string, std::string> lexicon_state(const ConversationStore& store) {
  std::map<std::string, std::string> out;
  store.query("SELECT name, fingerprint FROM conv_lexicon_state", {},
              [&](const sdk::Row& r) { out[std::string(r.text(0))] = std::string(r.text(1)); });
  return out;
}

// Runs one Rescorer pass to completion; returns (rows re-scored, tenants reported).
std::pair<std::int64_t, std::vector<std::string>> rescore(ConversationStore& store,
                                                          const LoadedData& data) {
  Rescorer r(
      analyzers_of(data), store, [&store](const WriteWork& work) { work(store); },
      [](const std::string&) {});
  std::vector<std::string> tenants;
  r.on_tenant_rescored([&](const std::string& t) { tenants.push_back(t); });
  r.start(data.fingerprint);
  r.wait();
  return {r.rescored(), tenants};
}

TEST(TenantSentimentRescore, OnlyTheChangedTenantIsRescored) {
  ConversationStore store;
  const auto plain = load(nlohmann::json::object());
  for (const std::string tenant : {"acme", "other"}) {  // the host's batches are one tenant's each
    std::vector<sdk::Event> events;
    for (int i = 0; i < 3; ++i)
      events.push_back(message(tenant + std::to_string(i), "c" + std::to_string(i), i, "lead",
                               i == 0   ? "quero cancelar"
                               : i == 1 ? "adorei"
                                        : "zorblax",
                               tenant));
    store.ingest(events, *analyzers_of(plain));
  }
  EXPECT_EQ(rescore(store, plain).first, 6);  // rows but no fingerprint yet: all, once
  EXPECT_EQ(rescore(store, plain).first, 0);
  const double other_cancel = stored_score(store, "other", "other0");
  EXPECT_LT(stored_score(store, "acme", "acme0"), -0.05);

  // Overrides for acme: only acme's three rows are re-scored, and acme's cache is dropped.
  const auto with_acme = load({{"tenant_sentiment", kAcme}});
  auto [rows, tenants] = rescore(store, with_acme);
  EXPECT_EQ(rows, 3);
  EXPECT_EQ(tenants, std::vector<std::string>{"acme"});
  EXPECT_EQ(stored_score(store, "acme", "acme0"), 0.0);
  EXPECT_EQ(stored_score(store, "acme", "acme1"),
            analyzers_of(with_acme)->for_tenant("acme").score("adorei"));
  EXPECT_EQ(stored_score(store, "other", "other0"), other_cancel);
  EXPECT_EQ(lexicon_state(store).at("tenant:acme"),
            with_acme.tenant_lexicons.at("acme").fingerprint);
  EXPECT_EQ(rescore(store, with_acme).first, 0);  // recorded: nothing to do on the next start
  // The conversation's score sum followed its message's new score.
  double sum = -99;
  store.query(
      "SELECT score_sum FROM conv_scores WHERE tenant_id = 'acme' AND conversation_id = 'c0'", {},
      [&](const sdk::Row& r) { sum = r.number(0); });
  EXPECT_EQ(sum, 0.0);

  // Overrides removed: acme goes back to the shared lexicon and its state row goes.
  std::tie(rows, tenants) = rescore(store, plain);
  EXPECT_EQ(rows, 3);
  EXPECT_EQ(stored_score(store, "acme", "acme0"), other_cancel);
  EXPECT_FALSE(lexicon_state(store).count("tenant:acme"));

  // A change of the shared lexicon re-scores everyone, each with its own lexicon.
  auto changed = with_acme;
  auto lexicon = std::make_shared<Lexicon>(*plain.lexicon);
  lexicon->add_tsv("zorblax\t2\n", "extra.tsv");
  changed.lexicon = lexicon;
  changed.fingerprint = "changed";
  std::tie(rows, tenants) = rescore(store, changed);
  EXPECT_EQ(rows, 6);
  EXPECT_EQ(tenants, (std::vector<std::string>{"acme", "other"}));
  EXPECT_EQ(stored_score(store, "acme", "acme0"), 0.0);
  EXPECT_GT(stored_score(store, "other", "other2"), 0.0);
  EXPECT_EQ(lexicon_state(store).size(), 2u);
}

TEST(TenantSentimentRescore, IngestScoresEachTenantWithItsLexicon) {
  ConversationStore store;
  const auto data = load({{"tenant_sentiment", kAcme}});
  store.ingest({message("a", "c1", 1, "lead", "quero cancelar", "acme")}, *analyzers_of(data));
  store.ingest({message("b", "c1", 2, "lead", "quero cancelar", "other")}, *analyzers_of(data));
  EXPECT_EQ(stored_score(store, "acme", "a"), 0.0);
  EXPECT_LT(stored_score(store, "other", "b"), -0.05);
}

}  // namespace
}  // namespace zaplify::conversation
