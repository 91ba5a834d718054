// Timing tool (not a test): scoring throughput on one core, and the uncached sentiment and topic
// computations over a window of 100,000 lead messages on an in-memory SQLite store.
//   build-*/bin/conversation_bench [messages=100000] [exported conversations=1000000]
// Topics only, with a given taxonomy and lead messages (docs/benchmarks.md, issue 20):
//   CONV_BENCH_TOPICS=taxonomy.json  {"topic": ["keyword", ...]}, not the built-in three topics
//   CONV_BENCH_CORPUS=file           message texts, one a line ('#' lines skipped; of a TSV line
//                                    the last column), not the built-in eight
//   CONV_BENCH_VOCAB=K               append to each message one of K distinct made-up words
//                                    (default: one of 1,000 numbers): the vocabulary stemming sees
//   CONV_BENCH_TOPICS_ONLY=1         skip the hook, export and scoring measurements
//   CONV_BENCH_REPS=N                sentiment and topics N times (default 3; 7 with TOPICS_ONLY)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "../tests/conversation_store.h"
#include "plugin_config.h"
#include "store_queries.h"

using namespace zaplify::conversation;
namespace zaplify::conversation::bench {
void hook_cost(const SentimentAnalyzer& analyzer);
void export_throughput(const SentimentAnalyzer& analyzer, int conversations);
}  // namespace zaplify::conversation::bench
using Clock = std::chrono::steady_clock;

// Thread CPU time, not wall time: the build machine is shared, and CPU time is what one core
// spends on the work.
static double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1000.0 + static_cast<double>(ts.tv_nsec) / 1e6;
}
struct Stamp {
  Clock::time_point wall = Clock::now();
  double cpu = cpu_ms();
};
static double ms_since(const Stamp& t0) { return cpu_ms() - t0.cpu; }
static double wall_since(const Stamp& t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0.wall).count();
}

static const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

static std::vector<std::string> read_corpus(const char* path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto tab = line.rfind('\t');
    out.push_back(tab == std::string::npos ? line : line.substr(tab + 1));
  }
  return out;
}

