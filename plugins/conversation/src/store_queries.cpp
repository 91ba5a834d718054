#include "store_queries.h"

#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sentiment_analyzer.h"
#include "zaplify/sdk/series.h"
#include "zaplify/sdk/string_table.h"

namespace zaplify::conversation {
namespace {

using sdk::Value;

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

struct ScoreSum {
  double sum = 0;
  std::int64_t n = 0;
};

// One pass over W's scores: totals, per-bucket counts (bucket i = [starts[i], starts[i+1]) ∩ W;
// none without `starts`) and each conversation's score sum and count. Scores lie on the 2^-24
// grid, so every sum is exact whatever the order: the same numbers SQL's SUM/AVG would give.
struct WindowScores {
  BucketCounts total;
  std::vector<BucketCounts> buckets;
  sdk::StringTable<ScoreSum> by_conversation{1u << 13};  ///< Flat: ~100k conversations per window.
};

WindowScores scan_scores(const sdk::Store& store, const std::string& tenant, const sdk::Window& w,
                         const std::vector<std::int64_t>& starts) {
  WindowScores out;
  out.buckets.resize(starts.size());
  std::size_t bucket = 0;  // rows come in ts order on SQLite (the table's key): usually no search
  store.query(
      "SELECT ts, label, score, conversation_id FROM conv_message_scores"
      " WHERE tenant_id = ? AND ts >= ? AND ts < ?",
      {tenant, w.from_ms, w.to_ms}, [&](const sdk::Row& r) {
        const auto ts = r.int64(0);
        const int label = static_cast<int>(r.int64(1));
        const double score = r.number(2);
        out.total.add(label, score);
        if (!starts.empty()) {
          const bool in_bucket =
              ts >= starts[bucket] && (bucket + 1 == starts.size() || ts < starts[bucket + 1]);
          if (!in_bucket) {
            auto it = std::upper_bound(starts.begin(), starts.end(), ts);
            bucket = it == starts.begin() ? 0 : static_cast<std::size_t>(it - starts.begin() - 1);
          }
          if (ts >= starts[bucket]) out.buckets[bucket].add(label, score);
        }
        ScoreSum& c = out.by_conversation[r.text(3)];
        c.sum += score;
        ++c.n;
      });
  return out;
}

// Up to 10 conversations by mean score ascending, ties by id bytes (std::string compares as
// unsigned bytes, like SQLite's BINARY and PostgreSQL's "C"). One pass keeping the best ten in
// order: the window may hold ~100k conversations, and only ten are asked for.
nlohmann::json most_negative(const WindowScores& scores) {
  constexpr std::size_t kTop = 10;
  using Mean = std::pair<double, std::string_view>;
  auto less = [](const Mean& a, const Mean& b) {
    return a.first < b.first || (a.first == b.first && a.second < b.second);
  };
  std::vector<Mean> top;
  top.reserve(kTop + 1);
  scores.by_conversation.for_each([&](std::string_view id, const ScoreSum& sum) {
    const Mean m{sum.sum / static_cast<double>(sum.n), id};
    if (top.size() == kTop && !less(m, top.back())) return;
    top.insert(std::upper_bound(top.begin(), top.end(), m, less), m);
    if (top.size() > kTop) top.pop_back();
  });
  auto out = nlohmann::json::array();
  for (const auto& [mean, id] : top) out.push_back({{"conversation_id", id}, {"avg_score", mean}});
  return out;
}

}  // namespace

std::vector<ConversationFacts> load_conversations(const sdk::Store& store,
                                                  const std::string& tenant, std::int64_t from_ms,
                                                  std::int64_t to_ms) {
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
  nlohmann::json body = nlohmann::json::object();
  const sdk::SeriesBuckets buckets(calendar, w);
  const WindowScores scores = scan_scores(store, tenant, w, buckets.starts());
  const BucketCounts& total = scores.total;
  if (buckets.requested())
    body["series"] = buckets.to_json([&](std::size_t i) {
      auto item = counts_json(scores.buckets[i]);
      item["total"] = scores.buckets[i].total();
      item["avg_score"] = avg_json(scores.buckets[i]);
      return item;
    });
  const auto n = static_cast<double>(total.total());
  auto share = [&](int i) {
    return n == 0 ? nlohmann::json(nullptr) : nlohmann::json(total.counts[i] / n);
  };
  body["total"] = total.total();
  body["distribution"] = counts_json(total);
  body["shares"] = {{"positive", share(2)}, {"neutral", share(1)}, {"negative", share(0)}};
  body["avg_score"] = avg_json(total);
  body["most_negative_conversations"] = most_negative(scores);
  return body;
}

void load_topic_messages(const sdk::Store& store, const std::string& tenant, const sdk::Window& w,
                         TopicRows& current, TopicRows& previous) {
  store.query(
      "SELECT conversation_id, ts, score, words FROM conv_message_scores"
      " WHERE tenant_id = ? AND ts >= ? AND ts < ?",
      {tenant, w.previous_from_ms(), w.to_ms}, [&](const sdk::Row& r) {
        auto& into = r.int64(1) >= w.from_ms ? current : previous;
        into.add(r.text(0), r.number(2), r.text(3));
      });
}

}  // namespace zaplify::conversation
