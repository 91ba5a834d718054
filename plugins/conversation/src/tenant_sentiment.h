#pragma once
// Per-tenant sentiment overrides (`tenant_sentiment` in the plugin's `config:` block) and the
// analyser each tenant's lead messages are scored with.
//
//   tenant_sentiment:
//     acme:                                # a tenant id, [A-Za-z0-9_-]{1,64}
//       words: {cancelar: 0, adorei: 3}    # add, re-weight (-5..5) or remove (weight 0) a word
//       phrases: {"não funciona": -3}      # the same for entries of two or more words
//
// A tenant listed here scores with a copy of the shared lexicon (shipped files plus `lexicons:`)
// with its entries on top; every other tenant scores with the shared one. Entries are folded like
// messages (case, accents), and each one names exactly one lexicon key: removing "cancelar" leaves
// "cancelado" and the phrase "quero cancelar" as they are (list them too if they should go).

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "lexicon.h"
#include "sentiment_analyzer.h"

namespace zaplify::conversation {

/// One validated entry of a tenant's overrides.
struct LexiconOverride {
  std::string key;   ///< Folded, as Lexicon::fold_entry() gives it.
  int words = 1;     ///< Words or emoji in `key`.
  double score = 0;  ///< -5..5; 0 removes the entry.
};

/// Overrides by tenant id.
using TenantOverrides = std::map<std::string, std::vector<LexiconOverride>, std::less<>>;

/// Parses and validates a `tenant_sentiment` block (null: none). Throws std::invalid_argument
/// whose message starts with the offending key, e.g. "tenant_sentiment.acme.words.não funciona:
/// two words; list it under phrases". Accepts nothing it would ignore: unknown keys, weights
/// outside -5..5 or not numbers, words that are phrases and phrases that are one word, entries
/// with nothing to match, two entries that fold to the same key, malformed tenant ids.
TenantOverrides parse_tenant_sentiment(const nlohmann::json& block);

/// A copy of `shared` with `overrides` applied on top.
std::shared_ptr<const Lexicon> with_overrides(const Lexicon& shared,
                                              const std::vector<LexiconOverride>& overrides);

/// A tenant's own lexicon and the fingerprint stored scores are checked against.
struct TenantLexicon {
  std::shared_ptr<const Lexicon> lexicon;
  std::string fingerprint;
};
using TenantLexicons = std::map<std::string, TenantLexicon, std::less<>>;

/// The analyser of every tenant. Immutable after construction; thread-safe.
class SentimentAnalyzers {
 public:
  struct Tenant {
    std::shared_ptr<const SentimentAnalyzer> analyzer;
    std::string fingerprint;
  };

  /// `shared` scores every tenant not in `tenants`.
  explicit SentimentAnalyzers(std::shared_ptr<const SentimentAnalyzer> shared,
                              const TenantLexicons& tenants = {});

  /// The analyser of `tenant`; the reference lives as long as this object.
  const SentimentAnalyzer& for_tenant(std::string_view tenant) const { return *shared_for(tenant); }
  const std::shared_ptr<const SentimentAnalyzer>& shared_for(std::string_view tenant) const {
    if (tenants_.empty()) return shared_;
    const auto it = tenants_.find(tenant);
    return it == tenants_.end() ? shared_ : it->second.analyzer;
  }
  /// The tenants with overrides.
  const std::map<std::string, Tenant, std::less<>>& tenants() const { return tenants_; }

 private:
  std::shared_ptr<const SentimentAnalyzer> shared_;
  std::map<std::string, Tenant, std::less<>> tenants_;
};

}  // namespace zaplify::conversation
