#pragma once
// Scenarios are data (bench/scenarios.json): one entry per measured request shape, so a plugin's
// scenarios are added without touching the tool.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stats.h"

namespace zaplify::bench {

/// How a scenario is driven.
enum class ScenarioKind {
  Ingest,      ///< Streams the dataset's batches (POST), reports events/s.
  Latency,     ///< Sequential requests on one keep-alive connection, reports req/s.
  Export,      ///< Like Latency; counts CSV rows (CRLF lines minus the header), reports rows/s.
  Throughput,  ///< N connections for D seconds against one URL (meant for cached reads).
  RawInsert,   ///< No server: the dataset's rows straight into a minimal table (raw_insert.h).
};

/// Limits a result is checked against; a missing field is not checked. A per-database limit
/// (e.g. ingest) is resolved when the spec is loaded for that database.
struct Bar {
  std::optional<double> median_ms_max;
  std::optional<double> p99_ms_max;
  std::optional<double> throughput_min;  ///< In the scenario's unit.
  std::optional<double> rss_growth_mb_max;
};

struct ScenarioSpec {
  std::string name;
  std::string plugin;  ///< Informational: the plugin whose route is measured.
  ScenarioKind kind = ScenarioKind::Latency;
  std::string method = "GET";
  std::string path;  ///< With {from}, {to}, {funnel_id}, {tenant} placeholders; "" for RawInsert.
  /// Ingest: "all" (every plugin, on the server that then serves the reads) or "none" (a server of
  /// its own on a fresh database with every plugin disabled: the core alone).
  std::string plugins = "all";
  std::string window = "30d";  ///< "Nd" | "lead_messages" | "all"
  int repetitions = 10;
  int warmup = 1;
  bool cached = false;
  int connections = 4;    ///< Ingest and Throughput.
  double duration_s = 5;  ///< Throughput.
  bool wrk = false;       ///< Throughput: also run wrk against the URL.
  /// Latency/Export: stop repeating once warm-up plus measured requests took this long (at
  /// least one request is always measured), so a slow route cannot stall the whole run.
  double time_budget_s = 60;
  Bar bar;
};

/// Parses the scenarios file; `database` selects per-database bar values. Throws
/// std::runtime_error naming the entry and field on a bad file.
std::vector<ScenarioSpec> parse_scenarios(const nlohmann::json& doc, const std::string& database);
std::vector<ScenarioSpec> load_scenarios(const std::string& path, const std::string& database);

/// Replaces every {key} of `vars` in `text`; throws when a {placeholder} is left unknown.
std::string substitute(const std::string& text, const std::map<std::string, std::string>& vars);

/// Fills `result.bar` (text) and `result.verdict` ("met"/"MISSED"/"").
void judge(const Bar& bar, ScenarioResult& result);

/// Comma-separated list → items (empty items dropped).
std::vector<std::string> split_list(const std::string& text);

}  // namespace zaplify::bench
