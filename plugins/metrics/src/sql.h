#pragma once
// Small helpers over sdk::Store for the metrics queries.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "zaplify/sdk/store.h"

namespace zaplify::metrics {

using Params = std::vector<sdk::Value>;

inline sdk::Value v(std::int64_t x) { return sdk::Value{x}; }
inline sdk::Value v(const std::string& s) { return sdk::Value{s}; }

/// Runs a query that returns one row and gives its cells as int64 (NULL → 0).
std::vector<std::int64_t> query_ints(const sdk::Store& store, std::string_view sql,
                                     const Params& params);

/// SQL text of a conversation's "has an assistant" test (NULL and '' both mean human only).
inline constexpr std::string_view kHasAssistant = "assistant_id IS NOT NULL AND assistant_id <> ''";

}  // namespace zaplify::metrics
