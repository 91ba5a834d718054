#include "tenant_sentiment.h"

#include <cmath>
#include <stdexcept>

namespace zaplify::conversation {
namespace {

// The host's rule for tenant ids (X-Tenant-ID and the token's tenant_id claim).
bool valid_tenant_id(std::string_view t) {
  if (t.empty() || t.size() > 64) return false;
  for (char c : t)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-'))
      return false;
  return true;
}

[[noreturn]] void fail(const std::string& key, const std::string& why) {
  throw std::invalid_argument(key + ": " + why);
}

// Reads `words` (phrase = false) or `phrases` of one tenant into `out`.
void parse_entries(const nlohmann::json& map, const std::string& key, bool phrase,
                   std::vector<LexiconOverride>& out) {
  if (!map.is_object())
    fail(key, std::string("must be a map of ") + (phrase ? "phrase" : "word") +
                  " to weight (-5 to 5, 0 removes it)");
  std::map<std::string, std::string> seen;  // folded key -> entry as written
  for (const auto& [entry, weight] : map.items()) {
    const std::string where = key + "." + entry;
    if (!weight.is_number() || !std::isfinite(weight.get<double>()) || weight.get<double>() < -5 ||
        weight.get<double>() > 5)
      fail(where, "weight must be a number from -5 to 5 (0 removes the entry)");
    LexiconOverride o;
    o.key = Lexicon::fold_entry(entry, o.words);
    o.score = weight.get<double>();
    if (o.words == 0) fail(where, "has no word or emoji to match");
    if (!phrase && o.words > 1)
      fail(where, std::to_string(o.words) + " words; list it under phrases");
    if (phrase && o.words == 1) fail(where, "one word; list it under words");
    const auto [it, fresh] = seen.emplace(o.key, entry);
    if (!fresh)
      fail(key, "'" + it->second + "' and '" + entry + "' are the same entry once folded ('" +
                    o.key + "')");
    out.push_back(std::move(o));
  }
}

}  // namespace

TenantOverrides parse_tenant_sentiment(const nlohmann::json& block) {
  TenantOverrides out;
  if (block.is_null()) return out;
  if (!block.is_object())
    fail("tenant_sentiment", "must be a map of tenant id to {words, phrases}");
  for (const auto& [tenant, spec] : block.items()) {
    const std::string key = "tenant_sentiment." + tenant;
    if (!valid_tenant_id(tenant)) fail(key, "a tenant id must match [A-Za-z0-9_-]{1,64}");
    if (!spec.is_object()) fail(key, "must be a map with `words` and/or `phrases`");
    std::vector<LexiconOverride> entries;
    for (const auto& [part, map] : spec.items()) {
      if (part != "words" && part != "phrases")
        fail(key + "." + part, "unknown key (expected words or phrases)");
      parse_entries(map, key + "." + part, part == "phrases", entries);
    }
    out.emplace(tenant, std::move(entries));
  }
  return out;
}

std::shared_ptr<const Lexicon> with_overrides(const Lexicon& shared,
                                              const std::vector<LexiconOverride>& overrides) {
  auto lexicon = std::make_shared<Lexicon>(shared);
  for (const auto& o : overrides) lexicon->set(o.key, o.words, o.score);
  return lexicon;
}

SentimentAnalyzers::SentimentAnalyzers(std::shared_ptr<const SentimentAnalyzer> shared,
                                       const TenantLexicons& tenants)
    : shared_(std::move(shared)) {
  for (const auto& [tenant, lexicon] : tenants)
    tenants_.emplace(tenant, Tenant{std::make_shared<const SentimentAnalyzer>(lexicon.lexicon),
                                    lexicon.fingerprint});
}

}  // namespace zaplify::conversation
