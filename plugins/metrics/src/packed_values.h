#pragma once
// Response times packed into one TEXT cell per (unit[, assistant]) row, so a percentile over a
// window reads thousands of rows instead of every reply. Format: each value in shortest
// round-trip decimal followed by ','; a value prefixed with '~' removes one equal value of the
// same cell (written when a reply is re-attributed to another assistant). Appending is plain SQL
// string concatenation (`cell || excluded.cell`), so concurrent batches never lose a value.

#include <string>
#include <string_view>
#include <vector>

namespace zaplify::metrics {

/// Appends `v` (or its removal marker) to `out`.
void pack_value(std::string& out, double v, bool removal = false);

/// Appends the values of one packed cell to `out`, removals cancelled. Malformed text is skipped.
void unpack_values(std::string_view cell, std::vector<double>& out);

}  // namespace zaplify::metrics
