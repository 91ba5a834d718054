#include "bench_run.h"

#include <unistd.h>

#include <chrono>
#include <iostream>
#include <stdexcept>

#include "http_client.h"
#include "rss_sampler.h"
#include "server_launcher.h"
#include "wrk_runner.h"

namespace zaplify::bench {
namespace {

std::string date_of(std::int64_t ms) { return format_rfc3339_ms(ms).substr(0, 10); }

void progress(const std::string& text) { std::cerr << "[zaplify-bench] " << text << std::endl; }

ScenarioResult wrk_row(const ScenarioSpec& spec, const std::string& database, const WrkResult& w,
                       int seconds) {
  ScenarioResult r;
  r.name = spec.name + " (wrk)";
  r.database = database;
  r.requests = static_cast<std::size_t>(w.requests);
  r.errors = static_cast<std::size_t>(w.non_2xx + w.socket_errors);
  r.median_ms = w.p50_ms;
  r.p99_ms = w.p99_ms;
  r.throughput = w.requests_per_s;
  r.note = "wrk -t2 -c64 -d" + std::to_string(seconds) + "s --latency, Connection: keep-alive";
  return r;
}

}  // namespace

std::map<std::string, std::string> Placeholders::for_window(const std::string& window) const {
  std::int64_t from = to_ms - 30 * kDayMs;
  if (window == "all") from = all_from_ms;
  else if (window == "lead_messages") from = lead_messages_from_ms;
  else if (!window.empty() && window.back() == 'd') from = to_ms - std::stoll(window) * kDayMs;
  else throw std::runtime_error("unknown window '" + window + "' (Nd, lead_messages or all)");
  return {{"from", date_of(from)}, {"to", date_of(to_ms)}, {"funnel_id", funnel_id},
          {"tenant", tenant}};
}

Placeholders placeholders_for(const DatasetStats& stats, std::int64_t end_ms,
                              std::uint64_t lead_messages_target) {
  Placeholders p;
  p.to_ms = (end_ms / kDayMs + 1) * kDayMs;
  p.tenant = stats.tenant;
  p.funnel_id = stats.main_funnel();
  // The server refuses windows longer than its retention (90 days by default).
  std::int64_t earliest = p.to_ms - 89 * kDayMs;
  p.all_from_ms = stats.events ? std::max(earliest, stats.min_ts_ms / kDayMs * kDayMs)
                               : p.to_ms - 30 * kDayMs;
  p.lead_messages_from_ms = stats.lead_messages_by_day.empty()
      ? p.to_ms - 30 * kDayMs
      : std::max(earliest, window_start_holding(stats.lead_messages_by_day, p.to_ms,
                                                lead_messages_target));
  return p;
}

BenchRun::BenchRun(const BenchOptions& options, const std::vector<ScenarioSpec>& specs,
                   const Dataset* data, std::int64_t end_ms, std::string work_dir)
    : options_(options), specs_(specs), data_(data), end_ms_(end_ms), work_dir_(std::move(work_dir)) {
  vars_ = placeholders_for(data_ ? data_->stats : DatasetStats{}, end_ms_, options_.lead_messages);
  vars_.tenant = options_.tenant;
}

std::string BenchRun::create_database(const std::string& database) {
  if (database == "sqlite") return "sqlite3://" + work_dir_ + "/bench.db";
  if (options_.pg_url.empty())
    throw std::runtime_error("--database postgres needs --pg-url or ZAPLIFY_TEST_PG_URL");
  std::string name = "zbench_" + std::to_string(::getpid()) + "_" +
                     std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 100000000);
  return create_postgres_database(options_.pg_url, name);
}

void BenchRun::run(const std::string& database, std::vector<ScenarioResult>& results,
                   std::vector<std::string>& notes) {
  if (!options_.server_url.empty()) {
    Target t;
    std::tie(t.host, t.port) = parse_base_url(options_.server_url);
    t.server_pid = options_.server_pid;
    t.tenant = options_.tenant;
    t.database = database + " (running server)";
    t.request_timeout_ms = options_.request_timeout_s * 1000;
    run_uncached(t, results, notes);
    run_cached(t, results, notes);
    return;
  }
  LaunchOptions launch;
  launch.binary = options_.server_binary;
  launch.plugins_dir = options_.plugins_dir;
  launch.database_url = create_database(database);
  launch.threads = options_.server_threads;
  launch.max_concurrent_requests = options_.max_concurrent;
  launch.work_dir = work_dir_;
  Target t;
  t.tenant = options_.tenant;
  t.database = database;
  t.request_timeout_ms = options_.request_timeout_s * 1000;
  {
    progress(database + ": starting the server without the cache plugin");
    ServerInstance server(launch);
    t.port = server.port();
    t.server_pid = server.pid();
    run_uncached(t, results, notes);
  }
  bool any_cached = false;
  for (const auto& s : specs_) any_cached = any_cached || s.cached;
  if (!any_cached) return;
  launch.cache_enabled = true;
  launch.cache_backend = options_.redis_url.empty() ? "memory" : "redis";
  launch.redis_url = options_.redis_url;
  progress(database + ": starting a second server on the same database with the cache plugin (" +
           launch.cache_backend + ")");
  ServerInstance cached(launch);
  t.port = cached.port();
  t.server_pid = cached.pid();
  run_cached(t, results, notes);
}

