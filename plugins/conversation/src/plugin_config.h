#pragma once
// The conversation plugin's `config:` block and the data files it loads.
//
//   config:
//     lexicons: [extra.tsv, ...]   # AFINN-style files added after the shipped ones (optional)
//     topics: {name: [keyword or phrase, ...], ...}   # the taxonomy (optional, default none)
//     tenant_topics: {tenant_id: {name: [...], ...}}   # replaces `topics` for that tenant
//     (optional) tenant_sentiment: {tenant_id: {words: {w: weight}, phrases: {p: weight}}}   #
//     (optional,
//                                  # tenant_sentiment.h) that tenant's lexicon entries on top

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lexicon.h"
#include "tenant_sentiment.h"
#include "topics.h"

namespace zaplify::conversation {

/// Everything loaded at start; immutable afterwards and shared by all handler threads.
struct LoadedData {
  std::shared_ptr<const Lexicon> lexicon;
  std::shared_ptr<const TopicMatcher> topics;  ///< The default taxonomy (`topics`).
  /// `tenant_topics`: a tenant listed here gets its own taxonomy instead of the default.
  std::map<std::string, std::shared_ptr<const TopicMatcher>, std::less<>> tenant_topics;
  std::shared_ptr<const StringSet> stop_words;
  std::string fingerprint;  ///< The shared lexicon's digest plus the analyser version.
  /// `tenant_sentiment`: a tenant listed here scores with its own lexicon (the shared one with its
  /// overrides on top), fingerprinted the same way.
  TenantLexicons tenant_lexicons;
  /// Things an operator should know about the config (logged at start), e.g. shared phrases that
  /// still count after a tenant removed one of their words.
  std::vector<std::string> notes;

  /// The taxonomy of `tenant`. REQUIRES: loaded by load_plugin_data().
  const TopicMatcher& topics_for(std::string_view tenant) const {
    const auto it = tenant_topics.find(tenant);
    return it == tenant_topics.end() ? *topics : *it->second;
  }
};

/// Loads the shipped files from `data_dir` (en.tsv, pt.tsv, emoji.tsv, stopwords_*.txt) and the
/// extra lexicons of `config`; relative extra paths are tried as given, then under `plugin_dir`.
/// Throws std::runtime_error naming the key or file for an unknown key, a wrong type, a missing
/// file, a malformed line, a taxonomy that is not a map of keyword lists (or has a keyword
/// without any word), or a malformed `tenant_sentiment` entry (parse_tenant_sentiment()).
LoadedData load_plugin_data(const nlohmann::json& config, const std::string& data_dir,
                            const std::string& plugin_dir);

/// Reads a whole file; throws std::runtime_error naming it when it cannot be read.
std::string read_file(const std::string& path);

}  // namespace zaplify::conversation
