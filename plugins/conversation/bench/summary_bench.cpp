// Timing of the per-conversation path (not a test): the ingest hook's cost per 1,000 events (and
// its score sums' share), and the `conversations` producer's throughput and peak-memory growth
// over the host's conversations relation, on a SQLite store.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>

#include "../tests/conversation_store.h"
#include "conversation_summary.h"
#include "store_queries.h"

namespace zaplify::conversation::bench {
namespace {

using Clock = std::chrono::steady_clock;
double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

long status_kb(const char* key) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(std::string(key).size()));
  return -1;
}

// Conversations of 8 events in arrival order: start, lead/reply x3, end.
std::vector<sdk::Event> conversation_events(int conversations) {
  std::vector<sdk::Event> ev;
  const char* texts[] = {"Qual o preço do modelo azul?", "My order never arrived, terrible",
                         "Obrigado, ótimo atendimento!", "ok"};
  for (int c = 0; c < conversations; ++c) {
    const std::string conv = "c" + std::to_string(c), p = "e" + std::to_string(c) + "_";
    const std::int64_t t = static_cast<std::int64_t>(c) * 1000;
    ev.push_back(testing::started(p + "s", conv, t, "whatsapp", "l" + std::to_string(c)));
    for (int m = 0; m < 3; ++m) {
      ev.push_back(testing::message(p + "l" + std::to_string(m), conv, t + 10 * m + 1, "lead",
                                    texts[(c + m) % 4]));
      ev.push_back(testing::message(p + "r" + std::to_string(m), conv, t + 10 * m + 5, "assistant",
                                    "Claro!"));
    }
    ev.push_back(testing::ended(p + "x", conv, t + 100, "resolved"));
  }
  return ev;
}

}  // namespace

void hook_cost(const SentimentAnalyzer& analyzer) {
  const auto ev = conversation_events(12500);  // 100,000 events
  testing::ConversationStore whole, sums_only;
  double whole_ms = 0, sums_ms = 0;
  std::vector<double> zeros(1000, 0.0);
  for (std::size_t at = 0; at < ev.size(); at += 1000) {
    std::vector<sdk::Event> batch(
        ev.begin() + static_cast<std::ptrdiff_t>(at),
        ev.begin() + static_cast<std::ptrdiff_t>(std::min(ev.size(), at + 1000)));
    whole.exec_script("BEGIN");
    auto t0 = Clock::now();
    score_batch(analyzer, sdk::IngestBatch{"t1", &batch}, whole);
    whole_ms += ms_between(t0, Clock::now());
    whole.exec_script("COMMIT");
    sums_only.exec_script("BEGIN");
    t0 = Clock::now();
    add_score_sums(sums_only, "t1", batch, zeros);
    sums_ms += ms_between(t0, Clock::now());
    sums_only.exec_script("COMMIT");
  }
  const double per = 1000.0 / static_cast<double>(ev.size());
  std::printf(
      "ingest hook per 1,000 events (125 conversations): whole %.2f ms, of which score sums %.2f ms"
      " (message scores %.2f ms)\n",
      whole_ms * per, sums_ms * per, (whole_ms - sums_ms) * per);
}

void export_throughput(const SentimentAnalyzer& analyzer, int conversations) {
  testing::ConversationStore store;
  testing::UtcCalendar cal;
  // The host keeps the relation as the server does (the kit's store runs its code).
  std::vector<sdk::Event> batch;
  for (int c = 0; c < conversations; ++c) {
    const std::string conv = "conv-" + std::to_string(1000000 + c),
                      p = "e" + std::to_string(c) + "_";
    const std::int64_t t = 1700000000000 + static_cast<std::int64_t>(c) * 500;
    batch.push_back(testing::started(p + "s", conv, t, c % 3 ? "whatsapp" : "web",
                                     "lead-" + std::to_string(c % 50000),
                                     c % 4 ? "assistant-1" : ""));
    batch.push_back(testing::message(p + "m", conv, t + 1000, "lead", "ok"));
    if (c % 5) batch.push_back(testing::ended(p + "x", conv, t + 600123, "resolved"));
    if (batch.size() >= 1000 || c + 1 == conversations) {
      store.ingest(batch, analyzer);
      batch.clear();
    }
  }
  struct CountingSink final : sdk::RowSink {
    std::int64_t rows = 0, bytes = 0;
    void row(const std::vector<sdk::Value>& cells) override {
      ++rows;
      for (const auto& v : cells)
        if (const auto* s = std::get_if<std::string>(&v))
          bytes += static_cast<std::int64_t>(s->size());
    }
  } sink;
  std::ofstream("/proc/self/clear_refs") << "5";  // reset VmHWM to the current RSS
  const long rss0 = status_kb("VmRSS:");
  sdk::DataSourceRequest req{"t1", sdk::Window{0, 4102444800000, "UTC", sdk::Interval::None}, {}};
  auto t0 = Clock::now();
  produce_conversations(store, cal, req, sink);
  const double ms = ms_between(t0, Clock::now());
  std::printf(
      "conversations producer: %lld rows in %.0f ms = %.0f rows/s; peak RSS growth %ld KiB\n",
      static_cast<long long>(sink.rows), ms, static_cast<double>(sink.rows) / ms * 1000.0,
      status_kb("VmHWM:") - rss0);
  t0 = Clock::now();
  auto body = conversations_overview(store, "t1", 0, 4102444800000);
  std::printf("overview over %lld conversations: %.0f ms\n",
              static_cast<long long>(body["total"].get<std::int64_t>()),
              ms_between(t0, Clock::now()));
}

}  // namespace zaplify::conversation::bench
