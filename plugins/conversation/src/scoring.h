#pragma once
// Scoring lead messages into the plugin's own table, at ingest (inside the ingest transaction) and
// again in the background when the lexicon changes.
//
// Table conv_message_scores(tenant_id, event_id, conversation_id, ts, score, label, words): one
// row per lead message, keyed (tenant_id, ts, event_id) and nothing else (one B-tree insert per
// lead message; PostgreSQL adds a covering (tenant_id, ts) index); `words` is folded_words() of the
// text, so the topic and term route never re-tokenises raw text. conv_lexicon_state(name, fingerprint) remembers which lexicon scored it.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "sentiment_analyzer.h"
#include "zaplify/sdk/events.h"
#include "zaplify/sdk/store.h"

namespace zaplify::conversation {

inline constexpr const char* kScoresTable = "conv_message_scores";

/// The plugin's schema steps (both dialects).
std::vector<sdk::Migration> scoring_migrations();

/// What is stored for one message.
struct MessageScore {
  double score = 0;
  int label = 0;       ///< -1, 0, 1
  std::string words;   ///< folded_words() of the text
};

/// Scores one text. Thread-safe.
MessageScore score_message(const SentimentAnalyzer& analyzer, std::string_view text);

/// The ingest hook body: inserts a score row for every lead message of the batch and merges the
/// batch into the per-conversation summary (conversation_summary.h).
/// Thread-safe; `analyzer` must outlive the call.
void score_batch(const SentimentAnalyzer& analyzer, const sdk::IngestBatch& batch,
                 sdk::SqlWriter& writer);

/// Transaction runner for the background re-scoring: runs `work` in one short write transaction
/// of its own, outside any ingest transaction (the host's Host::write).
using WriteWork = std::function<void(sdk::SqlWriter&)>;
using WriteTransaction = std::function<void(const WriteWork& work)>;

/// Re-scores every stored lead message when the lexicon fingerprint differs from the stored one.
/// Runs on its own thread; reads keep serving the old scores meanwhile (each row is replaced
/// atomically). stop() asks it to finish and joins; safe to call twice.
class Rescorer {
 public:
  Rescorer(std::shared_ptr<const SentimentAnalyzer> analyzer, const sdk::Store& store,
           WriteTransaction write, std::function<void(const std::string&)> log);
  ~Rescorer();

  /// Starts the background thread: it waits until the plugin's tables exist (migrations run after
  /// Plugin::start), compares `fingerprint` with the stored one and re-scores when they differ.
  void start(const std::string& fingerprint);
  void stop() noexcept;
  /// Rows re-scored so far (for logs and tests).
  std::int64_t rescored() const { return rescored_.load(); }
  /// Blocks until the pass is over (tests).
  void wait();

 private:
  void run(const std::string& fingerprint);
  /// True when a pass is needed; records the fingerprint of an empty table. Throws StoreError.
  bool needs_rescoring(const std::string& fingerprint);
  void rescore_all(const std::string& fingerprint);
  void remember(const std::string& fingerprint);

  std::shared_ptr<const SentimentAnalyzer> analyzer_;
  const sdk::Store& store_;
  WriteTransaction write_;
  std::function<void(const std::string&)> log_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::int64_t> rescored_{0};
  std::unique_ptr<std::thread> thread_;
};

}  // namespace zaplify::conversation
