#include "bench_run.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "raw_insert.h"
#include "rss_sampler.h"
#include "server_launcher.h"
#include "support/harness/http_client.h"
#include "wrk_runner.h"

namespace zaplify::bench {

using testing::HttpConnection;
using testing::HttpResponse;
namespace {

namespace fs = std::filesystem;

std::string date_of(std::int64_t ms) { return format_rfc3339_ms(ms).substr(0, 10); }

void progress(const std::string& text) { std::cerr << "[zaplify-bench] " << text << std::endl; }

bool is_read(const ScenarioSpec& s) {
  return s.kind != ScenarioKind::Ingest && s.kind != ScenarioKind::RawInsert;
}

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
  if (window == "all")
    from = all_from_ms;
  else if (window == "lead_messages")
    from = lead_messages_from_ms;
  else if (!window.empty() && window.back() == 'd')
    from = to_ms - std::stoll(window) * kDayMs;
  else
    throw std::runtime_error("unknown window '" + window + "' (Nd, lead_messages or all)");
  return {{"from", date_of(from)},
          {"to", date_of(to_ms)},
          {"funnel_id", funnel_id},
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
  p.all_from_ms =
      stats.events ? std::max(earliest, stats.min_ts_ms / kDayMs * kDayMs) : p.to_ms - 30 * kDayMs;
  p.lead_messages_from_ms =
      stats.lead_messages_by_day.empty()
          ? p.to_ms - 30 * kDayMs
          : std::max(earliest, window_start_holding(stats.lead_messages_by_day, p.to_ms,
                                                    lead_messages_target));
  return p;
}

bool runs_apart(const ScenarioSpec& spec) {
  return spec.kind == ScenarioKind::RawInsert ||
         (spec.kind == ScenarioKind::Ingest && spec.plugins != "all");
}

std::string ratio_note(const std::vector<std::pair<std::string, double>>& rates) {
  std::string out;
  for (std::size_t i = 0; i < rates.size(); ++i) {
    for (std::size_t j = i + 1; j < rates.size(); ++j) {
      if (!out.empty()) out += ", ";
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.2f",
                    rates[j].second > 0 ? rates[i].second / rates[j].second : 0.0);
      out += rates[i].first + " / " + rates[j].first + " = " + buf + " ×";
    }
  }
  return out;
}

BenchRun::BenchRun(const BenchOptions& options, const std::vector<ScenarioSpec>& specs,
                   const Dataset* data, std::int64_t end_ms, std::string work_dir,
                   std::string data_label)
    : options_(options),
      specs_(specs),
      data_(data),
      end_ms_(end_ms),
      work_dir_(std::move(work_dir)),
      data_label_(std::move(data_label)) {
  vars_ = placeholders_for(data_ ? data_->stats : DatasetStats{}, end_ms_, options_.lead_messages);
  vars_.tenant = options_.tenant;
}

BenchRun::FreshDatabase BenchRun::create_database(const std::string& database,
                                                  const std::string& role) {
  FreshDatabase db;
  if (database == "sqlite") {
    db.sqlite_file = work_dir_ + "/bench-" + data_label_ + role + ".db";
    db.url = "sqlite3://" + db.sqlite_file;
    return db;
  }
  if (options_.pg_url.empty())
    throw std::runtime_error("--database postgres needs --pg-url or ZAPLIFY_TEST_PG_URL");
  db.pg_name =
      "zbench_" + std::to_string(::getpid()) + "_" +
      std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 100000000);
  db.url = create_postgres_database(options_.pg_url, db.pg_name);
  return db;
}

void BenchRun::drop_database(const FreshDatabase& db) const {
  if (options_.keep_work_dir) return;
  if (!db.pg_name.empty()) drop_postgres_database(options_.pg_url, db.pg_name);
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"})
    if (!db.sqlite_file.empty()) fs::remove(db.sqlite_file + suffix, ec);
}

