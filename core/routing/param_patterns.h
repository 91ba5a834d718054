#pragma once
// The compiled form of routes' declared parameter patterns (sdk::ParamSpec::pattern): compiled
// once, when a route table is built, and shared by every request that checks a value against them.

#include <regex>
#include <string>
#include <vector>

#include "zaplify/sdk/http.h"

namespace zaplify::core {

/// Compiles every declared pattern of `params`; throws std::invalid_argument naming the parameter
/// when one is not a valid ECMAScript regular expression. Thread-safe.
void compile_param_patterns(const std::vector<sdk::ParamSpec>& params);

/// The compiled `pattern` (compiled now if it never was). Thread-safe; the reference stays valid
/// for the life of the process (patterns are few: one per declared parameter that has one).
/// Throws std::regex_error when `pattern` is invalid.
const std::regex& param_pattern(const std::string& pattern);

}  // namespace zaplify::core
