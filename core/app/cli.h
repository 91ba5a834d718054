#pragma once
// Command line of the zaplify-analytics executable.

#include <string>

namespace zaplify::core {

struct CommandLine {
  std::string config_path = "config/analytics.yaml";
  bool check_config = false;            ///< Validate (database included) and exit 0/1.
  bool demo = false;                    ///< Load demo data for tenant `default` when it is empty.
  bool print_config_reference = false;  ///< Print the key table as Markdown and exit.
  /// Once listening, write the bound port here (one line, replaced atomically): how a supervisor
  /// or a test that configured port 0 learns which port the kernel picked. Empty: none.
  std::string port_file;
  bool version = false;
  bool help = false;
};

/// Throws std::invalid_argument naming the bad argument.
CommandLine parse_command_line(int argc, const char* const* argv);

std::string usage_text();

}  // namespace zaplify::core
