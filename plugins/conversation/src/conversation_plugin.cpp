// The conversation plugin: overview, sentiment, topics and real-time routes, the `conversations`
// and `sentiment_daily` data sources, and the ingest hook that scores lead messages once.
#include <memory>

#include "config_spec.h"
#include "explain_route.h"
#include "plugin_config.h"
#include "response_schemas.h"
#include "scoring.h"
#include "store_queries.h"
#include "whatsapp_window.h"
#include "zaplify/sdk/sdk.h"

namespace zaplify::conversation {
namespace {

using sdk::CachePolicy;
using sdk::Column;
using sdk::ColumnType;
using sdk::Request;
using sdk::Response;
using sdk::RouteSpec;

class ConversationPlugin final : public sdk::Plugin {
 public:
  void start(sdk::Host& host) override {
    host_ = &host;
    data_ = load_plugin_data(host.config(), host.plugin_dir() + "/conversation/lexicons",
                             host.plugin_dir());
    analyzers_ = std::make_shared<const SentimentAnalyzers>(
        std::make_shared<const SentimentAnalyzer>(data_.lexicon), data_.tenant_lexicons);
    for (auto& m : scoring_migrations()) host.migrations().add(std::move(m));
    // Scores and their per-conversation sums follow the event log through the host: ingest,
    // backfill, catch-up.
    // A score sum goes with retention when every lead message it holds has (its latest is older).
    auto analyzers = analyzers_;
    sdk::ProjectionSpec scores;
    scores.name = "scores_and_summaries";
    scores.version = 2;  // 2: scores on the 2^-24 grid (rebuilt from the log once)
    scores.tables = {{"conv_message_scores", "ts", 1}, {"conv_scores", "last_ts", 1}};
    scores.apply = [analyzers, fingerprint = data_.fingerprint](const sdk::IngestBatch& batch,
                                                                sdk::SqlWriter& writer) {
      score_batch(*analyzers, batch, writer);
      note_scoring_lexicons(*analyzers, fingerprint, batch, writer);
    };
    host.projections().add(std::move(scores));
    add_routes(host);
    add_data_sources(host);
    host.logger().info("lexicon: " + std::to_string(data_.lexicon->size()) + " entries, " +
                       std::to_string(data_.topics->names().size()) + " topics, " +
                       std::to_string(data_.tenant_lexicons.size()) +
                       " tenants with sentiment overrides");
    for (const auto& note : data_.notes) host.logger().info(note);
    start_rescoring(host);
  }

  void stop() noexcept override {
    if (rescorer_) rescorer_->stop();
  }

 private:
  // Migrations are applied after start() returns, so the fingerprint check must not run here
  // synchronously against tables that may not exist yet: the rescorer thread waits for them.
  void start_rescoring(sdk::Host& host) {
    const sdk::Store& store = host.store();
    // Each re-scoring chunk is its own short write transaction (Host::write), so ingestion
    // is never blocked for long by a background re-score.
    auto write = [&host](const WriteWork& work) { host.write(work); };
    rescorer_ = std::make_unique<Rescorer>(
        analyzers_, store, write, [&host](const std::string& m) { host.logger().info(m); });
    // Answers cached while the old scores served are stale once a tenant's scores moved.
    rescorer_->on_tenant_rescored(
        [&host](const std::string& tenant) { host.cache().invalidate_tenant(tenant); });
    rescorer_->start(data_.fingerprint);
  }

