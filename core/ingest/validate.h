#pragma once
// Event validation internals shared by validate_event, the batch parsers and the fuzz target.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "ingest/event_type_catalog.h"
#include "ingest/ingest_service.h"
#include "ingest/raw_event.h"

namespace zaplify::core::ingest {

/// Events more than this far in the future are rejected (clock skew allowance of one day).
inline constexpr std::int64_t kMaxFutureSkewMs = 24ll * 3600 * 1000;
inline constexpr std::size_t kMaxTextBytes = 65536;

/// The event rules of docs/api.md, Sending events, over a raw event. Returns "" when valid; then
/// the strings of `raw` have been moved into `out`. On failure `out` holds the fields checked so
/// far (`out.id` when the id was valid) and `raw` the rest. REQUIRES: `out` is default-constructed.
/// When `marker_is_invalid`, any string holding U+FFFF is reported as not valid UTF-8 (the batch
/// parser put that marker where the body had ill-formed bytes). `declared`: the custom event types
/// accepted besides the built-in ones (null: none).
std::string validate_raw(RawEvent& raw, const IngestCaller& caller, std::int64_t now_ms,
                         int retention_days, bool marker_is_invalid, sdk::Event& out,
                         const EventTypeSnapshot* declared = nullptr);

/// validate_event with the marker rule above.
std::string validate_event_impl(const nlohmann::json& raw, const IngestCaller& caller,
                                std::int64_t now_ms, int retention_days, bool marker_is_invalid,
                                sdk::Event& out, const EventTypeSnapshot* declared = nullptr);

}  // namespace zaplify::core::ingest
