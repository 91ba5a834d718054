#include "soak_run.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "report.h"
#include "rss_sampler.h"
#include "runners.h"
#include "scenario_spec.h"
#include "server_launcher.h"
#include "soak_events.h"
#include "soak_plan.h"
#include "support/harness/http_client.h"

namespace zaplify::bench {

using testing::HttpConnection;
using testing::HttpResponse;
namespace {

using Clock = std::chrono::steady_clock;

void progress(const std::string& text) {
  std::cerr << "[zaplify-bench] soak: " << text << std::endl;
}

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

long long cpu_ticks(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(in, line);
  long long ticks = -1;
  return parse_stat_cpu_ticks(line, ticks) ? ticks : -1;
}

std::string database_url(const BenchOptions& o, const std::string& database,
                         const std::string& work) {
  if (database == "sqlite") return "sqlite3://" + work + "/soak.db";
  if (o.pg_url.empty())
    throw std::runtime_error("--database postgres needs --pg-url or ZAPLIFY_TEST_PG_URL");
  return create_postgres_database(o.pg_url, "zsoak_" + std::to_string(::getpid()) + "_" +
                                                std::to_string(wall_ms() % 100000000));
}

void seed(const Target& t, const Dataset& data) {
  ScenarioSpec spec;
  spec.name = "seed";
  spec.kind = ScenarioKind::Ingest;
  spec.method = "POST";
  spec.path = "/analytics/process/batch";
  spec.connections = 2;
  progress("seeding tenant '" + t.tenant + "' with " + std::to_string(data.stats.events) +
           " events");
  ScenarioResult r = run_ingest(t, spec, data);
  if (r.errors) throw std::runtime_error("seeding '" + t.tenant + "' failed: " + r.note);
}

struct Funnel {
  std::string id;
  std::vector<std::string> stages;
};

// The seed's busiest funnel, with its stages as the server lists them (the generator's
// stage_changed events must name real stages).
Funnel discover_funnel(const Target& t, const std::string& preferred) {
  HttpConnection conn(t.host, t.port);
  auto r = conn.request("GET", "/analytics/funnels", {}, {{"X-Tenant-ID", t.tenant}});
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  if (r.status != 200 || !body.is_object() || !body.contains("funnels") || body["funnels"].empty())
    throw std::runtime_error("GET /analytics/funnels failed (HTTP " + std::to_string(r.status) +
                             ")");
  Funnel f;
  for (const auto& item : body["funnels"]) {
    if (!f.id.empty() && item.value("funnel_id", "") != preferred) continue;
    f.id = item.value("funnel_id", "");
    f.stages = item.value("stages", std::vector<std::string>{});
  }
  return f;
}

// What one client thread saw; merged after the run.
struct ThreadLog {
  std::vector<SoakSample> samples;
  std::vector<std::uint16_t> kinds;
  std::vector<std::vector<double>> latency_by_kind;
  std::vector<std::size_t> errors_by_kind, hits_by_kind;
  double max_lateness_ms = 0;
  std::uint64_t accepted = 0;
  std::string first_error;
};

}  // namespace

namespace {

class SoakDriver {
 public:
  SoakDriver(const SoakOptions& s, const Target& growing, const Target& stat, const Funnel& funnel)
      : s_(s),
        growing_(growing),
        static_(stat),
        funnel_(funnel),
        mix_(default_soak_mix(s.ingest_percent)),
        schedule_(s.rate, s.seconds),
        events_(growing.tenant, funnel.id, funnel.stages,
                "soak" + std::to_string(wall_ms() / 1000)) {
    std::vector<int> weights;
    for (const auto& k : mix_) weights.push_back(k.weight);
    MixPicker picker(weights);
    picks_.reserve(schedule_.total());
    for (std::uint64_t i = 0; i < schedule_.total(); ++i)
      picks_.push_back(static_cast<std::uint16_t>(picker.next()));
  }

  const std::vector<SoakRequestKind>& mix() const { return mix_; }

