#pragma once
// Command-line options of zaplify-bench.

#include <cstdint>
#include <string>
#include <vector>

namespace zaplify::bench {

struct BenchOptions {
  std::vector<std::string> databases{"sqlite"};  ///< From --database sqlite|postgres|both.
  std::int64_t leads = 100000;
  int days = 30;
  std::uint64_t seed = 42;
  std::string tenant = "bench";
  std::vector<std::string> scenarios;  ///< Empty: every scenario of the file.
  std::string scenarios_file;
  std::string server_binary;
  std::string plugins_dir;
  std::string pg_url;
  std::string redis_url;  ///< Set: the cached server uses the redis backend.
  std::string server_url;  ///< Set: no server is started.
  int server_pid = -1;
  int server_threads = 2;
  int max_concurrent = 4;
  int ingest_connections = 0;  ///< 0: the scenario's value.
  std::uint64_t lead_messages = 100000;
  int wrk_seconds = 10;
  int request_timeout_s = 300;
  bool run_wrk = true;
  bool json = false;
  std::string output_file;
  bool keep_work_dir = false;
  std::string command_line;
};

/// Parses argv; throws std::invalid_argument with a message naming the option. `--help` sets
/// `help` and returns defaults.
BenchOptions parse_options(int argc, char** argv, const std::string& exe_dir, bool& help);
std::string usage();

}  // namespace zaplify::bench
