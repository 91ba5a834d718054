#pragma once
// A plugin's `config:` block against its declaration (sdk/config.h): the checks run before the
// plugin starts and before a changed block replaces the running one, and the reference table.

#include <nlohmann/json.hpp>
#include <string>

#include "zaplify/sdk/config.h"

namespace zaplify::core {

/// "" when `block` satisfies `spec` (declared keys only, required ones present, types, bounds,
/// then spec.check), else one message naming the key, prefixed with `plugins[<plugin>].config.`.
std::string check_plugin_config(const std::string& plugin, const sdk::ConfigSpec& spec,
                                const nlohmann::json& block,
                                const sdk::ConfigCheckContext& context);

/// `block` with the declared defaults of absent keys filled in. REQUIRES: the defaults are JSON
/// (a default that is not is skipped; check_plugin_config reports it).
nlohmann::json with_config_defaults(const sdk::ConfigSpec& spec, const nlohmann::json& block);

/// The declaration as Markdown table rows (`key | type | default | description`), keys written
/// `plugins[<plugin>].config.<key>`.
std::string config_spec_markdown(const std::string& plugin, const sdk::ConfigSpec& spec);

}  // namespace zaplify::core