void BenchRun::run(const std::string& database, std::vector<ScenarioResult>& results,
                   std::vector<std::string>& notes) {
  const std::size_t first_row = results.size();
  if (!options_.server_url.empty()) {
    for (const auto& s : specs_)
      if (runs_apart(s))
        notes.push_back(s.name + ": not run with --server-url (it needs its own database)");
    Target t;
    std::tie(t.host, t.port) = testing::parse_base_url(options_.server_url);
    t.server_pid = options_.server_pid;
    t.tenant = options_.tenant;
    t.database = database + " (running server)";
    t.request_timeout_ms = options_.request_timeout_s * 1000;
    run_uncached(t, results, notes);
    run_cached(t, results, notes);
  } else {
    run_apart(database, notes);
    bool server_a = false;
    for (const auto& s : specs_) server_a = server_a || !runs_apart(s);
    if (server_a) run_own_servers(database, results, notes);
    results.insert(results.end(), apart_rows_.begin(), apart_rows_.end());  // when A did not run
    apart_rows_.clear();
  }
  for (std::size_t i = first_row; i < results.size(); ++i) results[i].data = data_label_;
  add_ratio_note(std::vector<ScenarioResult>(
                     results.begin() + static_cast<std::ptrdiff_t>(first_row), results.end()),
                 database, notes);
}

void BenchRun::run_own_servers(const std::string& database, std::vector<ScenarioResult>& results,
                               std::vector<std::string>& notes) {
  LaunchOptions launch;
  launch.binary = options_.server_binary;
  launch.plugins_dir = options_.plugins_dir;
  launch.database_url = create_database(database, "").url;
  launch.threads = options_.server_threads;
  launch.max_concurrent_requests = options_.max_concurrent;
  launch.sqlite_cache_mb = options_.sqlite_cache_mb;
  launch.work_dir = work_dir_;
  launch.plugin_configs = options_.plugin_configs;
  launch.only_plugins = options_.enable_plugins;
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
  if (!launch.only_plugins.empty()) launch.only_plugins += ",cache";
  launch.cache_backend = options_.redis_url.empty() ? "memory" : "redis";
  launch.redis_url = options_.redis_url;
  progress(database + ": starting a second server on the same database with the cache plugin (" +
           launch.cache_backend + ")");
  ServerInstance cached(launch);
  t.port = cached.port();
  t.server_pid = cached.pid();
  run_cached(t, results, notes);
}

// Before server A starts, so that nothing else of the benchmark runs beside them.
void BenchRun::run_apart(const std::string& database, std::vector<std::string>& notes) {
  for (const auto& spec : specs_) {
    if (!runs_apart(spec)) continue;
    if (!data_) throw std::runtime_error(spec.name + " without a dataset");
    ScenarioResult r;
    try {
      r = spec.kind == ScenarioKind::RawInsert ? run_raw_insert(database, spec)
                                               : run_core_only(database, spec);
    } catch (const std::exception& e) {  // one failed scenario must not lose the others' figures
      r.name = spec.name;
      r.errors = 1;
      r.note = std::string("failed: ") + e.what();
      notes.push_back(spec.name + " (" + database + ") failed: " + e.what());
    }
    r.database = database;
    judge(spec.bar, r);
    apart_rows_.push_back(r);
  }
}

ScenarioResult BenchRun::run_core_only(const std::string& database, const ScenarioSpec& spec) {
  ScenarioSpec s = spec;
  if (options_.ingest_connections > 0) s.connections = options_.ingest_connections;
  FreshDatabase db = create_database(database, "-core");
  LaunchOptions launch;
  launch.binary = options_.server_binary;
  launch.plugins_dir = options_.plugins_dir;
  launch.database_url = db.url;
  launch.threads = options_.server_threads;
  launch.max_concurrent_requests = options_.max_concurrent;
  launch.sqlite_cache_mb = options_.sqlite_cache_mb;
  launch.work_dir = work_dir_;
  launch.plugin_configs = options_.plugin_configs;
  launch.plugins_enabled = s.plugins != "none";
  launch.only_plugins = s.plugins == "none" ? "" : s.plugins;
  ScenarioResult r;
  {
    progress(database + ": " + s.name + ": a server with plugins " + s.plugins +
             ", its own database (" + std::to_string(data_->bodies.size()) + " batches)");
    ServerInstance server(launch);
    Target t;
    t.port = server.port();
    t.server_pid = server.pid();
    t.tenant = options_.tenant;
    t.database = database;
    t.request_timeout_ms = options_.request_timeout_s * 1000;
    r = run_ingest(t, s, *data_);
  }
  drop_database(db);
  r.note += s.plugins == "none" ? "; every plugin disabled (the core alone)"
                                : "; only " + s.plugins + " enabled";
  return r;
}

