// libFuzzer target: arbitrary bytes through the database-free half of ingestion (parse, UTF-8
// sanitising, validation, in-batch dedupe). Any crash, sanitizer report or unexpected exception
// type is a bug; HttpError is the documented answer to a bad body.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ingest/batch_parser.h"
#include "zaplify/sdk/http.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  zaplify::core::IngestSettings settings;
  settings.max_events_per_batch = 200;
  const std::int64_t now = 1795176000000;  // 2026-11-20T12:00:00Z
  for (bool any : {false, true}) {
    try {
      auto parsed = zaplify::core::ingest::parse_batch(body, {"acme", any}, now, settings);
      (void)parsed.rejected.dump();  // rejected entries must be serialisable (valid UTF-8)
    } catch (const zaplify::sdk::HttpError&) {
    }
  }
  return 0;
}
