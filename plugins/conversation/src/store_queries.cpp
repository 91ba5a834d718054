#include "store_queries.h"

#include <algorithm>

#include "sentiment_analyzer.h"

namespace zaplify::conversation {
namespace {

using sdk::Value;

// PostgreSQL compares text by the database collation; ties must break by bytes, as on SQLite.
std::string bytes_order(const sdk::Store& store) {
  return store.dialect() == sdk::Dialect::PostgreSQL ? " COLLATE \"C\"" : "";
}

struct BucketCounts {
  std::int64_t counts[3] = {0, 0, 0};  // negative, neutral, positive
  double score_sum = 0;
  std::int64_t total() const { return counts[0] + counts[1] + counts[2]; }
  void add(int label, double score, std::int64_t n = 1) {
    counts[std::clamp(label, -1, 1) + 1] += n;
    score_sum += score;
  }
};

nlohmann::json counts_json(const BucketCounts& b) {
  return {{"positive", b.counts[2]}, {"neutral", b.counts[1]}, {"negative", b.counts[0]}};
}

nlohmann::json avg_json(const BucketCounts& b) {
  return b.total() == 0 ? nlohmann::json(nullptr)
                        : nlohmann::json(b.score_sum / static_cast<double>(b.total()));
}

// Counts per bucket of `starts` (bucket i = [starts[i], starts[i+1]) ∩ W) from streamed rows.
std::vector<BucketCounts> bucketed(const sdk::Store& store, const std::string& tenant,
                                   const sdk::Window& w, const std::vector<std::int64_t>& starts,
                                   BucketCounts& total) {
  std::vector<BucketCounts> buckets(starts.size());
  store.query("SELECT ts, label, score FROM conv_message_scores WHERE tenant_id = ? AND ts >= ? AND ts < ?",
              {tenant, w.from_ms, w.to_ms}, [&](const sdk::Row& r) {
                const auto ts = r.int64(0);
                const int label = static_cast<int>(r.int64(1));
                const double score = r.number(2);
                total.add(label, score);
                auto it = std::upper_bound(starts.begin(), starts.end(), ts);
                if (it != starts.begin()) buckets[static_cast<std::size_t>(it - starts.begin() - 1)].add(label, score);
              });
  return buckets;
}

nlohmann::json most_negative(const sdk::Store& store, const std::string& tenant, const sdk::Window& w) {
  auto out = nlohmann::json::array();
  store.query("SELECT conversation_id, AVG(score) AS a FROM conv_message_scores"
              " WHERE tenant_id = ? AND ts >= ? AND ts < ? GROUP BY conversation_id"
              " ORDER BY a, conversation_id" + bytes_order(store) + " LIMIT 10",
              {tenant, w.from_ms, w.to_ms}, [&](const sdk::Row& r) {
                out.push_back({{"conversation_id", std::string(r.text(0))}, {"avg_score", r.number(1)}});
              });
  return out;
}

}  // namespace

std::vector<ConversationFacts> load_conversations(const sdk::Store& store, const std::string& tenant,
                                                  std::int64_t from_ms, std::int64_t to_ms) {
  std::vector<ConversationFacts> out;
  for_each_conversation(store, tenant, from_ms, to_ms, true, [&](const ConversationView& v) {
    ConversationFacts f;
    f.conversation_id = std::string(v.conversation_id);
    f.lead_id = std::string(v.lead_id);
    f.assistant_id = std::string(v.assistant_id);
    f.channel = std::string(v.channel);
    f.started_ms = v.started_ms;
    f.ended_ms = v.ended_ms;
    if (v.ended_ms) f.outcome = std::string(v.outcome);
    f.messages = v.messages;
    f.lead_messages = v.lead_messages;
    f.first_lead_ms = v.first_lead_ms;
    f.first_response_ms = v.first_response_ms;
    f.avg_sentiment = v.avg_sentiment;
    out.push_back(std::move(f));
  });
  return out;
}

nlohmann::json conversations_overview(const sdk::Store& store, const std::string& tenant,
                                      std::int64_t from_ms, std::int64_t to_ms) {
  OverviewAccumulator acc;
  for_each_conversation(store, tenant, from_ms, to_ms, true, [&](const ConversationView& v) {
    acc.add(v.channel, v.outcome, v.started_ms, v.ended_ms, v.messages, v.lead_messages,
            v.first_lead_ms, v.first_response_ms);
  });
  return acc.result();
}

nlohmann::json sentiment_report(const sdk::Store& store, const sdk::Calendar& calendar,
                                 const std::string& tenant, const sdk::Window& w) {
  BucketCounts total;
  nlohmann::json body = nlohmann::json::object();
  if (w.interval != sdk::Interval::None) {
    const auto starts = calendar.bucket_starts(w);
    auto buckets = bucketed(store, tenant, w, starts, total);
    auto series = nlohmann::json::array();
    for (std::size_t i = 0; i < starts.size(); ++i) {
      auto item = counts_json(buckets[i]);
      item["bucket"] = calendar.format_local(starts[i], w.tz);
      item["total"] = buckets[i].total();
      item["avg_score"] = avg_json(buckets[i]);
      series.push_back(std::move(item));
    }
    body["series"] = std::move(series);
  } else {
    store.query("SELECT label, COUNT(*), SUM(score) FROM conv_message_scores"
                " WHERE tenant_id = ? AND ts >= ? AND ts < ? GROUP BY label",
                {tenant, w.from_ms, w.to_ms}, [&](const sdk::Row& r) {
                  total.add(static_cast<int>(r.int64(0)), r.number(2), r.int64(1));
                });
  }
  const auto n = static_cast<double>(total.total());
  auto share = [&](int i) { return n == 0 ? nlohmann::json(nullptr) : nlohmann::json(total.counts[i] / n); };
  body["total"] = total.total();
  body["distribution"] = counts_json(total);
  body["shares"] = {{"positive", share(2)}, {"neutral", share(1)}, {"negative", share(0)}};
  body["avg_score"] = avg_json(total);
  body["most_negative_conversations"] = most_negative(store, tenant, w);
  return body;
}

void load_topic_messages(const sdk::Store& store, const std::string& tenant, const sdk::Window& w,
                         TopicRows& current, TopicRows& previous) {
  store.query("SELECT conversation_id, ts, score, words FROM conv_message_scores"
              " WHERE tenant_id = ? AND ts >= ? AND ts < ?",
              {tenant, w.previous_from_ms(), w.to_ms}, [&](const sdk::Row& r) {
                auto& into = r.int64(1) >= w.from_ms ? current : previous;
                into.add(r.text(0), r.number(2), r.text(3));
              });
}

}  // namespace zaplify::conversation
