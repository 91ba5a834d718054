#pragma once
// The database-free half of ingestion: body → validated, in-batch-deduplicated events plus the
// rejected list. Pure; the fuzz target drives it directly.

#include <cstdint>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ingest/ingest_service.h"

namespace zaplify::core::ingest {

struct ParsedBatch {
  std::vector<sdk::Event> events;          ///< Valid and first of their (tenant_id, id) in the batch.
  std::int64_t in_batch_duplicates = 0;    ///< Valid events repeating an earlier one's key.
  nlohmann::json rejected = nlohmann::json::array();  ///< [{"index","id","error"}]
};

/// Throws sdk::HttpError 400 invalid_body (not JSON, no "events" array) or 413 too_many_events.
ParsedBatch parse_batch(std::string_view body, const IngestCaller& caller, std::int64_t now_ms,
                        const IngestSettings& settings);

}  // namespace zaplify::core::ingest
