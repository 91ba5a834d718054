#pragma once
// The reference client for cached reads: wrk, with keep-alive, as the bars are stated.

#include <optional>
#include <string>

namespace zaplify::bench {

struct WrkResult {
  double requests_per_s = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  long long requests = 0;
  long long non_2xx = 0;
  long long socket_errors = 0;  ///< connect + read + write + timeout
};

/// The ready-to-paste command (single-quoted arguments).
std::string wrk_command(const std::string& url, const std::string& tenant, int threads,
                        int connections, int seconds);
/// Parses `wrk --latency` output; nullopt when "Requests/sec" is missing.
std::optional<WrkResult> parse_wrk_output(const std::string& text);
/// Latency text like "812.00us", "3.21ms", "1.02s" → ms; -1 when unparsable.
double wrk_duration_ms(const std::string& text);
/// Runs the command when `wrk` is on PATH; nullopt (and `error` set) otherwise.
std::optional<WrkResult> run_wrk(const std::string& command, std::string& error);

}  // namespace zaplify::bench
