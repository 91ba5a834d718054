#pragma once
// The SQL behind the conversation routes and data sources. Every statement filters on tenant_id
// first and runs unchanged on SQLite and PostgreSQL (text tie-breaks use byte order on both).
// All functions are thread-safe (the Store is) and may throw sdk::StoreError.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "conversation_stats.h"
#include "conversation_summary.h"
#include "topics.h"
#include "zaplify/sdk/calendar.h"
#include "zaplify/sdk/data_source.h"
#include "zaplify/sdk/store.h"

namespace zaplify::conversation {

/// Conversations whose earliest conversation_started lies in [from_ms, to_ms), oldest first
/// (collected: for tests; the routes stream with for_each_conversation).
std::vector<ConversationFacts> load_conversations(const sdk::Store& store,
                                                  const std::string& tenant, std::int64_t from_ms,
                                                  std::int64_t to_ms);

/// Body of GET /analytics/conversations over [from_ms, to_ms), streamed from the host's
/// conversations relation.
nlohmann::json conversations_overview(const sdk::Store& store, const std::string& tenant,
                                      std::int64_t from_ms, std::int64_t to_ms);

/// Body of GET /analytics/conversations/sentiment for window `w`.
nlohmann::json sentiment_report(const sdk::Store& store, const sdk::Calendar& calendar,
                                const std::string& tenant, const sdk::Window& w);

/// Lead messages of W (into `current`) and of W′ (into `previous`) with their score and words.
void load_topic_messages(const sdk::Store& store, const std::string& tenant, const sdk::Window& w,
                         TopicRows& current, TopicRows& previous);

/// Body of GET /analytics/real-time/conversations: active at `now_ms` within `window_minutes`.
nlohmann::json realtime_conversations(const sdk::Store& store, const sdk::Calendar& calendar,
                                      const std::string& tenant, std::int64_t now_ms,
                                      int window_minutes, std::int64_t limit);

/// Rows of the `sentiment_daily` data source: one per local day of W (days without lead messages
/// included as zeros, avg_score null).
void produce_sentiment_daily(const sdk::Store& store, const sdk::Calendar& calendar,
                             const sdk::DataSourceRequest& request, sdk::RowSink& sink);

/// Rows of the `conversations` data source.
void produce_conversations(const sdk::Store& store, const sdk::Calendar& calendar,
                           const sdk::DataSourceRequest& request, sdk::RowSink& sink);

}  // namespace zaplify::conversation
