#pragma once
// Command-line options of zaplify-bench.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace zaplify::bench {

/// The soak mode (`--scenarios soak`), see bench/README.md "Soak".
struct SoakOptions {
  double seconds = 600;
  double rate = 100;                   ///< Requests per second, all kinds together (open loop).
  double warmup_s = 120;               ///< RSS, fd and p99 references are taken after this.
  double window_s = 60;                ///< Latency window ("minute").
  double sample_s = 10;                ///< RSS and fd sampling period.
  int threads = 4;                     ///< Client threads, one keep-alive connection each.
  int batch_events = 100;              ///< Events per ingest batch.
  int ingest_percent = 2;              ///< Share of the requests that are ingest batches.
  int rolling_s = 120;                 ///< Width of the growing tenant's rolling read window.
  std::int64_t leads = 5000;           ///< Seed leads per tenant (demo generator).
  std::int64_t cache_bytes = 4 << 20;  ///< cache.max_bytes: small, so the LRU evicts all along.
  /// Seconds of the run's ingest put in before it starts, timestamped in the past, so the
  /// real-time window (5 min) and the rolling reads start at their steady-state volume.
  double prefill_s = 360;
  int sqlite_cache_mb = 0;  ///< database.sqlite_cache_mb of the server; 0: its default (64).
};

struct BenchOptions {
  std::vector<std::string> databases{"sqlite"};  ///< From --database sqlite|postgres|both.
  std::int64_t leads = 100000;
  int days = 30;
  std::uint64_t seed = 42;
  /// From --data time-ordered|backfill|both (backfill.h); every scenario runs once per shape.
  std::vector<std::string> data_shapes{"time-ordered"};
  std::string tenant = "bench";
  std::vector<std::string> scenarios;  ///< Empty: every scenario of the file.
  std::string scenarios_file;
  std::string server_binary;
  std::string plugins_dir;
  std::string pg_url;
  std::string redis_url;   ///< Set: the cached server uses the redis backend.
  std::string server_url;  ///< Set: no server is started.
  int server_pid = -1;
  int server_threads = 2;
  int max_concurrent = 4;
  int sqlite_cache_mb = 0;  ///< database.sqlite_cache_mb of the started servers; 0: their default.
  int ingest_connections = 0;  ///< 0: the scenario's value.
  int raw_cache_mb = 0;        ///< raw-insert on SQLite: PRAGMA cache_size; 0: SQLite's default.
  std::uint64_t lead_messages = 100000;
  int wrk_seconds = 10;
  int request_timeout_s = 300;
  bool run_wrk = true;
  bool json = false;
  std::string output_file;
  bool keep_work_dir = false;
  /// --plugin-configs-from: a server YAML whose plugins' `config:` blocks the started servers get.
  std::string plugin_configs_from;
  /// Plugin name → its `config:` block as JSON text, read from plugin_configs_from by main().
  std::map<std::string, std::string> plugin_configs;
  /// --enable-plugins: the read servers enable only these (comma-separated; the cached server adds
  /// `cache`); the others stay listed, disabled. Empty: every plugin.
  std::string enable_plugins;
  std::string command_line;
  SoakOptions soak;
};

/// Parses argv; throws std::invalid_argument with a message naming the option. `--help` sets
/// `help` and returns defaults.
BenchOptions parse_options(int argc, char** argv, const std::string& exe_dir, bool& help);
std::string usage();

}  // namespace zaplify::bench
