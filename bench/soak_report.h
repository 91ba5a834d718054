#pragma once
// Renders a soak result: the usual summary row, the criteria with their verdicts, latency per
// window with the RSS and fd samples taken in it, and per request kind; Markdown or JSON.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "options.h"
#include "report.h"
#include "soak_run.h"

namespace zaplify::bench {

std::string render_soak_markdown(const SoakResult& r, const SoakOptions& s, const MachineInfo& m,
                                 const std::string& command_line,
                                 const std::vector<std::string>& notes);
/// The other scenarios' JSON (`results`, `notes`, `machine`, `command`) plus a `soak` object.
nlohmann::json render_soak_json(const SoakResult& r, const SoakOptions& s, const MachineInfo& m,
                                const std::string& command_line,
                                const std::vector<std::string>& notes);

}  // namespace zaplify::bench
