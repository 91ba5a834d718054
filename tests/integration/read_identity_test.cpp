// Every read answers as recorded: the bodies of every read target of metrics, funnel, conversation
// and export on a fixed, adversarial dataset (support/projection_drill_support.h) are compared with
// a golden file, on SQLite and on PostgreSQL. A storage change (issue 12: derived data owned by the
// host) must leave them identical. History of the file: recorded by 519ea89's server, and this
// session's storage changes answered identically on both databases (commit "Read identity
// test"); recorded again after the issue-18 sentiment rules, which change sentiment on purpose; and
// again when the drill's generator stopped depending on the compiler's order of evaluation
// (clang, which builds the sanitized suite, drew the events in another order than GCC); and after
// issue 18's third slice of sentiment rules (only sentiment-derived fields changed: avg_score,
// avg_sentiment, and the conversations ordered by them).
//
// The golden file is data, not code: to record it again from another build, run this test with
//   ZAPLIFY_TEST_SERVER_BINARY=<that build>/bin/zaplify-analytics
//   ZAPLIFY_TEST_PLUGIN_DIR=<that build>/plugins
//   ZAPLIFY_WRITE_READ_GOLDEN=<path of the file to write>
// (the sqlite instance writes it), and say in the commit which build recorded it and why.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "support/projection_drill_support.h"

namespace zaplify::testing {
namespace {

using nlohmann::json;

constexpr std::int64_t kEnd = 1'793'491'200'000;  // 2026-11-01T00:00:00Z: fixed data, fixed answers
const char* kGolden = ZAPLIFY_SOURCE_DIR "/tests/integration/golden/reads.json";

class ReadIdentity : public ::testing::TestWithParam<std::string> {};

TEST_P(ReadIdentity, EveryReadEqualsTheRecordedAnswers) {
  ServerOptions options = drill_options(GetParam());
  options.extra_yaml = "metrics:\n  retention_days: 36500\n";  // the fixed dates stay accepted
  ServerProcess server(options);
  const auto events = drill_events(kEnd, 120, 80);
  ingest(server, events, 0, events.size());
  if (HasFatalFailure()) return;
  const auto targets = read_targets(server, kEnd);
  json bodies = json::object();
  for (const auto& target : targets) {
    const auto r = server.get(target, kDrillTenant);
    ASSERT_EQ(r.status, 200) << target << ": " << r.body;
    json body = json::parse(r.body);
    strip_as_of(body);
    // Without from=, "window" is relative to now (e.g. /analytics/funnels' default window).
    if (target.find("from=") == std::string::npos && body.is_object()) body.erase("window");
    bodies[target] = std::move(body);
  }
  if (const char* out = std::getenv("ZAPLIFY_WRITE_READ_GOLDEN"); out && GetParam() == "sqlite") {
    std::ofstream(out) << bodies.dump(1) << "\n";
    GTEST_SKIP() << "recorded " << bodies.size() << " answers into " << out;
  }
  std::ifstream in(kGolden);
  ASSERT_TRUE(in) << "no golden file " << kGolden;
  const json golden = json::parse(in);
  EXPECT_EQ(golden.size(), bodies.size())
      << "the read targets changed: record the golden file again";
  int compared = 0;
  for (const auto& [target, want] : golden.items()) {
    ASSERT_TRUE(bodies.contains(target)) << target << " is no longer read";
    std::vector<std::string> lines;
    diff(want, bodies[target], "", lines);
    std::string text;
    for (std::size_t i = 0; i < lines.size() && i < 10; ++i) text += "\n  " + lines[i];
    EXPECT_TRUE(lines.empty()) << target << " differs from the recorded answer (" << lines.size()
                               << " differences):" << text;
    ++compared;
  }
  EXPECT_GT(compared, 100);
  std::cerr << "read identity (" << GetParam() << "): " << compared << " answers compared with "
            << kGolden << "\n";
}

INSTANTIATE_TEST_SUITE_P(Backends, ReadIdentity, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace zaplify::testing
