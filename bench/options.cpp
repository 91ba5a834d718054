#include "options.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "backfill.h"
#include "scenario_spec.h"

#ifndef ZAPLIFY_BENCH_SCENARIOS
#define ZAPLIFY_BENCH_SCENARIOS ""
#endif

namespace zaplify::bench {
namespace {

long long to_integer(const std::string& opt, const std::string& v, long long min) {
  char* end = nullptr;
  long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n < min)
    throw std::invalid_argument(opt + ": expected an integer >= " + std::to_string(min) +
                                ", got '" + v + "'");
  return n;
}

std::string shell_quote(const std::string& s) {
  if (s.find_first_of(" '\"$\\&|;<>()*?") == std::string::npos && !s.empty()) return s;
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

double to_seconds(const std::string& opt, const std::string& v) {
  char* end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || !(d > 0))
    throw std::invalid_argument(opt + ": expected a number > 0, got '" + v + "'");
  return d;
}

void parse_soak_option(const std::string& a, const std::string& v, SoakOptions& s) {
  if (a == "--soak-seconds")
    s.seconds = to_seconds(a, v);
  else if (a == "--soak-rate")
    s.rate = to_seconds(a, v);
  else if (a == "--soak-warmup")
    s.warmup_s = to_seconds(a, v);
  else if (a == "--soak-window")
    s.window_s = to_seconds(a, v);
  else if (a == "--soak-sample")
    s.sample_s = to_seconds(a, v);
  else if (a == "--soak-threads")
    s.threads = static_cast<int>(to_integer(a, v, 1));
  else if (a == "--soak-batch-events")
    s.batch_events = static_cast<int>(to_integer(a, v, 1));
  else if (a == "--soak-ingest-percent")
    s.ingest_percent = static_cast<int>(to_integer(a, v, 1));
  else if (a == "--soak-rolling")
    s.rolling_s = static_cast<int>(to_integer(a, v, 1));
  else if (a == "--soak-leads")
    s.leads = to_integer(a, v, 1);
  else if (a == "--soak-cache-mb")
    s.cache_bytes = to_integer(a, v, 1) << 20;
  else if (a == "--soak-prefill")
    s.prefill_s = static_cast<double>(to_integer(a, v, 0));
  else if (a == "--soak-sqlite-cache-mb")
    s.sqlite_cache_mb = static_cast<int>(to_integer(a, v, 4));
  else
    throw std::invalid_argument("unknown option " + a + " (see --help)");
  if (s.ingest_percent >= 100) throw std::invalid_argument("--soak-ingest-percent: at most 99");
}

}  // namespace

std::string usage() {
  return "usage: zaplify-bench [options]\n"
         "  --database sqlite|postgres|both   (default sqlite)\n"
         "  --leads N                 demo leads, ~10 events each (default 100000)\n"
         "  --days N                  demo days (default 30)\n"
         "  --seed N                  demo seed, also of the backfill shuffle (default 42)\n"
         "  --data SHAPE              time-ordered (live traffic), backfill (an import: all "
         "events\n"
         "                            shuffled, hashed id prefixes) or both (default "
         "time-ordered)\n"
         "  --tenant NAME             tenant of the data (default bench)\n"
         "  --scenarios a,b,c         subset of the scenarios file (default: all)\n"
         "  --scenarios-file PATH     (default: bench/scenarios.json of the source tree)\n"
         "  --server-binary PATH      (default: <bin>/zaplify-analytics)\n"
         "  --plugins-dir PATH        (default: <bin>/../plugins)\n"
         "  --pg-url URL              PostgreSQL server to create the database on\n"
         "                            (default: $ZAPLIFY_TEST_PG_URL)\n"
         "  --redis-url URL           cached scenarios use the redis cache backend\n"
         "  --server-url URL          use a running server (nothing started)\n"
         "  --server-pid PID          with --server-url: sample this process's RSS\n"
         "  --server-threads N        server.threads of the started server (default 2)\n"
         "  --max-concurrent N        server.max_concurrent_requests (default 4)\n"
         "  --ingest-connections N    override the ingest scenarios' connections\n"
         "  --sqlite-cache-mb N       database.sqlite_cache_mb of the started servers\n"
         "  --raw-cache-mb N          raw-insert on SQLite: page cache in MiB (default: SQLite's)\n"
         "  --lead-messages N         lead messages in the sentiment/topics window (default "
         "100000)\n"
         "  --wrk-seconds N           duration of the wrk run (default 10)\n"
         "  --request-timeout S       per-request timeout in seconds (default 300)\n"
         "  --no-wrk                  do not run wrk (still print its command)\n"
         "  --json                    print JSON instead of Markdown\n"
         "  --output FILE             also write the report to FILE\n"
         "  --keep                    keep the work folder (YAML, logs, SQLite file)\n"
         "  --plugin-configs-from Y   give the started servers' plugins the config: blocks of\n"
         "                            server YAML Y (e.g. config/analytics.yaml: the shipped\n"
         "                            topic taxonomy); default: none\n"
         "  --enable-plugins a,b      the servers serving the reads enable only these plugins\n"
         "                            (+ cache on the cached one); the rest are listed disabled\n"
         "                            (e.g. to compare with an older build that lacks some)\n"
         "soak mode (--scenarios soak, alone; see bench/README.md):\n"
         "  --soak-seconds S          duration (default 600)\n"
         "  --soak-rate R             requests/s of the whole mix, open loop (default 100)\n"
         "  --soak-warmup S           references taken after S seconds (default 120)\n"
         "  --soak-window S           latency window, the report's \"minute\" (default 60)\n"
         "  --soak-sample S           RSS/fd sampling period (default 10)\n"
         "  --soak-threads N          client threads / keep-alive connections (default 4)\n"
         "  --soak-batch-events N     events per ingest batch (default 100)\n"
         "  --soak-ingest-percent P   share of requests that are ingest batches (default 2)\n"
         "  --soak-rolling S          rolling read window of the growing tenant (default 120)\n"
         "  --soak-leads N            seed leads per tenant (default 5000)\n"
         "  --soak-prefill S          ingest S s of the run's events before it, dated in the past\n"
         "                            (default 360: the real-time window starts full; 0: none)\n"
         "  --soak-sqlite-cache-mb N  the server's database.sqlite_cache_mb (default: its own, "
         "64)\n"
         "  --soak-cache-mb N         cache.max_bytes of the server in MiB (default 4)\n";
}

