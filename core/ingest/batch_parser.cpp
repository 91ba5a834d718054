#include "ingest/batch_parser.h"

#include <string>
#include <unordered_set>

#include "ingest/utf8.h"
#include "ingest/validate.h"
#include "zaplify/sdk/http.h"

namespace zaplify::core::ingest {
namespace {

using json = nlohmann::json;

// The JSON parser refuses ill-formed UTF-8 anywhere in the body, which would fail the whole batch
// for one bad message. Ill-formed bytes are therefore replaced by U+FFFF first, and the events whose
// strings carry that marker are rejected one by one ("... is not valid UTF-8").
json parse_body(std::string_view body, bool& sanitized) {
  sanitized = !is_valid_utf8(body);
  json doc = sanitized ? json::parse(replace_invalid_utf8(body, "\xEF\xBF\xBF"), nullptr, false)
                       : json::parse(body.begin(), body.end(), nullptr, false);
  if (doc.is_discarded()) throw sdk::HttpError(400, "invalid_body", "request body is not valid JSON");
  return doc;
}

void reject(json& rejected, std::size_t index, const json& raw, const std::string& error) {
  json id = nullptr;
  if (raw.is_object())
    if (auto it = raw.find("id"); it != raw.end() && it->is_string()) id = *it;
  rejected.push_back({{"index", index}, {"id", std::move(id)}, {"error", error}});
}

}  // namespace

ParsedBatch parse_batch(std::string_view body, const IngestCaller& caller, std::int64_t now_ms,
                        const IngestSettings& settings) {
  bool sanitized = false;
  json doc = parse_body(body, sanitized);
  auto events = doc.is_object() ? doc.find("events") : doc.end();
  if (!doc.is_object() || events == doc.end() || !events->is_array())
    throw sdk::HttpError(400, "invalid_body", "request body must be a JSON object with an \"events\" array");
  if (events->size() > static_cast<std::size_t>(settings.max_events_per_batch))
    throw sdk::HttpError(413, "too_many_events",
                         "a batch may hold at most " + std::to_string(settings.max_events_per_batch) +
                             " events (got " + std::to_string(events->size()) + ")");
  ParsedBatch out;
  out.events.reserve(events->size());
  std::unordered_set<std::string> seen;
  seen.reserve(events->size());
  std::string key;
  for (std::size_t i = 0; i < events->size(); ++i) {
    const json& raw = (*events)[i];
    sdk::Event ev;
    std::string error = validate_event_impl(raw, caller, now_ms, settings.retention_days, sanitized, ev);
    if (!error.empty()) {
      reject(out.rejected, i, raw, error);
      continue;
    }
    key.assign(ev.tenant_id);
    key += '\x1f';
    key += ev.id;
    if (!seen.insert(key).second) {
      ++out.in_batch_duplicates;  // first occurrence in the batch wins
      continue;
    }
    out.events.push_back(std::move(ev));
  }
  return out;
}

}  // namespace zaplify::core::ingest
