#pragma once
// Renders results: a Markdown table (with the machine and the command line) or JSON.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stats.h"

namespace zaplify::bench {

struct MachineInfo {
  int nproc = 0;
  std::string cpu_model;
  double ram_gb = 0;
  std::string kernel;
};
MachineInfo machine_info();
/// The first three fields of /proc/loadavg ("1.02 0.80 0.55"): other work on the machine skews
/// every figure, so the report says how busy it was.
std::string load_average();

/// Human number: 12345.6 → "12,346"; small values keep decimals ("3.42").
std::string human_number(double v);

std::string render_markdown(const std::vector<ScenarioResult>& results, const MachineInfo& m,
                            const std::string& command_line, const std::vector<std::string>& notes);
nlohmann::json render_json(const std::vector<ScenarioResult>& results, const MachineInfo& m,
                           const std::string& command_line, const std::vector<std::string>& notes);

}  // namespace zaplify::bench