void BenchRun::discover_funnel(const Target& t, std::vector<std::string>& notes) {
  HttpConnection conn(t.host, t.port);
  auto r = conn.request("GET", "/analytics/funnels", {}, {"X-Tenant-ID: " + t.tenant});
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  if (r.status != 200 || !body.is_object() || !body.contains("funnels") || !body["funnels"].is_array()) {
    notes.push_back("GET /analytics/funnels failed (HTTP " + std::to_string(r.status) +
                    "); funnel scenarios use '" + vars_.funnel_id + "'");
    return;
  }
  bool known = false;
  for (const auto& f : body["funnels"])
    if (f.value("funnel_id", "") == vars_.funnel_id) known = true;
  if (!known && !body["funnels"].empty()) vars_.funnel_id = body["funnels"][0].value("funnel_id", "");
  std::string stage_events;
  if (data_ && data_->stats.funnels.count(vars_.funnel_id))
    stage_events = ", " + std::to_string(data_->stats.funnels.at(vars_.funnel_id).stage_events) +
                   " stage_changed events generated for it";
  notes.push_back("main funnel: '" + vars_.funnel_id + "' (of " +
                  std::to_string(body["funnels"].size()) + " listed by /analytics/funnels" +
                  stage_events + ")");
}

void BenchRun::run_uncached(const Target& t, std::vector<ScenarioResult>& results,
                            std::vector<std::string>& notes) {
  for (const auto& spec : specs_) {
    if (spec.kind != ScenarioKind::Ingest) continue;
    if (!data_) throw std::runtime_error("ingest scenario without a dataset");
    ScenarioSpec s = spec;
    if (options_.ingest_connections > 0) s.connections = options_.ingest_connections;
    progress(t.database + ": " + s.name + " (" + std::to_string(data_->bodies.size()) + " batches)");
    ScenarioResult r = run_ingest(t, s, *data_);
    judge(s.bar, r);
    results.push_back(r);
  }
  discover_funnel(t, notes);
  for (const auto& spec : specs_)
    if (spec.kind != ScenarioKind::Ingest && !spec.cached) run_read(t, spec, results, notes);
}

void BenchRun::run_cached(const Target& t, std::vector<ScenarioResult>& results,
                          std::vector<std::string>& notes) {
  for (const auto& spec : specs_)
    if (spec.kind != ScenarioKind::Ingest && spec.cached) run_read(t, spec, results, notes);
}

ScenarioResult BenchRun::run_read(const Target& t, const ScenarioSpec& spec,
                                  std::vector<ScenarioResult>& results,
                                  std::vector<std::string>& notes) {
  std::string path = substitute(spec.path, vars_.for_window(spec.window));
  progress(t.database + ": " + spec.name + " GET " + path);
  ScenarioResult r = spec.kind == ScenarioKind::Throughput ? run_throughput(t, spec, path)
                                                            : run_latency(t, spec, path);
  r.note = path + " — " + r.note;
  judge(spec.bar, r);
  results.push_back(r);
  if (spec.kind == ScenarioKind::Throughput && spec.wrk) {
    std::string url = "http://" + t.host + ":" + std::to_string(t.port) + path;
    std::string cmd = wrk_command(url, t.tenant, 2, 64, options_.wrk_seconds);
    notes.push_back(spec.name + " (" + t.database + ") with wrk: `" + cmd + "`");
    std::string error;
    if (options_.run_wrk) {
      progress(t.database + ": " + cmd);
      RssSampler rss(t.server_pid);
      auto w = run_wrk(cmd, error);
      rss.stop();
      if (w) {
        ScenarioResult wr = wrk_row(spec, t.database, *w, options_.wrk_seconds);
        wr.peak_rss_mb = rss.peak_mb();
        wr.rss_growth_mb = rss.growth_mb();
        judge(spec.bar, wr);
        results.push_back(wr);
      } else {
        notes.push_back("wrk not run: " + error);
      }
    }
  }
  return r;
}

}  // namespace zaplify::bench