  /// Ingests, back to back, the events the run's rate would have produced over the `seconds`
  /// before now, timestamped as if they had. The real-time window (and every rolling window
  /// shorter than `seconds`) then holds its steady-state volume from the first scheduled request
  /// on, instead of filling during the run and making later minutes look slower. Returns events.
  std::uint64_t prefill(double seconds) {
    double ingest_weight = 0, total_weight = 0;
    for (const auto& k : mix_) {
      total_weight += k.weight;
      if (k.ingest) ingest_weight += k.weight;
    }
    const double batches_per_s = s_.rate * ingest_weight / total_weight;
    const auto batches = static_cast<std::int64_t>(batches_per_s * seconds);
    if (batches <= 0) return 0;
    HttpConnection conn(growing_.host, growing_.port, growing_.request_timeout_ms);
    const std::int64_t first_ms = wall_ms() - static_cast<std::int64_t>(seconds * 1000);
    const double step_ms = seconds * 1000 / static_cast<double>(batches);
    std::uint64_t accepted = 0;
    for (std::int64_t b = 0; b < batches; ++b) {
      auto at = first_ms + static_cast<std::int64_t>(static_cast<double>(b + 1) * step_ms);
      auto body = events_.next_body(static_cast<std::size_t>(s_.batch_events), at);
      auto r =
          conn.request("POST", "/analytics/process/batch", body,
                       {{"X-Tenant-ID", growing_.tenant}, {"Content-Type", "application/json"}});
      if (r.status != 200)
        throw std::runtime_error("prefill batch failed: HTTP " + std::to_string(r.status));
      accepted += nlohmann::json::parse(r.body, nullptr, false).value("accepted", std::uint64_t{0});
    }
    return accepted;
  }

  std::vector<ThreadLog> run(Clock::time_point start) {
    std::vector<ThreadLog> logs(static_cast<std::size_t>(s_.threads));
    std::vector<std::thread> threads;
    for (int i = 0; i < s_.threads; ++i)
      threads.emplace_back(
          [this, start, &log = logs[static_cast<std::size_t>(i)]] { work(start, log); });
    for (auto& th : threads) th.join();
    return logs;
  }

 private:
  void work(Clock::time_point start, ThreadLog& log) {
    HttpConnection to_growing(growing_.host, growing_.port, growing_.request_timeout_ms);
    HttpConnection to_static(static_.host, static_.port, static_.request_timeout_ms);
    log.latency_by_kind.resize(mix_.size());
    log.errors_by_kind.assign(mix_.size(), 0);
    log.hits_by_kind.assign(mix_.size(), 0);
    for (std::uint64_t i = next_++; i < schedule_.total(); i = next_++) {
      auto due = start + std::chrono::microseconds(schedule_.due_us(i));
      std::this_thread::sleep_until(due);
      double late = std::chrono::duration<double, std::milli>(Clock::now() - due).count();
      log.max_lateness_ms = std::max(log.max_lateness_ms, late);
      const auto& kind = mix_[picks_[i]];
      auto& conn = kind.tenant == SoakTenant::Growing ? to_growing : to_static;
      HttpResponse resp = send(conn, kind, i);
      double latency = std::chrono::duration<double, std::milli>(Clock::now() - due).count();
      bool ok = check(kind, resp, log);
      double due_s = static_cast<double>(schedule_.due_us(i)) / 1e6;
      log.samples.push_back({due_s, latency, ok});
      log.kinds.push_back(picks_[i]);
      log.latency_by_kind[picks_[i]].push_back(latency);
      if (!ok)
        ++log.errors_by_kind[picks_[i]];
      else if (resp.header("x-cache") == "HIT")
        ++log.hits_by_kind[picks_[i]];
    }
  }

  HttpResponse send(HttpConnection& conn, const SoakRequestKind& kind, std::uint64_t i) {
    const Target& t = kind.tenant == SoakTenant::Growing ? growing_ : static_;
    testing::Headers headers{{"X-Tenant-ID", t.tenant}};
    if (kind.ingest) {
      std::string body;
      {
        std::lock_guard lock(events_mu_);
        body = events_.next_body(static_cast<std::size_t>(s_.batch_events), wall_ms());
      }
      headers.emplace("Content-Type", "application/json");
      return conn.request(kind.method, kind.path, body, headers);
    }
    auto [from, to] = soak_window(kind.window, wall_ms(), i, s_.rolling_s);
    std::string path =
        substitute(kind.path, {{"from", from}, {"to", to}, {"funnel_id", funnel_.id}});
    return conn.request(kind.method, path, {}, headers);
  }

