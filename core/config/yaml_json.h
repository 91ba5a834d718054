#pragma once
// YAML → JSON for plugins' `config:` blocks (sdk::Host::config()).

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

namespace zaplify::core {

/// Mappings become objects, sequences arrays, `~`/`null`/empty become null. A plain (unquoted)
/// scalar becomes an integer when it is one (64-bit), else a number when it is a finite decimal,
/// else a boolean for true/false (any case), else a string; a quoted scalar is always a string.
/// Mapping keys are taken as strings. Throws std::invalid_argument when the result would hold more
/// than a million values (aliases expanding a small document exponentially).
nlohmann::json yaml_to_json(const YAML::Node& node);

}  // namespace zaplify::core
