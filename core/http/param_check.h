#pragma once
// The host's enforcement of a route's declared parameters (sdk::ParamSpec), so that plugins parse
// declared values without re-validating them and every route rejects bad input the same way.

#include <map>
#include <string>
#include <vector>

#include "zaplify/sdk/http.h"

namespace zaplify::core {

/// Checks `query` and `path_params` against `params` (see sdk::ParamSpec for the rules) and adds
/// the default of every absent query parameter that declares one to `query`. Parameters that are
/// not declared pass untouched. Throws sdk::HttpError 400 `invalid_parameter` naming the field.
void check_declared_params(const std::vector<sdk::ParamSpec>& params,
                           std::map<std::string, std::string>& query,
                           const std::map<std::string, std::string>& path_params);

}  // namespace zaplify::core