  // A batch with rejected events is a failure too: the generator must only make valid events.
  static bool check(const SoakRequestKind& kind, const HttpResponse& resp, ThreadLog& log) {
    bool ok = resp.status >= 200 && resp.status < 300;
    if (ok && kind.ingest) {
      auto body = nlohmann::json::parse(resp.body, nullptr, false);
      ok = body.is_object() && body.value("rejected", nlohmann::json::array()).empty();
      if (ok) log.accepted += body.value("accepted", std::uint64_t{0});
    }
    if (!ok && log.first_error.empty())
      log.first_error = kind.name + ": " +
                        (resp.status == 0 ? "request failed: " + resp.error
                                          : "HTTP " + std::to_string(resp.status) + ": " +
                                                resp.body.substr(0, 300));
    return ok;
  }

  const SoakOptions& s_;
  const Target& growing_;
  const Target& static_;
  const Funnel& funnel_;
  std::vector<SoakRequestKind> mix_;
  PacingSchedule schedule_;
  std::vector<std::uint16_t> picks_;
  std::atomic<std::uint64_t> next_{0};
  std::mutex events_mu_;
  SoakEventGenerator events_;
};

// Samples RSS and open descriptors every `period_s` (and once at the start) until stopped.
class ProcessSampler {
 public:
  ProcessSampler(int pid, double period_s, Clock::time_point start) {
    thread_ = std::thread([this, pid, period_s, start] {
      for (int k = 0; running_; ++k) {
        auto at = start + std::chrono::milliseconds(static_cast<long long>(k * period_s * 1000));
        while (running_ && Clock::now() < at)
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (!running_) break;
        ProcessSample s;
        s.t_s = std::chrono::duration<double>(Clock::now() - start).count();
        long hwm = -1;
        if (!read_rss_kb(pid, s.rss_kb, hwm)) s.rss_kb = -1;
        s.fds = count_open_fds(pid);
        std::lock_guard lock(mu_);
        samples_.push_back(s);
      }
    });
  }
  ~ProcessSampler() { stop(); }
  std::vector<ProcessSample> stop() {
    running_ = false;
    if (thread_.joinable()) thread_.join();
    std::lock_guard lock(mu_);
    return samples_;
  }

