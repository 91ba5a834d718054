#pragma once
// Strict RFC 3339 date-times ("2026-11-20T17:03:00.250-03:00", "...Z"), the one timestamp form
// the API reads: event timestamps (ingest) and the from/to parameters of windows (calendar).

#include <cstdint>
#include <string_view>

namespace zaplify::core {

/// Parses an RFC 3339 timestamp with offset or Z into epoch ms (truncating below a millisecond).
/// Returns false when malformed.
bool parse_rfc3339_ms(std::string_view text, std::int64_t& out_ms);

}  // namespace zaplify::core
