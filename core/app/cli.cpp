#include "app/cli.h"

#include <stdexcept>
#include <string_view>

namespace zaplify::core {

CommandLine parse_command_line(int argc, const char* const* argv) {
  CommandLine cl;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--config") {
      if (i + 1 >= argc) throw std::invalid_argument("--config needs a path");
      cl.config_path = argv[++i];
    } else if (a.rfind("--config=", 0) == 0) {
      cl.config_path = std::string(a.substr(9));
    } else if (a == "--port-file") {
      if (i + 1 >= argc || std::string_view(argv[i + 1]).empty())
        throw std::invalid_argument("--port-file needs a path");
      cl.port_file = argv[++i];
    } else if (a == "--check-config") {
      cl.check_config = true;
    } else if (a == "--demo") {
      cl.demo = true;
    } else if (a == "--print-config-reference") {
      cl.print_config_reference = true;
    } else if (a == "--version") {
      cl.version = true;
    } else if (a == "--help" || a == "-h") {
      cl.help = true;
    } else {
      throw std::invalid_argument("unknown argument '" + std::string(a) + "'");
    }
  }
  if (cl.config_path.empty()) throw std::invalid_argument("--config needs a path");
  return cl;
}

std::string usage_text() {
  return "usage: zaplify-analytics [--config PATH] [--check-config] [--demo]\n"
         "                         [--port-file PATH] [--print-config-reference] [--version]\n"
         "  --config PATH               YAML configuration (default config/analytics.yaml)\n"
         "  --check-config              validate the configuration and the database, then exit\n"
         "  --demo                      load demo data for tenant 'default' when it has no events\n"
         "  --port-file PATH            once listening, write the bound port to PATH (for port 0)\n"
         "  --print-config-reference    print every configuration key as a Markdown table\n"
         "  --version                   print the version\n";
}

}  // namespace zaplify::core