 private:
  std::atomic<bool> running_{true};
  std::mutex mu_;
  std::vector<ProcessSample> samples_;
  std::thread thread_;
};

}  // namespace

namespace {

std::vector<SoakKindStats> kind_stats(const std::vector<SoakRequestKind>& mix,
                                      const std::vector<ThreadLog>& logs) {
  std::vector<SoakKindStats> out;
  for (std::size_t k = 0; k < mix.size(); ++k) {
    SoakKindStats s;
    s.name = mix[k].name;
    std::vector<double> all;
    for (const auto& log : logs) {
      all.insert(all.end(), log.latency_by_kind[k].begin(), log.latency_by_kind[k].end());
      s.errors += log.errors_by_kind[k];
      s.cache_hits += log.hits_by_kind[k];
    }
    auto summary = summarize(std::move(all));
    s.requests = summary.count;
    s.p50_ms = summary.median_ms;
    s.p99_ms = summary.p99_ms;
    out.push_back(s);
  }
  return out;
}

void summarise(SoakResult& r, const SoakOptions& s, const std::vector<ThreadLog>& logs,
               double seconds) {
  std::vector<SoakSample> all;
  std::vector<double> latencies;
  std::string first_error;
  for (const auto& log : logs) {
    all.insert(all.end(), log.samples.begin(), log.samples.end());
    r.max_lateness_ms = std::max(r.max_lateness_ms, log.max_lateness_ms);
    r.events_ingested += log.accepted;
    if (first_error.empty()) first_error = log.first_error;
  }
  for (const auto& x : all) {
    latencies.push_back(x.latency_ms);
    if (!x.ok) ++r.totals.errors;
  }
  r.windows = per_window(all, s.window_s, s.seconds);
  r.rss = rss_drift(r.samples, s.warmup_s);
  r.fds = fd_drift(r.samples, s.warmup_s);
  r.totals.requests = all.size();
  r.totals.target_rate = s.rate;
  r.totals.achieved_rate = seconds > 0 ? static_cast<double>(all.size()) / seconds : 0;
  r.criteria =
      judge_soak(r.windows, r.rss, r.fds, r.totals, s.warmup_s, s.window_s, SoakThresholds{});
  auto overall = summarize(std::move(latencies));
  r.row.name = "soak";
  r.row.requests = overall.count;
  r.row.errors = r.totals.errors;
  r.row.median_ms = overall.median_ms;
  r.row.p99_ms = overall.p99_ms;
  r.row.throughput = r.totals.achieved_rate;
  r.row.peak_rss_mb = r.rss.valid ? r.rss.max_mb : -1;
  r.row.rss_growth_mb = r.rss.valid ? r.rss.end_mb - r.rss.reference_mb : -1;
  r.row.bar = "RSS ±10 %, fds ±2, p99 last <= 2x first after warm-up, 0 errors, rate >= 95 %";
  r.row.verdict = "met";
  for (const auto& c : r.criteria)
    if (!c.passed) r.row.verdict = "MISSED";
  r.row.note = std::to_string(r.events_ingested) +
               " events ingested during the run; latency from the "
               "scheduled send time (open loop)";
  if (!first_error.empty()) r.row.note += "; first error: " + first_error;
}

}  // namespace

SoakResult run_soak(const BenchOptions& o, const std::string& database, const Dataset& growing_seed,
                    const Dataset& static_seed, const std::string& work_dir) {
  const SoakOptions& s = o.soak;
  LaunchOptions launch;
  launch.binary = o.server_binary;
  launch.plugins_dir = o.plugins_dir;
  launch.database_url = database_url(o, database, work_dir);
  launch.threads = o.server_threads;
  launch.max_concurrent_requests = o.max_concurrent;
  launch.work_dir = work_dir;
  launch.cache_enabled = true;
  launch.cache_backend = o.redis_url.empty() ? "memory" : "redis";
  launch.redis_url = o.redis_url;
  launch.cache_max_bytes = s.cache_bytes;
  launch.sqlite_cache_mb = s.sqlite_cache_mb;
  progress(database + ": starting the server with every plugin, cache " + launch.cache_backend);
  ServerInstance server(launch);
  Target growing{"127.0.0.1",  server.port(),
                 server.pid(), growing_seed.stats.tenant,
                 database,     o.request_timeout_s * 1000};
  Target stat = growing;
  stat.tenant = static_seed.stats.tenant;
  seed(growing, growing_seed);
  seed(stat, static_seed);
  Funnel funnel = discover_funnel(growing, growing_seed.stats.main_funnel());
  SoakDriver driver(s, growing, stat, funnel);
  if (s.prefill_s > 0) {
    progress(database + ": prefilling " + human_number(s.prefill_s) + " s of the run's ingest");
    auto n = driver.prefill(s.prefill_s);
    progress(database + ": prefilled " + std::to_string(n) + " events");
  }
  SoakResult r;
  r.row.database = database;
  progress(database + ": " + human_number(s.seconds) + " s at " + human_number(s.rate) +
           " req/s, funnel '" + funnel.id + "'");
  long long ticks0 = cpu_ticks(server.pid());
  auto start = Clock::now();
  ProcessSampler sampler(server.pid(), s.sample_s, start);
  auto logs = driver.run(start);
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  // No extra sample after the run: the client threads have closed their sockets by now.
  r.samples = sampler.stop();
  long long ticks1 = cpu_ticks(server.pid());
  if (ticks0 >= 0 && ticks1 >= 0)
    r.server_cpu_pct = static_cast<double>(ticks1 - ticks0) /
                       static_cast<double>(::sysconf(_SC_CLK_TCK)) / seconds * 100;
  r.kinds = kind_stats(driver.mix(), logs);
  summarise(r, s, logs, seconds);
  if (r.totals.errors) r.notes.push_back("server log tail: " + server.log_tail(1500));
  return r;
}

}  // namespace zaplify::bench
