#pragma once
// Drives one scenario against a running server and measures it.

#include <cstdint>
#include <string>

#include "dataset.h"
#include "scenario_spec.h"
#include "stats.h"

namespace zaplify::bench {

/// Where requests go. `server_pid` <= 0: no RSS sampling.
struct Target {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  int server_pid = -1;
  std::string tenant;
  std::string database;  ///< Label for the report.
  int request_timeout_ms = 300000;
};

/// POSTs every body of `data` over `spec.connections` keep-alive connections.
ScenarioResult run_ingest(const Target& target, const ScenarioSpec& spec, const Dataset& data);
/// Warm-up, then `spec.repetitions` sequential requests for `target_path` on one connection,
/// within `spec.time_budget_s`.
/// Export kind: counts CSV data rows and reports rows/s (rows per median request time).
ScenarioResult run_latency(const Target& target, const ScenarioSpec& spec,
                           const std::string& target_path);
/// `spec.connections` threads, each with its own keep-alive connection, for `spec.duration_s`.
ScenarioResult run_throughput(const Target& target, const ScenarioSpec& spec,
                              const std::string& target_path);

/// CSV data rows in an RFC 4180 body: CRLF-terminated records minus the header (a final record
/// without CRLF counts too). Line breaks inside quoted fields are not record ends.
std::size_t count_csv_rows(const std::string& body);

}  // namespace zaplify::bench
