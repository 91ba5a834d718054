// parse_batch_dom (the DOM reference) and the helpers both batch parsers share.

#include "ingest/batch_parser.h"

#include <functional>
#include <string>

#include "ingest/utf8.h"
#include "ingest/validate.h"
#include "zaplify/sdk/http.h"

namespace zaplify::core::ingest {
namespace {

using json = nlohmann::json;

// The JSON parser refuses ill-formed UTF-8 anywhere in the body, which would fail the whole batch
// for one bad message. Ill-formed bytes are therefore replaced by U+FFFF first, and the events
// whose strings carry that marker are rejected one by one ("... is not valid UTF-8").
json parse_body(std::string_view body, bool& sanitized) {
  sanitized = !is_valid_utf8(body);
  json doc = sanitized ? json::parse(replace_invalid_utf8(body, kInvalidUtf8Marker), nullptr, false)
                       : json::parse(body.begin(), body.end(), nullptr, false);
  if (doc.is_discarded()) throw_not_json();
  return doc;
}

void reject(json& rejected, std::size_t index, const json& raw, const std::string& error) {
  json id = nullptr;
  if (raw.is_object())
    if (auto it = raw.find("id"); it != raw.end() && it->is_string()) id = *it;
  rejected.push_back({{"index", index}, {"id", std::move(id)}, {"error", error}});
}

std::size_t key_hash(const sdk::Event& e) {
  const std::size_t h = std::hash<std::string_view>{}(e.id);
  return h ^
         (std::hash<std::string_view>{}(e.tenant_id) + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2));
}

}  // namespace

void throw_not_json() {
  throw sdk::HttpError(400, "invalid_body", "request body is not valid JSON");
}

void throw_no_events_array() {
  throw sdk::HttpError(400, "invalid_body",
                       "request body must be a JSON object with an \"events\" array");
}

void throw_too_many_events(std::size_t count, int max_events) {
  throw sdk::HttpError(413, "too_many_events",
                       "a batch may hold at most " + std::to_string(max_events) + " events (got " +
                           std::to_string(count) + ")");
}

// Open addressing over indices into `events` (no per-event allocation); the first occurrence of a
// key stays, later ones are dropped.
std::int64_t drop_in_batch_duplicates(std::vector<sdk::Event>& events) {
  if (events.size() < 2) return 0;
  std::size_t cap = 16;
  while (cap < events.size() * 2) cap <<= 1;
  constexpr std::size_t kEmpty = ~std::size_t{0};
  std::vector<std::size_t> slots(cap, kEmpty);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const sdk::Event& e = events[i];
    bool dup = false;
    for (std::size_t s = key_hash(e) & (cap - 1);; s = (s + 1) & (cap - 1)) {
      if (slots[s] == kEmpty) {
        slots[s] = kept;  // index where e will live after compaction
        break;
      }
      const sdk::Event& o = events[slots[s]];
      if (o.id == e.id && o.tenant_id == e.tenant_id) {
        dup = true;
        break;
      }
    }
    if (dup) continue;
    if (kept != i) events[kept] = std::move(events[i]);
    ++kept;
  }
  const auto dropped = static_cast<std::int64_t>(events.size() - kept);
  events.erase(events.begin() + static_cast<std::ptrdiff_t>(kept), events.end());
  return dropped;
}

ParsedBatch parse_batch_dom(std::string_view body, const IngestCaller& caller, std::int64_t now_ms,
                            const IngestSettings& settings, const EventTypeSnapshot* declared) {
  bool sanitized = false;
  json doc = parse_body(body, sanitized);
  auto events = doc.is_object() ? doc.find("events") : doc.end();
  if (!doc.is_object() || events == doc.end() || !events->is_array()) throw_no_events_array();
  if (events->size() > static_cast<std::size_t>(settings.max_events_per_batch))
    throw_too_many_events(events->size(), settings.max_events_per_batch);
  ParsedBatch out;
  out.events.reserve(events->size());
  for (std::size_t i = 0; i < events->size(); ++i) {
    const json& raw = (*events)[i];
    sdk::Event ev;
    std::string error =
        validate_event_impl(raw, caller, now_ms, settings.retention_days, sanitized, ev, declared);
    if (!error.empty()) {
      reject(out.rejected, i, raw, error);
      continue;
    }
    out.events.push_back(std::move(ev));
  }
  out.in_batch_duplicates = drop_in_batch_duplicates(out.events);
  return out;
}

}  // namespace zaplify::core::ingest
