// Timing tool (not a test): scoring throughput on one core, and the uncached sentiment and topic
// computations over a window of 100,000 lead messages on an in-memory SQLite store.
//   build-*/bin/conversation_bench [messages=100000] [exported conversations=1000000]
#include <chrono>
#include <ctime>
#include <cstdio>
#include <random>

#include "../tests/sqlite_store.h"
#include "../tests/utc_calendar.h"
#include "plugin_config.h"
#include "store_queries.h"

using namespace zaplify::conversation;
namespace zaplify::conversation::bench {
void hook_cost(const SentimentAnalyzer& analyzer);
void export_throughput(int conversations);
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

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  auto data = load_plugin_data(nlohmann::json{{"topics", {{"price", {"preço", "caro", "price", "expensive"}},
                                                          {"delivery", {"entrega", "não chegou", "delivery", "never arrived"}},
                                                          {"cancel", {"cancelar", "reembolso", "refund"}}}}},
                               CONVERSATION_LEXICON_DIR, ".");
  SentimentAnalyzer analyzer(data.lexicon);
  bench::hook_cost(analyzer);
  bench::export_throughput(argc > 2 ? std::atoi(argv[2]) : 1000000);
  const char* texts[] = {"Obrigado, o produto é ótimo! Chegou super rápido 😍",
                         "My order never arrived, this is terrible and I want a refund",
                         "Qual o preço do modelo azul? Vocês entregam em Curitiba?",
                         "Muito caro, não vou levar. Péssimo atendimento 😡",
                         "Thanks so much, great service, really fast delivery 👍",
                         "Oi, tudo bem? Queria saber sobre a garantia e o frete",
                         "It was a little expensive but totally worth it!!",
                         "Quero cancelar meu pedido, ninguém responde :("};
  std::vector<std::string> corpus;
  for (int i = 0; i < 1000; ++i) corpus.push_back(texts[i % 8] + std::string(" ") + std::to_string(i));

  // 1. Scoring throughput (tokenise + score + folded words, as at ingest).
  const int rounds = 400000;
  double sink = 0;
  Stamp t0;
  for (int i = 0; i < rounds; ++i) sink += score_message(analyzer, corpus[static_cast<std::size_t>(i) % corpus.size()]).score;
  const double score_ms = ms_since(t0);
  std::printf("scoring: %d messages in %.0f ms CPU (%.0f ms wall) = %.0f messages/s per core (avg %zu bytes) [%g]\n",
              rounds, score_ms, wall_since(t0), rounds / score_ms * 1000.0, corpus[0].size(), sink);

  // 2. Uncached sentiment and topics over n lead messages in W (plus n in W′).
  testing::SqliteStore store;
  testing::UtcCalendar cal;
  std::vector<zaplify::sdk::Event> ev;
  std::mt19937 rng(1);
  const std::int64_t day = 86400000;
  for (int i = 0; i < 2 * n; ++i) {
    const std::int64_t ts = (i < n ? 7 * day : 0) + static_cast<std::int64_t>(rng() % (7 * day));
    ev.push_back(testing::message("m" + std::to_string(i), "c" + std::to_string(i / 5), ts, "lead",
                                  corpus[rng() % corpus.size()]));
    if (ev.size() == 10000) { store.ingest(ev, analyzer); ev.clear(); }
  }
  store.ingest(ev, analyzer);
  zaplify::sdk::Window w{7 * day, 14 * day, "UTC", zaplify::sdk::Interval::Day};
  {
    Stamp t1;
    std::int64_t rows = 0;
    store.query("SELECT conversation_id, ts, score, words FROM conv_message_scores WHERE tenant_id = ? AND ts >= ? AND ts < ?",
                {std::string("t1"), w.previous_from_ms(), w.to_ms}, [&](const zaplify::sdk::Row& r) { rows += static_cast<std::int64_t>(r.text(3).size()); });
    std::printf("raw SQL scan of W and W': %.1f ms CPU\n", ms_since(t1));
  }
  for (int rep = 0; rep < 3; ++rep) {
    t0 = Stamp();
    auto s = sentiment_report(store, cal, "t1", w);
    const double sent_ms = ms_since(t0);
    t0 = Stamp();
    TopicRows cur, prev;
    load_topic_messages(store, "t1", w, cur, prev);
    const double load_ms = ms_since(t0);
    auto t = topics_report(cur, prev, *data.topics, *data.stop_words, {});
    const double topics_ms = ms_since(t0);
    std::printf("window of %lld lead messages (CPU ms): sentiment %.1f; topics %.1f (SQL read %.1f); wall of topics %.1f\n",
                static_cast<long long>(s["total"].get<std::int64_t>()), sent_ms, topics_ms, load_ms, wall_since(t0));
  }
  return 0;
}