// The k-th of a set of distinct lower-case made-up words ("zab", "zeb", ...): no stop word, no
// keyword, so they only add vocabulary.
static std::string made_up_word(std::size_t k) {
  static const char* const consonants = "bcdfghjklmnprstvz";
  static const char* const vowels = "aeiou";
  std::string w = "z";
  do {
    w += vowels[k % 5];
    k /= 5;
    w += consonants[k % 17];
    k /= 17;
  } while (k > 0);
  return w;
}

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  nlohmann::json topics = {{"price", {"preço", "caro", "price", "expensive"}},
                           {"delivery", {"entrega", "não chegou", "delivery", "never arrived"}},
                           {"cancel", {"cancelar", "reembolso", "refund"}}};
  if (const char* path = env("CONV_BENCH_TOPICS"))
    topics = nlohmann::json::parse(std::ifstream(path));
  auto data = load_plugin_data(nlohmann::json{{"topics", topics}}, CONVERSATION_LEXICON_DIR, ".");
  SentimentAnalyzer analyzer(data.lexicon);
  const bool topics_only = env("CONV_BENCH_TOPICS_ONLY") != nullptr;
  if (!topics_only) {
    bench::hook_cost(analyzer);
    bench::export_throughput(analyzer, argc > 2 ? std::atoi(argv[2]) : 1000000);
  }
  const char* texts[] = {"Obrigado, o produto é ótimo! Chegou super rápido 😍",
                         "My order never arrived, this is terrible and I want a refund",
                         "Qual o preço do modelo azul? Vocês entregam em Curitiba?",
                         "Muito caro, não vou levar. Péssimo atendimento 😡",
                         "Thanks so much, great service, really fast delivery 👍",
                         "Oi, tudo bem? Queria saber sobre a garantia e o frete",
                         "It was a little expensive but totally worth it!!",
                         "Quero cancelar meu pedido, ninguém responde :("};
  std::vector<std::string> corpus;
  const char* corpus_file = env("CONV_BENCH_CORPUS");
  const std::size_t vocab =
      env("CONV_BENCH_VOCAB") ? std::strtoull(env("CONV_BENCH_VOCAB"), nullptr, 10) : 0;
  const auto base =
      corpus_file ? read_corpus(corpus_file) : std::vector<std::string>(texts, texts + 8);
  const std::size_t variants = vocab > 0 ? std::max(vocab, base.size()) : 1000;
  for (std::size_t i = 0; i < variants; ++i)
    corpus.push_back(base[i % base.size()] + " " +
                     (vocab > 0 ? made_up_word(i % vocab) : std::to_string(i)));

  // 1. Scoring throughput (tokenise + score + folded words, as at ingest).
  const int rounds = topics_only ? 0 : 400000;
  double sink = 0;
  Stamp t0;
  for (int i = 0; i < rounds; ++i)
    sink += score_message(analyzer, corpus[static_cast<std::size_t>(i) % corpus.size()]).score;
  const double score_ms = ms_since(t0);
  if (!topics_only)
    std::printf(
        "scoring: %d messages in %.0f ms CPU (%.0f ms wall) = %.0f messages/s per core (avg %zu "
        "bytes) [%g]\n",
        rounds, score_ms, wall_since(t0), rounds / score_ms * 1000.0, corpus[0].size(), sink);

  // 2. Uncached sentiment and topics over n lead messages in W (plus n in W′).
  testing::ConversationStore store;
  testing::UtcCalendar cal;
  std::vector<zaplify::sdk::Event> ev;
  std::mt19937 rng(1);
  const std::int64_t day = 86400000;
  for (int i = 0; i < 2 * n; ++i) {
    const std::int64_t ts = (i < n ? 7 * day : 0) + static_cast<std::int64_t>(rng() % (7 * day));
    ev.push_back(testing::message("m" + std::to_string(i), "c" + std::to_string(i / 5), ts, "lead",
                                  corpus[rng() % corpus.size()]));
    if (ev.size() == 10000) {
      store.ingest(ev, analyzer);
      ev.clear();
    }
  }
  store.ingest(ev, analyzer);
  zaplify::sdk::Window w{7 * day, 14 * day, "UTC", zaplify::sdk::Interval::Day};
  {
    Stamp t1;
    std::int64_t rows = 0;
    store.query(
        "SELECT conversation_id, ts, score, words FROM conv_message_scores WHERE tenant_id = ? AND "
        "ts >= ? AND ts < ?",
        {std::string("t1"), w.previous_from_ms(), w.to_ms},
        [&](const zaplify::sdk::Row& r) { rows += static_cast<std::int64_t>(r.text(3).size()); });
    std::printf("raw SQL scan of W and W': %.1f ms CPU\n", ms_since(t1));
  }
  const int reps = env("CONV_BENCH_REPS") ? std::atoi(env("CONV_BENCH_REPS")) : topics_only ? 7 : 3;
  for (int rep = 0; rep < reps; ++rep) {  // the first one runs with cold caches
    t0 = Stamp();
    auto s = sentiment_report(store, cal, "t1", w);
    const double sent_ms = ms_since(t0);
    t0 = Stamp();
    TopicRows cur, prev;
    load_topic_messages(store, "t1", w, cur, prev);
    const double load_ms = ms_since(t0);
    auto t = topics_report(cur, prev, *data.topics, *data.stop_words, {});
    const double topics_ms = ms_since(t0);
    std::printf(
        "window of %lld lead messages (CPU ms): sentiment %.1f; topics %.1f (SQL read %.1f); wall "
        "of topics %.1f\n",
        static_cast<long long>(s["total"].get<std::int64_t>()), sent_ms, topics_ms, load_ms,
        wall_since(t0));
  }
  return 0;
}