BenchOptions parse_options(int argc, char** argv, const std::string& exe_dir, bool& help) {
  BenchOptions o;
  help = false;
  namespace fs = std::filesystem;
  o.server_binary = (fs::path(exe_dir) / "zaplify-analytics").string();
  o.plugins_dir = (fs::path(exe_dir).parent_path() / "plugins").lexically_normal().string();
  o.scenarios_file = ZAPLIFY_BENCH_SCENARIOS;
  if (const char* pg = std::getenv("ZAPLIFY_TEST_PG_URL")) o.pg_url = pg;
  for (int i = 0; i < argc; ++i) {
    if (i) o.command_line += ' ';
    o.command_line += shell_quote(argv[i]);
  }
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    if (a == "--help" || a == "-h")
      help = true;
    else if (a == "--database") {
      std::string v = value();
      if (v == "both")
        o.databases = {"sqlite", "postgres"};
      else if (v == "sqlite" || v == "postgres")
        o.databases = {v};
      else
        throw std::invalid_argument("--database: expected sqlite, postgres or both");
    } else if (a == "--leads")
      o.leads = to_integer(a, value(), 1);
    else if (a == "--days")
      o.days = static_cast<int>(to_integer(a, value(), 1));
    else if (a == "--seed")
      o.seed = static_cast<std::uint64_t>(to_integer(a, value(), 0));
    else if (a == "--data") {
      std::string v = value();
      o.data_shapes = v == "both" ? std::vector<std::string>{"time-ordered", "backfill"}
                                  : std::vector<std::string>{data_shape_name(data_shape_from(v))};
    } else if (a == "--tenant")
      o.tenant = value();
    else if (a == "--scenarios")
      o.scenarios = split_list(value());
    else if (a == "--scenarios-file")
      o.scenarios_file = value();
    else if (a == "--server-binary")
      o.server_binary = value();
    else if (a == "--plugins-dir")
      o.plugins_dir = value();
    else if (a == "--pg-url")
      o.pg_url = value();
    else if (a == "--redis-url")
      o.redis_url = value();
    else if (a == "--server-url")
      o.server_url = value();
    else if (a == "--server-pid")
      o.server_pid = static_cast<int>(to_integer(a, value(), 1));
    else if (a == "--server-threads")
      o.server_threads = static_cast<int>(to_integer(a, value(), 1));
    else if (a == "--max-concurrent")
      o.max_concurrent = static_cast<int>(to_integer(a, value(), 1));
    else if (a == "--sqlite-cache-mb")
      o.sqlite_cache_mb = static_cast<int>(to_integer(a, value(), 4));
    else if (a == "--ingest-connections")
      o.ingest_connections = static_cast<int>(to_integer(a, value(), 1));
    else if (a == "--raw-cache-mb")
      o.raw_cache_mb = static_cast<int>(to_integer(a, value(), 1));
    else if (a == "--lead-messages")
      o.lead_messages = static_cast<std::uint64_t>(to_integer(a, value(), 1));
    else if (a == "--wrk-seconds")
      o.wrk_seconds = static_cast<int>(to_integer(a, value(), 1));
    else if (a == "--request-timeout")
      o.request_timeout_s = static_cast<int>(to_integer(a, value(), 1));
    else if (a == "--no-wrk")
      o.run_wrk = false;
    else if (a == "--json")
      o.json = true;
    else if (a == "--output")
      o.output_file = value();
    else if (a == "--keep")
      o.keep_work_dir = true;
    else if (a == "--plugin-configs-from")
      o.plugin_configs_from = value();
    else if (a == "--enable-plugins")
      o.enable_plugins = value();
    else if (a.rfind("--soak-", 0) == 0)
      parse_soak_option(a, value(), o.soak);
    else
      throw std::invalid_argument("unknown option " + a + " (see --help)");
  }
  if (o.days > 89)
    throw std::invalid_argument("--days: at most 89 (the server's retention is 90 days)");
  return o;
}

}  // namespace zaplify::bench