ScenarioResult BenchRun::run_raw_insert(const std::string& database, const ScenarioSpec& spec) {
  progress(database + ": " + spec.name + ": no server, " + std::to_string(data_->bodies.size()) +
           " batches into a minimal table");
  if (database == "sqlite")
    return run_raw_insert_sqlite(spec, *data_, work_dir_ + "/raw-" + data_label_ + ".db",
                                 options_.raw_cache_mb);
  if (options_.pg_url.empty())
    throw std::runtime_error("--database postgres needs --pg-url or ZAPLIFY_TEST_PG_URL");
  std::string name =
      "zbench_raw_" + std::to_string(::getpid()) + "_" +
      std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 100000000);
  return run_raw_insert_postgres(spec, *data_, options_.pg_url, name);
}

void BenchRun::add_ratio_note(const std::vector<ScenarioResult>& rows, const std::string& database,
                              std::vector<std::string>& notes) const {
  std::vector<std::pair<std::string, double>> rates;
  for (const auto& spec : specs_) {
    if (spec.kind != ScenarioKind::Ingest && spec.kind != ScenarioKind::RawInsert) continue;
    for (const auto& r : rows)
      if (r.name == spec.name) rates.emplace_back(r.name, r.throughput);
  }
  std::string text = ratio_note(rates);
  if (!text.empty())
    notes.push_back("ratios (" + database + ", " + data_label_ + " data, this run): " + text);
}

void BenchRun::discover_funnel(const Target& t, std::vector<std::string>& notes) {
  HttpConnection conn(t.host, t.port);
  auto r = conn.request("GET", "/analytics/funnels", {}, {{"X-Tenant-ID", t.tenant}});
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  if (r.status != 200 || !body.is_object() || !body.contains("funnels") ||
      !body["funnels"].is_array()) {
    notes.push_back("GET /analytics/funnels failed (HTTP " + std::to_string(r.status) +
                    "); funnel scenarios use '" + vars_.funnel_id + "'");
    return;
  }
  bool known = false;
  for (const auto& f : body["funnels"])
    if (f.value("funnel_id", "") == vars_.funnel_id) known = true;
  if (!known && !body["funnels"].empty())
    vars_.funnel_id = body["funnels"][0].value("funnel_id", "");
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
    if (spec.kind != ScenarioKind::Ingest || runs_apart(spec)) continue;
    if (!data_) throw std::runtime_error("ingest scenario without a dataset");
    ScenarioSpec s = spec;
    if (options_.ingest_connections > 0) s.connections = options_.ingest_connections;
    progress(t.database + ": " + s.name + " (" + std::to_string(data_->bodies.size()) +
             " batches)");
    ScenarioResult r = run_ingest(t, s, *data_);
    judge(s.bar, r);
    results.push_back(r);
  }
  results.insert(results.end(), apart_rows_.begin(), apart_rows_.end());
  apart_rows_.clear();
  discover_funnel(t, notes);
  for (const auto& spec : specs_)
    if (is_read(spec) && !spec.cached) run_read(t, spec, results, notes);
}

void BenchRun::run_cached(const Target& t, std::vector<ScenarioResult>& results,
                          std::vector<std::string>& notes) {
  for (const auto& spec : specs_)
    if (is_read(spec) && spec.cached) run_read(t, spec, results, notes);
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
