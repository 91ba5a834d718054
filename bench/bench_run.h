#pragma once
// Runs the selected scenarios for one database: starts the servers (or uses --server-url),
// ingests the dataset, reads, and collects one result row per scenario.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "dataset.h"
#include "options.h"
#include "runners.h"
#include "scenario_spec.h"
#include "stats.h"

namespace zaplify::bench {

/// The query windows and ids the scenarios' placeholders resolve to.
struct Placeholders {
  std::int64_t to_ms = 0;  ///< A UTC midnight: windows are whole days.
  std::int64_t all_from_ms = 0;
  std::int64_t lead_messages_from_ms = 0;
  std::string funnel_id;
  std::string tenant;
  /// {from}/{to} for the scenario's window, plus {funnel_id} and {tenant}.
  std::map<std::string, std::string> for_window(const std::string& window) const;
};

/// Windows from the dataset: `to` = the UTC midnight after `end_ms`.
Placeholders placeholders_for(const DatasetStats& stats, std::int64_t end_ms,
                              std::uint64_t lead_messages_target);

/// Scenarios that do not run on the server serving the reads: the core alone (an ingest with
/// `plugins: none`, on a server and database of its own) and `raw-insert` (no server).
bool runs_apart(const ScenarioSpec& spec);

/// "a / b = 0.49 ×" for every pair of the ingest-like rows (name, throughput) in order, so the
/// bars' ratios (all plugins vs core alone vs raw insert) read off one line; "" for < 2 rows.
std::string ratio_note(const std::vector<std::pair<std::string, double>>& rates);

class BenchRun {
 public:
  /// `data` may be null in --server-url mode without an ingest scenario. `data_label` (the data
  /// set's shape) tags every row and keeps this run's files apart from another shape's.
  BenchRun(const BenchOptions& options, const std::vector<ScenarioSpec>& specs, const Dataset* data,
           std::int64_t end_ms, std::string work_dir, std::string data_label = "time-ordered");
  /// Runs everything for `database`; appends rows to `results` and remarks to `notes`.
  void run(const std::string& database, std::vector<ScenarioResult>& results,
           std::vector<std::string>& notes);

 private:
  /// A fresh database: its URL, plus what removes it (the PostgreSQL name or the SQLite file).
  struct FreshDatabase {
    std::string url;
    std::string pg_name;
    std::string sqlite_file;
  };
  FreshDatabase create_database(const std::string& database, const std::string& role);
  void drop_database(const FreshDatabase& db) const;
  void run_own_servers(const std::string& database, std::vector<ScenarioResult>& results,
                       std::vector<std::string>& notes);
  void run_apart(const std::string& database, std::vector<std::string>& notes);
  ScenarioResult run_core_only(const std::string& database, const ScenarioSpec& spec);
  ScenarioResult run_raw_insert(const std::string& database, const ScenarioSpec& spec);
  void add_ratio_note(const std::vector<ScenarioResult>& rows, const std::string& database,
                      std::vector<std::string>& notes) const;
  void run_uncached(const Target& target, std::vector<ScenarioResult>& results,
                    std::vector<std::string>& notes);
  void run_cached(const Target& target, std::vector<ScenarioResult>& results,
                  std::vector<std::string>& notes);
  ScenarioResult run_read(const Target& target, const ScenarioSpec& spec,
                          std::vector<ScenarioResult>& results, std::vector<std::string>& notes);
  void discover_funnel(const Target& target, std::vector<std::string>& notes);

  const BenchOptions& options_;
  std::vector<ScenarioSpec> specs_;
  const Dataset* data_;
  std::int64_t end_ms_;
  std::string work_dir_;
  std::string data_label_;
  Placeholders vars_;
  /// Rows of the scenarios run apart (before server A starts), listed after its ingest row.
  std::vector<ScenarioResult> apart_rows_;
};

}  // namespace zaplify::bench
