#pragma once
// The SDK test kit's SQLite store (the server's own schema) with the conversation plugin's tables
// and its ingestion (lead messages scored by the plugin's hook), plus builders for hand-made
// events.

#include <string>
#include <utility>
#include <vector>

#include "scoring.h"
#include "zaplify/sdk/events.h"
#include "zaplify/testkit/fixed_calendar.h"
#include "zaplify/testkit/sqlite_store.h"

namespace zaplify::conversation::testing {

class ConversationStore final : public testkit::SqliteStore {
 public:
  ConversationStore() { migrate("conversation", scoring_migrations()); }

  /// Stores events (duplicates skipped) and scores the new lead messages with `analyzer`, in one
  /// transaction, as the host runs the plugin's hook.
  void ingest(const std::vector<sdk::Event>& events, const SentimentAnalyzer& analyzer) {
    testkit::SqliteStore::ingest(events, {[&](const sdk::IngestBatch& b, sdk::SqlWriter& w) {
                                   score_batch(analyzer, b, w);
                                 }});
  }
  /// The same, each tenant's lead messages scored with that tenant's analyser.
  void ingest(const std::vector<sdk::Event>& events, const SentimentAnalyzers& analyzers) {
    testkit::SqliteStore::ingest(events, {[&](const sdk::IngestBatch& b, sdk::SqlWriter& w) {
                                   score_batch(analyzers, b, w);
                                 }});
  }
};

/// The server's calendar with a clock that stands still.
using UtcCalendar = testkit::FixedCalendar;

/// Builders for hand-made events.
inline sdk::Event started(std::string id, std::string conv, std::int64_t ts,
                          std::string channel = "whatsapp", std::string lead = "l1",
                          std::string assistant = "a1", std::string tenant = "t1") {
  sdk::Event e;
  e.id = std::move(id);
  e.type = "conversation_started";
  e.tenant_id = std::move(tenant);
  e.ts_ms = ts;
  e.conversation_id = std::move(conv);
  e.channel = std::move(channel);
  e.lead_id = std::move(lead);
  e.assistant_id = std::move(assistant);
  return e;
}
inline sdk::Event message(std::string id, std::string conv, std::int64_t ts, std::string sender,
                          std::string text, std::string tenant = "t1") {
  sdk::Event e;
  e.id = std::move(id);
  e.type = "message";
  e.tenant_id = std::move(tenant);
  e.ts_ms = ts;
  e.conversation_id = std::move(conv);
  e.sender = std::move(sender);
  e.text = std::move(text);
  return e;
}
inline sdk::Event ended(std::string id, std::string conv, std::int64_t ts, std::string outcome,
                        std::string tenant = "t1") {
  sdk::Event e;
  e.id = std::move(id);
  e.type = "conversation_ended";
  e.tenant_id = std::move(tenant);
  e.ts_ms = ts;
  e.conversation_id = std::move(conv);
  e.outcome = std::move(outcome);
  return e;
}

}  // namespace zaplify::conversation::testing
