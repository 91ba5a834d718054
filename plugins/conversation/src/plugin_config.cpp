#include "plugin_config.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "sentiment_cues.h"

namespace zaplify::conversation {
namespace {

// Bump when the analyser's rules change, so stored scores are recomputed like after a lexicon edit.
// The rules' word lists (cues/*.txt, embedded) count as rules: their digest is part of it too.
constexpr const char* kAnalyzerVersion =
    "vader-like-4";  // 2: chat phrasing rules (issue 18); 3, 4: its second and third slices

std::string fingerprint_of(const Lexicon& lexicon) {
  char hex[40];
  std::snprintf(hex, sizeof hex, "%016llx.%016llx",
                static_cast<unsigned long long>(lexicon.fingerprint()),
                static_cast<unsigned long long>(cues::digest()));
  return std::string(kAnalyzerVersion) + ":" + hex;
}

bool readable(const std::string& path) {
  std::ifstream f(path);
  return f.good();
}

}  // namespace

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

LoadedData load_plugin_data(const nlohmann::json& config, const std::string& data_dir,
                            const std::string& plugin_dir) {
  if (!config.is_null() && !config.is_object())
    throw std::runtime_error("conversation config must be a map");
  for (const auto& [key, value] : config.items())
    if (key != "lexicons" && key != "topics" && key != "tenant_topics" && key != "tenant_sentiment")
      throw std::runtime_error("conversation config: unknown key '" + key + "'");

  auto lexicon = std::make_shared<Lexicon>();
  for (const char* name : {"en.tsv", "pt.tsv", "emoji.tsv"}) {
    const std::string path = data_dir + "/" + name;
    lexicon->add_tsv(read_file(path), path);
  }
  if (config.contains("lexicons")) {
    const auto& extra = config["lexicons"];
    if (!extra.is_array())
      throw std::runtime_error("conversation config: lexicons must be a list of paths");
    for (const auto& p : extra) {
      if (!p.is_string())
        throw std::runtime_error("conversation config: lexicons must be a list of paths");
      std::string path = p.get<std::string>();
      if (!readable(path) && !path.empty() && path.front() != '/' &&
          readable(plugin_dir + "/" + path))
        path = plugin_dir + "/" + path;
      lexicon->add_tsv(read_file(path), path);
    }
  }

  TenantLexicons tenant_lexicons;
  std::vector<std::string> notes;
  try {
    for (const auto& [tenant, overrides] : parse_tenant_sentiment(
             config.contains("tenant_sentiment") ? config["tenant_sentiment"] : nlohmann::json())) {
      if (overrides.empty()) continue;  // `acme: {}` changes nothing
      auto own = with_overrides(*lexicon, overrides);
      for (const auto& o : overrides) {
        if (o.score != 0 || o.words != 1) continue;
        std::string kept;
        for (const auto& phrase : own->phrases_with(o.key)) {
          bool found = false;
          const double v = own->find(phrase, found);
          char weight[32];
          std::snprintf(weight, sizeof weight, " (%g)", v);
          if (v != 0) kept += (kept.empty() ? "" : ", ") + phrase + weight;
        }
        if (!kept.empty())
          notes.push_back("tenant_sentiment." + tenant + " removes '" + o.key +
                          "'; these phrases with it still count" +
                          " (list them under phrases to change them): " + kept);
      }
      tenant_lexicons.emplace(tenant, TenantLexicon{own, fingerprint_of(*own)});
    }
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(std::string("conversation config: ") + e.what());
  }

  auto stop = std::make_shared<StringSet>();
  for (const char* name : {"stopwords_en.txt", "stopwords_pt.txt"})
    add_stop_words(read_file(data_dir + "/" + name), *stop);

  // One stem cache for every taxonomy: a tenant's words are stemmed once, whichever taxonomy reads.
  auto stems = std::make_shared<StemCache>();
  std::shared_ptr<const TopicMatcher> topics;
  std::map<std::string, std::shared_ptr<const TopicMatcher>, std::less<>> tenant_topics;
  try {
    topics = std::make_shared<TopicMatcher>(
        config.contains("topics") ? config["topics"] : nlohmann::json(), stems, "topics");
    if (config.contains("tenant_topics")) {
      const auto& tenants = config["tenant_topics"];
      if (!tenants.is_object())
        throw std::invalid_argument("tenant_topics must be a map of tenant id to taxonomy");
      for (const auto& [tenant, taxonomy] : tenants.items()) {
        const std::string key = "tenant_topics." + tenant;
        if (tenant.empty()) throw std::invalid_argument("tenant_topics: a tenant id is empty");
        // A tenant listed with no map is a typo, not "no topics" (that is written {}).
        if (!taxonomy.is_object())
          throw std::invalid_argument(key + " must be a map of topic name to keyword list");
        tenant_topics.emplace(tenant, std::make_shared<TopicMatcher>(taxonomy, stems, key));
      }
    }
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(std::string("conversation config: ") + e.what());
  }

  LoadedData out;
  out.fingerprint = fingerprint_of(*lexicon);
  out.tenant_lexicons = std::move(tenant_lexicons);
  out.notes = std::move(notes);
  out.lexicon = std::move(lexicon);
  out.topics = std::move(topics);
  out.tenant_topics = std::move(tenant_topics);
  out.stop_words = std::move(stop);
  return out;
}

}  // namespace zaplify::conversation
