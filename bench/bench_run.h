#pragma once
// Runs the selected scenarios for one database: starts the servers (or uses --server-url),
// ingests the dataset, reads, and collects one result row per scenario.

#include <cstdint>
#include <map>
#include <string>
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

class BenchRun {
 public:
  /// `data` may be null in --server-url mode without an ingest scenario.
  BenchRun(const BenchOptions& options, const std::vector<ScenarioSpec>& specs,
           const Dataset* data, std::int64_t end_ms, std::string work_dir);
  /// Runs everything for `database`; appends rows to `results` and remarks to `notes`.
  void run(const std::string& database, std::vector<ScenarioResult>& results,
           std::vector<std::string>& notes);

 private:
  std::string create_database(const std::string& database);
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
  Placeholders vars_;
};

}  // namespace zaplify::bench
