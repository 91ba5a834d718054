#include "runners.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "rss_sampler.h"
#include "support/harness/http_client.h"

namespace zaplify::bench {

using testing::HttpConnection;
using testing::HttpResponse;
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

bool ok_status(int status) { return status >= 200 && status < 300; }

std::string describe_failure(const HttpResponse& r) {
  if (r.status == 0) return "request failed: " + r.error;
  return "HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 300);
}

ScenarioResult base_result(const Target& t, const ScenarioSpec& spec) {
  ScenarioResult r;
  r.name = spec.name;
  r.database = t.database;
  return r;
}

void finish_rss(RssSampler& rss, ScenarioResult& r) {
  rss.stop();
  r.peak_rss_mb = rss.peak_mb();
  r.rss_growth_mb = rss.growth_mb();
}

// Errors are counted by every thread; the first one's text is kept for the report.
struct ErrorLog {
  std::mutex mu;
  std::size_t count = 0;
  std::string first;
  void add(const HttpResponse& resp) {
    std::lock_guard lock(mu);
    if (count++ == 0) first = describe_failure(resp);
  }
};

// Fills the latency and error columns shared by every scenario; returns the summary.
LatencySummary record_latencies(ScenarioResult& r, std::vector<double> latencies_ms,
                                const ErrorLog& errors) {
  auto s = summarize(std::move(latencies_ms));
  r.requests = s.count;
  r.median_ms = s.median_ms;
  r.p99_ms = s.p99_ms;
  r.errors = errors.count;
  return s;
}

std::vector<double> merged(const std::vector<std::vector<double>>& per_thread) {
  std::vector<double> all;
  for (const auto& l : per_thread) all.insert(all.end(), l.begin(), l.end());
  return all;
}

// Events/s over the first and the last quarter of the batches: shows whether ingest slows down
// as the tables grow. Batches are taken as equal-sized (the dataset's average).
std::string quarter_rates(const std::vector<std::vector<double>>& finished, const Dataset& data) {
  std::vector<double> t;
  for (const auto& f : finished) t.insert(t.end(), f.begin(), f.end());
  if (t.size() < 8) return {};
  std::sort(t.begin(), t.end());
  double per_batch =
      static_cast<double>(data.stats.events) / static_cast<double>(data.bodies.size());
  std::size_t q = t.size() / 4;
  double first = static_cast<double>(q) * per_batch / (t[q - 1] / 1000.0);
  double last = static_cast<double>(q) * per_batch / ((t.back() - t[t.size() - 1 - q]) / 1000.0);
  return "; first quarter of batches " + std::to_string(static_cast<long>(first)) +
         " events/s, last quarter " + std::to_string(static_cast<long>(last)) + " events/s";
}

}  // namespace

std::size_t count_csv_rows(const std::string& body) {
  std::size_t records = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == '"')
      quoted = !quoted;  // "" inside a quoted field toggles twice: no effect
    else if (!quoted && c == '\r' && i + 1 < body.size() && body[i + 1] == '\n')
      ++records;
  }
  if (!body.empty() && body.back() != '\n') ++records;
  return records > 0 ? records - 1 : 0;
}

