#pragma once
// The operator reference of every plugin's declared `config:` keys, read from the libraries
// themselves (--print-config-reference). Beside config_check.* rather than in it: this part opens
// shared libraries, which the host's plain rules (shared with the plugin test kit) do not.

#include <string>

namespace zaplify::core {

/// The reference of every plugin library (*.so) in `dir` that declares its config, by plugin name:
/// a sentence and one Markdown table. Libraries that cannot be opened are skipped.
std::string plugins_config_reference_markdown(const std::string& dir);

}  // namespace zaplify::core
