// Statistics, timestamps, windows, CSV rows, /proc parsing and wrk output.
#include <ctime>

#include <gtest/gtest.h>

#include "dataset.h"
#include "rss_sampler.h"
#include "runners.h"
#include "stats.h"
#include "wrk_runner.h"

namespace zaplify::bench {
namespace {

TEST(Stats, PercentilesInterpolateBetweenClosestRanks) {
  // numpy.percentile([4, 1, 3, 2], 50) == 2.5; at 99: 1 + 0.99 * 3 = 3.97.
  auto s = summarize({4, 1, 3, 2});
  EXPECT_EQ(s.count, 4u);
  EXPECT_DOUBLE_EQ(s.median_ms, 2.5);
  EXPECT_NEAR(s.p99_ms, 3.97, 1e-12);
  EXPECT_DOUBLE_EQ(s.max_ms, 4);
  EXPECT_EQ(summarize({}).count, 0u);
  EXPECT_DOUBLE_EQ(summarize({7}).p99_ms, 7);
}

std::int64_t timegm_ms(int y, int mo, int d, int h, int mi, int s) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<std::int64_t>(::timegm(&tm)) * 1000;
}

TEST(Timestamps, ParseAgreesWithTimegm) {
  EXPECT_EQ(parse_rfc3339_ms("2026-11-20T14:03:00.250Z"), timegm_ms(2026, 11, 20, 14, 3, 0) + 250);
  // -03:00 means 3 hours behind UTC: 14:03 local is 17:03 UTC.
  EXPECT_EQ(parse_rfc3339_ms("2026-11-20T14:03:00.250-03:00"),
            timegm_ms(2026, 11, 20, 17, 3, 0) + 250);
  EXPECT_EQ(parse_rfc3339_ms("2024-02-29T23:30:00+05:30"), timegm_ms(2024, 2, 29, 18, 0, 0));
  EXPECT_EQ(parse_rfc3339_ms("2026-01-01T00:00:00.1239Z"), timegm_ms(2026, 1, 1, 0, 0, 0) + 123);
  EXPECT_THROW(parse_rfc3339_ms("2026-11-20 14:03:00"), std::invalid_argument);
  EXPECT_THROW(parse_rfc3339_ms("2026-11-20T14:03:00"), std::invalid_argument);
}

TEST(Timestamps, FormatAgreesWithTimegm) {
  EXPECT_EQ(format_rfc3339_ms(timegm_ms(2026, 3, 1, 7, 8, 9) + 42), "2026-03-01T07:08:09.042Z");
  EXPECT_EQ(format_rfc3339_ms(timegm_ms(1969, 12, 31, 23, 59, 59)), "1969-12-31T23:59:59.000Z");
}

TEST(Windows, ShortestWholeDayWindowHoldingTheTarget) {
  // Days 10..13 hold 5, 0(absent), 7, 4; `to` is the start of day 14.
  std::map<std::int64_t, std::uint64_t> per_day{{10, 5}, {12, 7}, {13, 4}, {14, 100}};
  const std::int64_t to = 14 * kDayMs;
  EXPECT_EQ(window_start_holding(per_day, to, 4), 13 * kDayMs);     // day 13 alone: 4
  EXPECT_EQ(window_start_holding(per_day, to, 10), 12 * kDayMs);    // 4 + 7 = 11
  EXPECT_EQ(window_start_holding(per_day, to, 16), 10 * kDayMs);    // 11 + 5 = 16
  EXPECT_EQ(window_start_holding(per_day, to, 1000), 10 * kDayMs);  // all there is
}

TEST(DatasetStats, CountsLeadMessagesFunnelsAndRange) {
  DatasetStats s;
  auto ev = [](nlohmann::json j) { return j; };
  s.observe(ev({{"type", "funnel_defined"},
                {"tenant_id", "t"},
                {"funnel_id", "f1"},
                {"name", "Sales"},
                {"stages", {"a", "b", "c"}},
                {"timestamp", "1970-01-01T00:00:00Z"}}));
  s.observe(
      ev({{"type", "stage_changed"}, {"funnel_id", "f2"}, {"timestamp", "1970-01-02T01:00:00Z"}}));
  s.observe(
      ev({{"type", "stage_changed"}, {"funnel_id", "f2"}, {"timestamp", "1970-01-02T02:00:00Z"}}));
  s.observe(
      ev({{"type", "stage_changed"}, {"funnel_id", "f1"}, {"timestamp", "1970-01-02T03:00:00Z"}}));
  s.observe(ev({{"type", "message"}, {"sender", "lead"}, {"timestamp", "1970-01-03T00:00:00Z"}}));
  s.observe(
      ev({{"type", "message"}, {"sender", "assistant"}, {"timestamp", "1970-01-03T00:00:01Z"}}));
  EXPECT_EQ(s.events, 6u);
  EXPECT_EQ(s.tenant, "t");
  EXPECT_EQ(s.main_funnel(), "f2");
  EXPECT_EQ(s.funnels["f1"].stages, 3u);
  EXPECT_EQ(s.lead_messages_by_day.size(), 1u);
  EXPECT_EQ(s.lead_messages_by_day[2], 1u);
  EXPECT_EQ(s.min_ts_ms, 0);
  EXPECT_EQ(s.max_ts_ms, 2 * kDayMs + 1000);
}

TEST(Dataset, BatchesHoldEveryEventOnce) {
  int produced = 0;
  EventSource source = [&](std::vector<nlohmann::json>& out, std::size_t max) {
    out.clear();
    while (out.size() < max && produced < 2500)
      out.push_back({{"id", std::to_string(produced++)},
                     {"type", "lead_created"},
                     {"timestamp", "2026-01-01T00:00:00Z"}});
    return !out.empty();
  };
  Dataset d = build_dataset(source, 1000);
  ASSERT_EQ(d.bodies.size(), 3u);
  std::size_t total = 0;
  for (const auto& b : d.bodies) total += nlohmann::json::parse(b)["events"].size();
  EXPECT_EQ(total, 2500u);
  EXPECT_EQ(nlohmann::json::parse(d.bodies[2])["events"][0]["id"], "2000");
  EXPECT_EQ(d.stats.by_type["lead_created"], 2500u);
}

TEST(Csv, RowsAreCrlfRecordsMinusHeader) {
  EXPECT_EQ(count_csv_rows("a,b\r\n1,2\r\n3,4\r\n"), 2u);
  EXPECT_EQ(count_csv_rows("a,b\r\n1,2\r\n3,4"), 2u);        // last record without CRLF
  EXPECT_EQ(count_csv_rows("a,b\r\n\"x\r\ny\",2\r\n"), 1u);  // CRLF inside quotes
  EXPECT_EQ(count_csv_rows("a,b\r\n\"say \"\"hi\"\"\",2\r\n"), 1u);
  EXPECT_EQ(count_csv_rows("a,b\r\n"), 0u);
  EXPECT_EQ(count_csv_rows(""), 0u);
}

TEST(Rss, ParsesProcStatus) {
  long rss = 0, hwm = 0;
  ASSERT_TRUE(parse_status_text("\nName:\tx\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n", rss, hwm));
  EXPECT_EQ(rss, 1024);
  EXPECT_EQ(hwm, 2048);
  EXPECT_FALSE(parse_status_text("\nName:\tx\n", rss, hwm));
  // Our own process: VmRSS is positive and not above its high-water mark.
  ASSERT_TRUE(read_rss_kb(static_cast<int>(::getpid()), rss, hwm));
  EXPECT_GT(rss, 0);
  EXPECT_LE(rss, hwm);
}

TEST(Wrk, ParsesLatencyOutput) {
  const std::string out =
      "Running 10s test @ http://127.0.0.1:8080/x\n"
      "  2 threads and 64 connections\n"
      "  Thread Stats   Avg      Stdev     Max   +/- Stdev\n"
      "    Latency     1.10ms  500.00us  20.00ms   90.00%\n"
      "    Req/Sec    30.00k     2.00k   35.00k    70.00%\n"
      "  Latency Distribution\n"
      "     50%  812.00us\n"
      "     75%    1.20ms\n"
      "     90%    2.00ms\n"
      "     99%    4.50ms\n"
      "  600123 requests in 10.00s, 700.00MB read\n"
      "  Socket errors: connect 0, read 2, write 0, timeout 3\n"
      "  Non-2xx or 3xx responses: 7\n"
      "Requests/sec:  60012.30\n"
      "Transfer/sec:     70.00MB\n";
  auto r = parse_wrk_output(out);
  ASSERT_TRUE(r.has_value());
  EXPECT_DOUBLE_EQ(r->requests_per_s, 60012.30);
  EXPECT_DOUBLE_EQ(r->p50_ms, 0.812);
  EXPECT_DOUBLE_EQ(r->p99_ms, 4.5);
  EXPECT_EQ(r->requests, 600123);
  EXPECT_EQ(r->socket_errors, 5);
  EXPECT_EQ(r->non_2xx, 7);
  EXPECT_FALSE(parse_wrk_output("unable to connect").has_value());
  EXPECT_DOUBLE_EQ(wrk_duration_ms("1.5s"), 1500);
  EXPECT_DOUBLE_EQ(wrk_duration_ms("x"), -1);
}

TEST(Wrk, CommandKeepsConnectionsAlive) {
  auto cmd = wrk_command("http://127.0.0.1:1/m?a=1&b=2", "bench", 2, 64, 10);
  EXPECT_EQ(cmd,
            "wrk -t2 -c64 -d10s --latency -H 'Connection: keep-alive' -H 'X-Tenant-ID: bench' "
            "'http://127.0.0.1:1/m?a=1&b=2'");
}

}  // namespace
}  // namespace zaplify::bench
