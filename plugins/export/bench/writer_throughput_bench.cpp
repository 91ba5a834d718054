// Throughput of the writers on 1M synthetic `conversations` rows, in export_bench (it measures, it
// does not assert timing, so ctest never runs it): build/bin/export_bench.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "row_writers.h"

namespace zaplify::exporting {
namespace {

using sdk::ColumnType;
using sdk::Value;

struct CountingSink : sdk::ByteSink {
  std::size_t bytes = 0;
  std::size_t writes = 0;
  void write(std::string_view b) override {
    bytes += b.size();
    ++writes;
  }
};

const std::vector<sdk::Column> kConversationColumns = {
    {"conversation_id", ColumnType::String, ""}, {"lead_id", ColumnType::String, ""},
    {"assistant_id", ColumnType::String, ""},    {"channel", ColumnType::String, ""},
    {"started_at", ColumnType::Timestamp, ""},   {"ended_at", ColumnType::Timestamp, ""},
    {"outcome", ColumnType::String, ""},         {"messages", ColumnType::Integer, ""},
    {"avg_sentiment", ColumnType::Number, ""}};

std::vector<std::vector<Value>> sample_rows(int n) {
  std::vector<std::vector<Value>> rows;
  for (int i = 0; i < n; ++i) {
    rows.push_back({Value{"conv-" + std::to_string(100000 + i)},
                    Value{"lead-" + std::to_string(5000 + i)},
                    i % 5 ? Value{std::string("assistant-7")} : Value{},
                    Value{std::string(i % 3 ? "whatsapp" : "web, \"chat\"")},
                    Value{std::string("2026-11-20T17:03:00Z")},
                    i % 4 ? Value{std::string("2026-11-20T17:45:12.250Z")} : Value{},
                    Value{std::string(i % 4 ? "resolved" : "open")}, Value{std::int64_t{i % 40}},
                    i % 7 ? Value{0.125 * (i % 9) - 0.5} : Value{}});
  }
  return rows;
}

template <class Writer>
void measure(const char* label) {
  const auto rows = sample_rows(1000);
  const int total = 1'000'000;
  CountingSink sink;
  auto t0 = std::chrono::steady_clock::now();
  {
    Writer w(kConversationColumns, sink);
    for (int i = 0; i < total; ++i) w.row(rows[static_cast<std::size_t>(i) % rows.size()]);
    w.finish();
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%s: %d rows in %.3f s = %.0f rows/s, %.1f MB out in %zu writes\n", label, total, s,
              total / s, sink.bytes / 1e6, sink.writes);
  EXPECT_GT(sink.bytes, static_cast<std::size_t>(total));
}

TEST(WriterThroughput, Csv1MRows) { measure<CsvWriter>("csv"); }
TEST(WriterThroughput, Json1MRows) { measure<JsonWriter>("json"); }

}  // namespace
}  // namespace zaplify::exporting