ScenarioResult run_ingest(const Target& t, const ScenarioSpec& spec, const Dataset& data) {
  ScenarioResult r = base_result(t, spec);
  r.unit = "events/s";
  std::atomic<std::size_t> next{0};
  std::atomic<std::uint64_t> accepted{0}, duplicates{0}, rejected{0};
  ErrorLog errors;
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(spec.connections));
  std::vector<std::vector<double>> finished(static_cast<std::size_t>(spec.connections));
  const testing::Headers headers{{"Content-Type", "application/json"}, {"X-Tenant-ID", t.tenant}};
  RssSampler rss(t.server_pid);
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < spec.connections; ++i) {
    threads.emplace_back([&, i] {
      HttpConnection conn(t.host, t.port, t.request_timeout_ms);
      for (std::size_t b = next++; b < data.bodies.size(); b = next++) {
        auto sent = Clock::now();
        HttpResponse resp = conn.request(spec.method, spec.path, data.bodies[b], headers);
        latencies[static_cast<std::size_t>(i)].push_back(ms_since(sent));
        finished[static_cast<std::size_t>(i)].push_back(ms_since(start));
        if (!ok_status(resp.status)) {
          errors.add(resp);
          continue;
        }
        auto body = nlohmann::json::parse(resp.body, nullptr, false);
        if (body.is_object()) {
          accepted += body.value("accepted", std::uint64_t{0});
          duplicates += body.value("duplicates", std::uint64_t{0});
          if (auto it = body.find("rejected"); it != body.end() && it->is_array())
            rejected += it->size();
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  double seconds = ms_since(start) / 1000.0;
  finish_rss(rss, r);
  record_latencies(r, merged(latencies), errors);
  r.throughput = seconds > 0 ? static_cast<double>(accepted) / seconds : 0;
  r.note = std::to_string(accepted.load()) + " accepted, " + std::to_string(duplicates.load()) +
           " duplicates, " + std::to_string(rejected.load()) + " rejected of " +
           std::to_string(data.stats.events) + " events in " +
           std::to_string(seconds).substr(0, 6) + " s, " + std::to_string(spec.connections) +
           " connections";
  r.note += quarter_rates(finished, data);
  if (!errors.first.empty()) r.note += "; first error: " + errors.first;
  return r;
}

ScenarioResult run_latency(const Target& t, const ScenarioSpec& spec, const std::string& path) {
  ScenarioResult r = base_result(t, spec);
  bool export_kind = spec.kind == ScenarioKind::Export;
  r.unit = export_kind ? "rows/s" : "req/s";
  HttpConnection conn(t.host, t.port, t.request_timeout_ms);
  testing::Headers headers{{"X-Tenant-ID", t.tenant}};
  ErrorLog errors;
  auto budget_start = Clock::now();
  auto over_budget = [&] { return ms_since(budget_start) > spec.time_budget_s * 1000.0; };
  for (int i = 0; i < spec.warmup && !over_budget(); ++i) {
    HttpResponse w = conn.request(spec.method, path, {}, headers);
    if (!ok_status(w.status)) errors.add(w);
  }
  std::vector<double> latencies;
  std::size_t rows = 0, bytes = 0;
  std::string cache_header;
  RssSampler rss(t.server_pid);
  auto start = Clock::now();
  for (int i = 0; i < spec.repetitions && (i == 0 || !over_budget()); ++i) {
    auto sent = Clock::now();
    HttpResponse resp = conn.request(spec.method, path, {}, headers);
    latencies.push_back(ms_since(sent));
    if (!ok_status(resp.status)) {
      errors.add(resp);
      continue;
    }
    bytes = resp.body.size();
    cache_header = resp.header("x-cache");
    if (export_kind) rows = count_csv_rows(resp.body);
  }
  double seconds = ms_since(start) / 1000.0;
  finish_rss(rss, r);
  auto s = record_latencies(r, latencies, errors);
  if (export_kind) {
    r.throughput = s.median_ms > 0 ? static_cast<double>(rows) / (s.median_ms / 1000.0) : 0;
    r.note = std::to_string(rows) + " rows, ";
  } else {
    r.throughput = seconds > 0 ? static_cast<double>(s.count) / seconds : 0;
  }
  r.note += std::to_string(bytes) + " bytes/response";
  if (s.count < static_cast<std::size_t>(spec.repetitions))
    r.note += ", " + std::to_string(s.count) + " of " + std::to_string(spec.repetitions) +
              " repetitions (time budget " + std::to_string(static_cast<int>(spec.time_budget_s)) +
              " s)";
  if (!cache_header.empty()) r.note += ", X-Cache " + cache_header;
  if (conn.connects() > 1) r.note += ", " + std::to_string(conn.connects()) + " connects";
  if (!errors.first.empty()) r.note += "; first error: " + errors.first;
  return r;
}

ScenarioResult run_throughput(const Target& t, const ScenarioSpec& spec, const std::string& path) {
  ScenarioResult r = base_result(t, spec);
  testing::Headers headers{{"X-Tenant-ID", t.tenant}};
  ErrorLog errors;
  {
    HttpConnection prime(t.host, t.port, t.request_timeout_ms);
    for (int i = 0; i < std::max(1, spec.warmup); ++i) {
      HttpResponse w = prime.request(spec.method, path, {}, headers);
      if (!ok_status(w.status)) errors.add(w);
    }
  }
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(spec.connections));
  std::atomic<std::size_t> hits{0}, connects{0};
  RssSampler rss(t.server_pid);
  auto start = Clock::now();
  auto deadline = start + std::chrono::duration<double>(spec.duration_s);
  std::vector<std::thread> threads;
  for (int i = 0; i < spec.connections; ++i) {
    threads.emplace_back([&, i] {
      HttpConnection conn(t.host, t.port, t.request_timeout_ms);
      auto& mine = latencies[static_cast<std::size_t>(i)];
      while (Clock::now() < deadline) {
        auto sent = Clock::now();
        HttpResponse resp = conn.request(spec.method, path, {}, headers);
        mine.push_back(ms_since(sent));
        if (!ok_status(resp.status))
          errors.add(resp);
        else if (resp.header("x-cache") == "HIT")
          ++hits;
      }
      connects += static_cast<std::size_t>(conn.connects());
    });
  }
  for (auto& th : threads) th.join();
  double seconds = ms_since(start) / 1000.0;
  finish_rss(rss, r);
  auto s = record_latencies(r, merged(latencies), errors);
  r.throughput = seconds > 0 ? static_cast<double>(s.count) / seconds : 0;
  r.note = "zaplify-bench client, " + std::to_string(spec.connections) +
           " keep-alive connections, " + std::to_string(hits.load()) + "/" +
           std::to_string(s.count) + " X-Cache HIT, " + std::to_string(connects.load()) +
           " TCP connects";
  if (!errors.first.empty()) r.note += "; first error: " + errors.first;
  return r;
}

}  // namespace zaplify::bench
