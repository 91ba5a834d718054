// The conversation plugin's `config:` declaration (sdk/config.h): the host checks a block with it
// before the plugin starts and before a changed block replaces the running one on reload.

#include "config_spec.h"

#include "plugin_config.h"

namespace zaplify::conversation {

sdk::ConfigSpec conversation_config() {
  namespace s = sdk::schema;
  const auto keywords = s::array_of(s::string(), "Keywords or phrases (stemmed, EN and PT)");
  const auto taxonomy = s::map_of(keywords, "Keyword lists by topic name");
  const auto weights = s::map_of(s::number(), "Weight by entry, -5..5 (0 removes it)");
  const auto overrides = s::object("One tenant's lexicon entries on top of the shared ones")
                             .optional_field("words", weights)
                             .optional_field("phrases", weights);
  sdk::ConfigSpec spec;
  spec.keys = {{"lexicons",
                s::array_of(s::string(),
                            "Extra AFINN-style files (word<TAB>score, -5..5), after the "
                            "shipped ones; relative paths are also tried beside the plugin"),
                "[]"},
               {"topics",
                s::map_of(keywords,
                          "The topic taxonomy of every tenant not in tenant_topics: "
                          "keyword lists by topic name"),
                "{}"},
               {"tenant_topics",
                s::map_of(taxonomy,
                          "A tenant's own taxonomy (replaces topics), by "
                          "tenant_id; a change re-applies to stored messages"),
                "{}"},
               {"tenant_sentiment",
                s::map_of(overrides,
                          "Sentiment lexicon overrides by tenant_id; a "
                          "change re-scores that tenant's stored messages"),
                "{}"}};
  // The loader start() uses: lexicon files that exist and parse, taxonomies with words, overrides
  // within -5..5 and written as words or phrases as they are.
  spec.check = sdk::check_by_parsing(
      [](const nlohmann::json& block, const sdk::ConfigCheckContext& context) {
        load_plugin_data(block, context.plugin_dir + "/conversation/lexicons", context.plugin_dir);
      });
  return spec;
}

}  // namespace zaplify::conversation