  void add_routes(sdk::Host& host) {
    const sdk::Store& store = host.store();
    const sdk::Calendar& cal = host.calendar();

    RouteSpec overview =
        windowed("/analytics/conversations", "Conversations started in the window");
    overview.response_schema = schemas::overview_response();
    overview.handler = [&store](const Request& req) {
      return Response::of_json(
          conversations_overview(store, req.tenant_id, req.window.from_ms, req.window.to_ms));
    };
    host.routes().add(std::move(overview));

    RouteSpec sentiment =
        windowed("/analytics/conversations/sentiment", "Sentiment of lead messages in the window");
    sentiment.response_schema = schemas::sentiment_response();
    sentiment.handler = [&store, &cal](const Request& req) {
      return Response::of_json(sentiment_report(store, cal, req.tenant_id, req.window));
    };
    host.routes().add(std::move(sentiment));
    host.routes().add(explain_route(analyzers_));

    RouteSpec topics = windowed("/analytics/conversations/topics",
                                "Taxonomy topics, top and emerging terms of lead messages");
    topics.params.push_back({"limit",
                             sdk::ParamLocation::Query,
                             "integer",
                             false,
                             "Items in top_terms and emerging_terms (1-100)",
                             "20",
                             {},
                             1,
                             100});
    topics.response_schema = schemas::topics_response();
    topics.handler = [this, &store](const Request& req) {
      TermOptions opt;
      opt.limit = static_cast<std::size_t>(req.limit(20, 100));
      TopicRows current, previous;
      load_topic_messages(store, req.tenant_id, req.window, current, previous);
      auto body =
          topics_report(current, previous, data_.topics_for(req.tenant_id), *data_.stop_words, opt);
      return Response::of_json(std::move(body));
    };
    host.routes().add(std::move(topics));

    RouteSpec live;
    live.path = "/analytics/real-time/conversations";
    live.summary = "Active conversations (started, not ended, active in the real-time window)";
    live.cache = CachePolicy::Realtime;
    live.params.push_back({"limit",
                           sdk::ParamLocation::Query,
                           "integer",
                           false,
                           "Conversations listed (1-500)",
                           "50",
                           {},
                           1,
                           500});
    live.response_schema = schemas::realtime_response();
    const int minutes = host.settings().realtime_window_minutes;
    live.handler = [&store, &cal, minutes](const Request& req) {
      const auto limit = req.limit(50, 500);
      return Response::of_json(
          realtime_conversations(store, cal, req.tenant_id, cal.now_ms(), minutes, limit));
    };
    host.routes().add(std::move(live));

    auto whatsapp = whatsapp_window_route(store, cal);
    whatsapp.response_schema = schemas::whatsapp_window_response();
    host.routes().add(std::move(whatsapp));
  }

  static RouteSpec windowed(std::string path, std::string summary) {
    RouteSpec r;
    r.path = std::move(path);
    r.summary = std::move(summary);
    r.tag = "conversation";
    r.windowed = true;
    r.cache = CachePolicy::Standard;
    return r;
  }

  void add_data_sources(sdk::Host& host) {
    const sdk::Store& store = host.store();
    const sdk::Calendar& cal = host.calendar();
    sdk::DataSourceSpec conv;
    conv.name = "conversations";
    conv.description = "Conversations started in the window, one row each";
    conv.columns = {
        {"conversation_id", ColumnType::String, "", "", false},
        {"lead_id", ColumnType::String, ""},
        {"assistant_id", ColumnType::String, "null: human only"},
        {"channel", ColumnType::String, "", "", false},
        {"started_at", ColumnType::Timestamp, "earliest conversation_started", "", false},
        {"ended_at", ColumnType::Timestamp, "earliest conversation_ended"},
        {"outcome", ColumnType::String, "resolved | handoff | abandoned | open", "", false},
        {"messages", ColumnType::Integer, "all its messages", "count", false},
        {"avg_sentiment", ColumnType::Number, "mean score of its lead messages", "score"}};
    conv.produce = [&store, &cal](const sdk::DataSourceRequest& r, sdk::RowSink& sink) {
      produce_conversations(store, cal, r, sink);
    };
    host.data_sources().add(std::move(conv));

    sdk::DataSourceSpec daily;
    daily.name = "sentiment_daily";
    daily.description = "Lead-message sentiment per local day of the window";
    daily.columns = {
        {"date", ColumnType::Date, "", "", false},
        {"positive", ColumnType::Integer, "", "count", false},
        {"neutral", ColumnType::Integer, "", "count", false},
        {"negative", ColumnType::Integer, "", "count", false},
        {"avg_score", ColumnType::Number, "null on a day without lead messages", "score"}};
    daily.produce = [&store, &cal](const sdk::DataSourceRequest& r, sdk::RowSink& sink) {
      produce_sentiment_daily(store, cal, r, sink);
    };
    host.data_sources().add(std::move(daily));
  }

  sdk::Host* host_ = nullptr;
  LoadedData data_;
  std::shared_ptr<const SentimentAnalyzers> analyzers_;
  std::unique_ptr<Rescorer> rescorer_;
};

}  // namespace
}  // namespace zaplify::conversation

ZAPLIFY_PLUGIN(zaplify::conversation::ConversationPlugin, "conversation", "1.0.0",
               "Conversation insight: overview, sentiment (EN/PT lexicons), topics, real-time")
ZAPLIFY_PLUGIN_CONFIG(zaplify::conversation::conversation_config)
