// libFuzzer target: arbitrary bytes through the database-free half of ingestion (parse, UTF-8
// sanitising, validation, in-batch dedupe). Any crash, sanitizer report or unexpected exception
// type is a bug; HttpError is the documented answer to a bad body. The SAX parser (the ingest
// path) must also agree exactly with the DOM reference (parse_batch_dom): any difference aborts.
// One custom event type is declared (`booking_made`, see corpus/custom_events.json), so the
// properties reader and the declared-field rules are fuzzed too.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ingest/batch_parser.h"
#include "zaplify/sdk/http.h"

namespace {

using zaplify::core::EventTypeSnapshot;
using zaplify::core::IngestCaller;
using zaplify::core::IngestSettings;
using zaplify::core::ingest::ParsedBatch;

const EventTypeSnapshot& declared() {
  static const EventTypeSnapshot types = [] {
    using zaplify::sdk::JsonType;
    zaplify::sdk::EventTypeSpec spec{"booking_made",
                                     "",
                                     {{"booking_id", JsonType::String, true, ""},
                                      {"amount", JsonType::Number, false, ""},
                                      {"seats", JsonType::Integer, false, ""},
                                      {"paid", JsonType::Boolean, false, ""},
                                      {"tags", JsonType::Array, false, ""},
                                      {"meta", JsonType::Object, false, ""}}};
    EventTypeSnapshot s;
    s.emplace(spec.type, zaplify::core::DeclaredEventType{"fuzz", spec});
    return s;
  }();
  return types;
}

// Everything a caller can observe, as text.
std::string outcome(bool sax, std::string_view body, const IngestCaller& caller,
                    const IngestSettings& settings) {
  const std::int64_t now = 1795176000000;  // 2026-11-20T12:00:00Z
  try {
    ParsedBatch b =
        sax ? zaplify::core::ingest::parse_batch(body, caller, now, settings, &declared())
            : zaplify::core::ingest::parse_batch_dom(body, caller, now, settings, &declared());
    std::string out = b.rejected.dump();  // rejected entries must be serialisable (valid UTF-8)
    out += "|" + std::to_string(b.in_batch_duplicates);
    for (const auto& e : b.events) {
      for (const std::string* s : {&e.id, &e.type, &e.tenant_id, &e.lead_id, &e.conversation_id,
                                   &e.assistant_id, &e.channel, &e.sender, &e.text, &e.outcome,
                                   &e.funnel_id, &e.stage, &e.name, &e.source, &e.properties})
        out += "|" + *s;
      out += "|" + std::to_string(e.ts_ms) + "|" +
             (e.response_time_ms ? std::to_string(*e.response_time_ms) : "-") + "|" +
             (e.tokens ? std::to_string(*e.tokens) : "-");
      for (const auto& s : e.stages) out += "|s:" + s;
    }
    return out;
  } catch (const zaplify::sdk::HttpError& e) {
    return std::to_string(e.status()) + " " + e.code() + " " + e.what();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  IngestSettings settings;
  settings.max_events_per_batch = 200;
  for (bool any : {false, true}) {
    const IngestCaller caller{"acme", any};
    const std::string sax = outcome(true, body, caller, settings);
    const std::string dom = outcome(false, body, caller, settings);
    if (sax != dom) {
      std::fprintf(stderr, "SAX and DOM parsers disagree:\n  sax: %s\n  dom: %s\n", sax.c_str(),
                   dom.c_str());
      std::abort();
    }
  }
  return 0;
}
