#include "scoring.h"

#include <cstdint>
#include <thread>

#include "conversation_summary.h"

namespace zaplify::conversation {
namespace {

constexpr const char* kStateKey = "lexicon";
constexpr int kRescoreChunk = 2000;

}  // namespace

std::vector<sdk::Migration> scoring_migrations() {
  sdk::Migration m;
  m.version = 1;
  m.description = "conversation: per-message sentiment scores and folded words";
  const std::string columns =
      " tenant_id TEXT NOT NULL, event_id TEXT NOT NULL, conversation_id TEXT NOT NULL,"
      " ts BIGINT NOT NULL, score DOUBLE PRECISION NOT NULL, label INTEGER NOT NULL,"
      " words TEXT NOT NULL,";
  const std::string common =
      "CREATE UNIQUE INDEX IF NOT EXISTS conv_message_scores_event"
      " ON conv_message_scores (tenant_id, event_id);"
      "CREATE INDEX IF NOT EXISTS conv_message_scores_conv"
      " ON conv_message_scores (tenant_id, conversation_id, ts);"
      "CREATE TABLE IF NOT EXISTS conv_lexicon_state ("
      " name TEXT NOT NULL PRIMARY KEY, fingerprint TEXT NOT NULL)";
  // SQLite: clustered by (tenant_id, ts), so a window is one sequential range of the table
  // (measured: 2-3x faster than an index plus row lookups for the topic route's scan).
  m.sql = "CREATE TABLE IF NOT EXISTS conv_message_scores (" + columns +
          " PRIMARY KEY (tenant_id, ts, event_id)) WITHOUT ROWID;" + common;
  // PostgreSQL: a heap with a covering index for the sentiment route's scans.
  m.postgres_sql = "CREATE TABLE IF NOT EXISTS conv_message_scores (" + columns +
                   " PRIMARY KEY (tenant_id, ts, event_id));"
                   "CREATE INDEX IF NOT EXISTS conv_message_scores_ts"
                   " ON conv_message_scores (tenant_id, ts) INCLUDE (label, score);" + common;
  // Migration 3: fewer B-trees per lead message. Scores are found by their primary key (the
  // rescorer pages over it; the real-time feed reaches the last lead message through events), and
  // the summary's purge scans the table once per purge instead of every message moving an index.
  sdk::Migration lean;
  lean.version = 3;
  lean.description = "conversation: drop per-message secondary indexes and the summary's purge index";
  lean.sql = "DROP INDEX IF EXISTS conv_message_scores_event;"
             "DROP INDEX IF EXISTS conv_message_scores_conv;"
             "DROP INDEX IF EXISTS conv_summary_last";
  return {m, summary_migration(2), lean};
}

MessageScore score_message(const SentimentAnalyzer& analyzer, std::string_view text) {
  thread_local TokenizedText tokens;
  tokenize(text, tokens);
  MessageScore out;
  out.score = analyzer.score_tokens(tokens);
  out.label = static_cast<int>(label_of(out.score));
  append_folded_words(tokens, out.words);
  return out;
}

void score_batch(const SentimentAnalyzer& analyzer, const sdk::IngestBatch& batch,
                 sdk::SqlWriter& writer) {
  if (batch.events == nullptr) return;
  const auto& events = *batch.events;
  std::vector<std::vector<sdk::Value>> rows;
  std::vector<double> lead_scores(events.size(), 0.0);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    if (e.type != "message" || e.sender != "lead") continue;
    auto s = score_message(analyzer, e.text);
    lead_scores[i] = s.score;
    rows.push_back({e.tenant_id, e.id, e.conversation_id, e.ts_ms, s.score,
                    static_cast<std::int64_t>(s.label), std::move(s.words)});
  }
  static const std::vector<std::string> columns{"tenant_id", "event_id", "conversation_id", "ts",
                                                "score",     "label",    "words"};
  if (!rows.empty()) writer.insert_rows(kScoresTable, columns, rows);
  if (events.empty()) return;
  const std::string& tenant = batch.tenant_id.empty() ? events.front().tenant_id : batch.tenant_id;
  upsert_summaries(writer, tenant, summarize_batch(events, lead_scores));
}

Rescorer::Rescorer(std::shared_ptr<const SentimentAnalyzer> analyzer, const sdk::Store& store,
                   WriteTransaction write, std::function<void(const std::string&)> log)
    : analyzer_(std::move(analyzer)), store_(store), write_(std::move(write)), log_(std::move(log)) {}

