#pragma once
// The database-free half of ingestion: body → validated, in-batch-deduplicated events plus the
// rejected list. Pure and thread-safe; the fuzz target drives it directly.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ingest/event_type_catalog.h"
#include "ingest/ingest_service.h"

namespace zaplify::core::ingest {

struct ParsedBatch {
  std::vector<sdk::Event> events;        ///< Valid and first of their (tenant_id, id) in the batch.
  std::int64_t in_batch_duplicates = 0;  ///< Valid events repeating an earlier one's key.
  nlohmann::json rejected = nlohmann::json::array();  ///< [{"index","id","error"}]
};

/// The ingest path: a SAX pass straight from the body into events (no DOM). Throws sdk::HttpError
/// 400 invalid_body (not JSON, no "events" array) or 413 too_many_events. `body` is only read
/// during the call. Duplicate keys: the last one wins, in the body and in every event.
/// `declared`: custom event types accepted besides the six built-in ones (docs/api.md, Event
/// types; null: none).
ParsedBatch parse_batch(std::string_view body, const IngestCaller& caller, std::int64_t now_ms,
                        const IngestSettings& settings,
                        const EventTypeSnapshot* declared = nullptr);

/// The same contract through a nlohmann DOM and validate_event: the reference the SAX path is
/// tested and fuzzed against. Slower; not used on the ingest path.
ParsedBatch parse_batch_dom(std::string_view body, const IngestCaller& caller, std::int64_t now_ms,
                            const IngestSettings& settings,
                            const EventTypeSnapshot* declared = nullptr);

// Shared by both parsers.

/// U+FFFF, put where the body had ill-formed UTF-8 (see parse_batch).
inline constexpr std::string_view kInvalidUtf8Marker = "\xEF\xBF\xBF";

/// Removes events repeating an earlier event's (tenant_id, id), keeping batch order; returns how
/// many were removed.
std::int64_t drop_in_batch_duplicates(std::vector<sdk::Event>& events);

[[noreturn]] void throw_not_json();
[[noreturn]] void throw_no_events_array();
[[noreturn]] void throw_too_many_events(std::size_t count, int max_events);

}  // namespace zaplify::core::ingest
