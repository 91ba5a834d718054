#pragma once
// Scoring lead messages into the plugin's own table, at ingest (inside the ingest transaction) and
// again in the background when the lexicon (or one tenant's overrides) changes.
//
// Table conv_message_scores(tenant_id, event_id, conversation_id, ts, score, label, words): one
// row per lead message, keyed (tenant_id, ts, event_id) and nothing else (one B-tree insert per
// lead message; PostgreSQL adds a covering (tenant_id, ts) index); `words` is folded_words() of the
// text, so the topic and term route never re-tokenises raw text. conv_lexicon_state(name,
// fingerprint) remembers which lexicon scored it: row "lexicon" for the shared one, "tenant:<id>"
// for each tenant with its own (tenant_sentiment.h).

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "sentiment_analyzer.h"
#include "tenant_sentiment.h"
#include "zaplify/sdk/events.h"
#include "zaplify/sdk/store.h"

namespace zaplify::conversation {

inline constexpr const char* kScoresTable = "conv_message_scores";

/// The plugin's schema steps (both dialects).
std::vector<sdk::Migration> scoring_migrations();

/// What is stored for one message.
struct MessageScore {
  double score = 0;
  int label = 0;      ///< -1, 0, 1
  std::string words;  ///< folded_words() of the text
};

/// Scores one text. Thread-safe.
MessageScore score_message(const SentimentAnalyzer& analyzer, std::string_view text);

/// The ingest hook body: inserts a score row for every lead message of the batch, each scored with
/// its tenant's analyser, and merges the batch into the per-conversation summary
/// (conversation_summary.h: its score sum). Thread-safe; `analyzers` must outlive the call.
void score_batch(const SentimentAnalyzers& analyzers, const sdk::IngestBatch& batch,
                 sdk::SqlWriter& writer);
/// The same with one analyser for every tenant.
void score_batch(const SentimentAnalyzer& analyzer, const sdk::IngestBatch& batch,
                 sdk::SqlWriter& writer);

/// Records, unless already recorded, which lexicons score this batch's lead messages: the shared
/// `fingerprint`, and each override's for the batch's tenants that have one. Run it in the same
/// transaction as score_batch: a Rescorer that starts after this ingest then finds its lexicons
/// recorded and leaves the fresh scores (and the answers cached from them) alone, instead of
/// taking unrecorded scores for ones of an unknown lexicon. Never overwrites a recorded value,
/// so a changed lexicon is still re-scored. Thread-safe.
void note_scoring_lexicons(const SentimentAnalyzers& analyzers, const std::string& fingerprint,
                           const sdk::IngestBatch& batch, sdk::SqlWriter& writer);

/// Transaction runner for the background re-scoring: runs `work` in one short write transaction
/// of its own, outside any ingest transaction (the host's Host::write).
using WriteWork = std::function<void(sdk::SqlWriter&)>;
using WriteTransaction = std::function<void(const WriteWork& work)>;

/// Re-scores stored lead messages whose lexicon changed: every one when the shared lexicon's
/// fingerprint differs from the stored one, else only the messages of each tenant whose own
/// fingerprint (tenant_sentiment overrides added, changed or removed) differs. Runs on its own
/// thread; reads keep serving the old scores meanwhile (each row is replaced atomically). stop()
/// asks it to finish and joins; safe to call twice. Passes of several Rescorers in one process
/// (a plugin restarted by a reload) run one after the other, each planned when its turn comes.
class Rescorer {
 public:
  using Log = std::function<void(const std::string&)>;
  Rescorer(std::shared_ptr<const SentimentAnalyzers> analyzers, const sdk::Store& store,
           WriteTransaction write, Log log);
  /// One analyser for every tenant (no overrides).
  Rescorer(std::shared_ptr<const SentimentAnalyzer> analyzer, const sdk::Store& store,
           WriteTransaction write, Log log);
  ~Rescorer();

  /// Called on the rescorer's thread with each tenant whose stored scores were re-scored (e.g. to
  /// drop its cached answers). Optional. REQUIRES: set before start().
  void on_tenant_rescored(std::function<void(const std::string& tenant)> callback) {
    on_tenant_rescored_ = std::move(callback);
  }

  /// Starts the background thread: it waits until the plugin's tables exist (migrations run after
  /// Plugin::start), compares `fingerprint` (the shared lexicon's) and each tenant's with the
  /// stored ones and re-scores what differs.
  void start(const std::string& fingerprint);
  void stop() noexcept;
  /// Rows re-scored so far (for logs and tests).
  std::int64_t rescored() const { return rescored_.load(); }
  /// Blocks until the pass is over (tests).
  void wait();

 private:
  /// What a start() has to do. `desired` maps each conv_lexicon_state name to its fingerprint.
  struct Plan {
    bool everything = false;           ///< the shared lexicon changed
    std::vector<std::string> tenants;  ///< else: these tenants' overrides changed
    std::map<std::string, std::string> desired;
    std::map<std::string, std::string> stored;
  };
  void run(const std::string& fingerprint);
  /// Reads the stored fingerprints; records the desired ones at once when nothing is scored yet.
  /// Throws StoreError (e.g. before the migrations ran).
  Plan plan(const std::string& fingerprint);
  /// Re-scores the rows of `tenant` (every tenant's when null). False when stopped or failed.
  bool rescore(const std::string* tenant);
  /// Writes `set` into conv_lexicon_state and deletes the names in `drop`, in one transaction.
  void record(const std::map<std::string, std::string>& set, const std::vector<std::string>& drop);

  std::shared_ptr<const SentimentAnalyzers> analyzers_;
  const sdk::Store& store_;
  WriteTransaction write_;
  Log log_;
  std::function<void(const std::string&)> on_tenant_rescored_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::int64_t> rescored_{0};
  std::unique_ptr<std::thread> thread_;
};

}  // namespace zaplify::conversation