Rescorer::~Rescorer() { stop(); }

void Rescorer::start(const std::string& fingerprint) {
  stop();
  stopping_ = false;
  thread_ = std::make_unique<std::thread>([this, fingerprint] { run(fingerprint); });
}

bool Rescorer::needs_rescoring(const std::string& fingerprint) {
  std::string stored;
  store_.query("SELECT fingerprint FROM conv_lexicon_state WHERE name = ?", {std::string(kStateKey)},
               [&](const sdk::Row& r) { stored = std::string(r.text(0)); });
  if (stored == fingerprint) return false;
  bool any = false;
  store_.query("SELECT 1 FROM conv_message_scores LIMIT 1", {}, [&](const sdk::Row&) { any = true; });
  if (any) return true;
  // Nothing scored yet: just remember which lexicon scores from now on.
  remember(fingerprint);
  return false;
}

void Rescorer::run(const std::string& fingerprint) {
  // The tables appear once the host has applied the migrations, shortly after start().
  bool needed = false;
  for (int attempt = 0;; ++attempt) {
    if (stopping_) return;
    try {
      needed = needs_rescoring(fingerprint);
      break;
    } catch (const std::exception& e) {
      if (attempt >= 600) {
        log_(std::string("lexicon check gave up: ") + e.what());
        return;
      }
      for (int i = 0; i < 5 && !stopping_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  if (needed) rescore_all(fingerprint);
}

void Rescorer::rescore_all(const std::string& fingerprint) {
  try {
    // Keyset pagination over the primary key (tenant_id, ts, event_id): every chunk is a short read.
    std::string last_tenant, last_id;
    std::int64_t last_ts = INT64_MIN;
    while (!stopping_) {
      struct Item {
        std::string tenant, id, text, conversation;
        double old_score;
        std::int64_t ts;
      };
      std::vector<Item> items;
      store_.query(
          "SELECT s.tenant_id, s.event_id, e.text, s.conversation_id, s.score, s.ts"
          " FROM conv_message_scores s JOIN events e ON e.tenant_id = s.tenant_id AND e.id = s.event_id"
          " WHERE s.tenant_id > ? OR (s.tenant_id = ? AND (s.ts > ? OR (s.ts = ? AND s.event_id > ?)))"
          " ORDER BY s.tenant_id, s.ts, s.event_id LIMIT " + std::to_string(kRescoreChunk),
          {last_tenant, last_tenant, last_ts, last_ts, last_id}, [&](const sdk::Row& r) {
            items.push_back({std::string(r.text(0)), std::string(r.text(1)), std::string(r.text(2)),
                             std::string(r.text(3)), r.number(4), r.int64(5)});
          });
      if (items.empty()) break;
      if (stopping_) return;
      // One short transaction per chunk: a message's new score and its conversation's score sum
      // change together (the sum moves by the difference, which commutes with ingestion).
      write_([&](sdk::SqlWriter& w) {
        for (const auto& it : items) {
          auto s = score_message(*analyzer_, it.text);
          w.execute("UPDATE conv_message_scores SET score = ?, label = ?, words = ?"
                    " WHERE tenant_id = ? AND ts = ? AND event_id = ?",
                    {s.score, static_cast<std::int64_t>(s.label), s.words, it.tenant, it.ts, it.id});
          if (s.score != it.old_score) adjust_score_sum(w, it.tenant, it.conversation, s.score - it.old_score);
        }
      });
      rescored_ += static_cast<std::int64_t>(items.size());
      last_tenant = items.back().tenant;
      last_ts = items.back().ts;
      last_id = items.back().id;
    }
    if (stopping_) return;
    remember(fingerprint);
    log_("lexicon changed: re-scored " + std::to_string(rescored_.load()) + " lead messages");
  } catch (const std::exception& e) {
    log_(std::string("re-scoring stopped: ") + e.what());
  }
}


void Rescorer::remember(const std::string& fingerprint) {
  write_([&](sdk::SqlWriter& w) {
    w.execute("DELETE FROM conv_lexicon_state WHERE name = ?", {std::string(kStateKey)});
    w.execute("INSERT INTO conv_lexicon_state (name, fingerprint) VALUES (?, ?)",
              {std::string(kStateKey), fingerprint});
  });
}

void Rescorer::wait() {
  if (thread_ && thread_->joinable()) thread_->join();
}

void Rescorer::stop() noexcept {
  stopping_ = true;
  if (thread_ && thread_->joinable()) thread_->join();
}

}  // namespace zaplify::conversation
