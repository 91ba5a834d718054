#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "observability/prometheus.h"

namespace zaplify::core {
namespace {

bool contains(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(Prometheus, CounterRendersHelpTypeAndLabels) {
  PrometheusRegistry r;
  auto& c = r.counter("http_requests_total", "Requests.", {{"route", "/a"}, {"method", "GET"}});
  c.inc();
  c.inc(2);
  auto text = r.render();
  EXPECT_TRUE(contains(text, "# HELP http_requests_total Requests."));
  EXPECT_TRUE(contains(text, "# TYPE http_requests_total counter"));
  // Labels are sorted by name.
  EXPECT_TRUE(contains(text, "http_requests_total{method=\"GET\",route=\"/a\"} 3"));
}

TEST(Prometheus, SameNameAndLabelsGiveTheSameSeries) {
  PrometheusRegistry r;
  auto& a = r.counter("x_total", "X.", {{"k", "v"}});
  auto& b = r.counter("x_total", "X.", {{"k", "v"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &r.counter("x_total", "X.", {{"k", "w"}}));
}

TEST(Prometheus, LabelValuesAreEscaped) {
  PrometheusRegistry r;
  r.counter("esc_total", "E.", {{"v", "a\"b\\c\nd"}}).inc();
  EXPECT_TRUE(contains(r.render(), "esc_total{v=\"a\\\"b\\\\c\\nd\"} 1"));
}

TEST(Prometheus, HistogramIsCumulativeWithSumAndCount) {
  PrometheusRegistry r;
  auto& h = r.histogram("lat_seconds", "Latency.", {{"route", "/r"}}, {0.1, 1.0});
  for (double v : {0.05, 0.1, 0.5, 2.0}) h.observe(v);
  auto text = r.render();
  EXPECT_TRUE(contains(text, "# TYPE lat_seconds histogram"));
  // 0.05 and 0.1 are ≤ 0.1 (le is inclusive); 0.5 adds at 1; 2.0 only at +Inf.
  EXPECT_TRUE(contains(text, "lat_seconds_bucket{route=\"/r\",le=\"0.1\"} 2"));
  EXPECT_TRUE(contains(text, "lat_seconds_bucket{route=\"/r\",le=\"1\"} 3"));
  EXPECT_TRUE(contains(text, "lat_seconds_bucket{route=\"/r\",le=\"+Inf\"} 4"));
  EXPECT_TRUE(contains(text, "lat_seconds_sum{route=\"/r\"} 2.65"));
  EXPECT_TRUE(contains(text, "lat_seconds_count{route=\"/r\"} 4"));
}

TEST(Prometheus, DefaultBucketsSpanOneMillisecondToTenSeconds) {
  PrometheusRegistry r;
  r.histogram("d_seconds", "D.").observe(0.0005);
  auto text = r.render();
  EXPECT_TRUE(contains(text, "d_seconds_bucket{le=\"0.001\"} 1"));
  EXPECT_TRUE(contains(text, "d_seconds_bucket{le=\"10\"} 1"));
  EXPECT_EQ(default_latency_buckets().front(), 0.001);
  EXPECT_EQ(default_latency_buckets().back(), 10.0);
}

TEST(Prometheus, GaugeSetsAndMoves) {
  PrometheusRegistry r;
  r.set_gauge("plugin_up", "Up.", {{"plugin", "funnel"}}, 1);
  auto& g = r.gauge("in_flight", "In flight.");
  g.add(3);
  g.add(-1);
  auto text = r.render();
  EXPECT_TRUE(contains(text, "# TYPE plugin_up gauge"));
  EXPECT_TRUE(contains(text, "plugin_up{plugin=\"funnel\"} 1"));
  EXPECT_TRUE(contains(text, "in_flight 2"));
}

TEST(Prometheus, RejectsBadNamesAndTypeClashes) {
  PrometheusRegistry r;
  EXPECT_THROW(r.counter("9bad", "x"), std::invalid_argument);
  EXPECT_THROW(r.counter("ok_total", "x", {{"bad-label", "v"}}), std::invalid_argument);
  r.counter("clash", "x");
  EXPECT_THROW(r.histogram("clash", "x"), std::invalid_argument);
}

TEST(Prometheus, ConcurrentIncrementsAreNotLost) {
  PrometheusRegistry r;
  auto& c = r.counter("c_total", "C.");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) c.inc();
    });
  for (auto& t : threads) t.join();
  EXPECT_TRUE(contains(r.render(), "c_total 40000"));
}

}  // namespace
}  // namespace zaplify::core
