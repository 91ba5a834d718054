// Timing tool (not a test): lead messages scored per second on one core, as the ingest hook scores
// them (tokenise, score, folded words: score_message()). Uses only the API that commit 47898b2
// already had, so the same file builds against the code before issue 18's second slice and after.
//   sentiment_scoring_bench <lexicon dir> <rounds> <file.tsv>...
// Each file is read as lines whose last tab-separated field is a message ('#' lines skipped).
// Prints one line per round with CPU time (this thread), so interleaved runs of two builds can be
// compared.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include "plugin_config.h"
#include "scoring.h"

using namespace zaplify::conversation;

namespace {

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::vector<std::string> read_texts(const char* path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path);
    std::exit(2);
  }
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#') out.push_back(line.substr(line.rfind('\t') + 1));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s <lexicon dir> <rounds> <file.tsv>...\n", argv[0]);
    return 2;
  }
  const LoadedData data = load_plugin_data(nlohmann::json::object(), argv[1], ".");
  const SentimentAnalyzer analyzer(data.lexicon);
  const int rounds = std::atoi(argv[2]);
  std::vector<std::string> texts;
  for (int i = 3; i < argc; ++i)
    for (auto& t : read_texts(argv[i])) texts.push_back(std::move(t));
  // Enough passes over the corpus for about half a second of CPU per round.
  const int passes = 1 + static_cast<int>(400000 / (texts.size() + 1));
  double sink = 0;
  for (const auto& t : texts) sink += score_message(analyzer, t).score;  // warm-up
  for (int r = 0; r < rounds; ++r) {
    const double t0 = thread_cpu_seconds();
    for (int p = 0; p < passes; ++p)
      for (const auto& t : texts) sink += score_message(analyzer, t).score;
    const double secs = thread_cpu_seconds() - t0;
    const double n = static_cast<double>(passes) * static_cast<double>(texts.size());
    std::printf("round %d: %zu messages x %d passes, %.3f s CPU = %.0f messages/s per core [%g]\n",
                r, texts.size(), passes, secs, n / secs, sink);
    std::fflush(stdout);
  }
  return 0;
}
