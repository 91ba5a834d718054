#pragma once
// An event as read from JSON, before validation: the fields docs/api.md, Sending events, knows,
// each with the JSON kind it arrived as. Both readers fill it (the SAX batch parser directly from
// the body, and raw_from_json from a DOM value), so the validation rules exist once. Internal to
// core/ingest.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace zaplify::core::ingest {

/// The JSON kind of a field. Missing = key absent. Bool and objects are Other.
enum class Kind : std::uint8_t { Missing, Null, String, Unsigned, Integer, Float, Array, Other };

struct RawValue {
  Kind kind = Kind::Missing;
  std::string str;      ///< Kind::String.
  std::uint64_t u = 0;  ///< Kind::Unsigned (JSON integers >= 0).
  std::int64_t i = 0;   ///< Kind::Integer (negative JSON integers, and -0).
  double d = 0;         ///< Kind::Float.
};

/// `stages`: an array is kept as its element count plus the strings before the first non-string
/// element, which is all the rules look at.
struct RawStages {
  Kind kind = Kind::Missing;
  std::size_t count = 0;
  bool has_non_string = false;
  std::vector<std::string> items;  ///< The string elements before the first non-string one.
};

/// `properties`: the object as a DOM (only it: the rest of the event never becomes one), or what
/// else arrived. Both readers fill it by the same rules (ingest/properties.h), so they agree on
/// every verdict: nesting deeper than sdk::kMaxPropertiesDepth stops the DOM, and so does a body
/// whose JSON text is certainly over sdk::kMaxPropertiesBytes (`min_bytes`, a lower bound).
struct RawProperties {
  Kind kind = Kind::Missing;  ///< Missing, Null, Array, Other (scalars and objects).
  bool is_object = false;
  bool too_deep = false;
  std::size_t min_bytes = 0;  ///< SAX only: a lower bound of the compact text's size.
  nlohmann::json value;       ///< The object, unless too deep or certainly too large.
};

/// Field names, in the order of RawEvent's members.
enum class Field : std::uint8_t {
  kId,
  kType,
  kTenantId,
  kTimestamp,
  kLeadId,
  kSource,
  kConversationId,
  kAssistantId,
  kChannel,
  kSender,
  kText,
  kResponseTimeMs,
  kTokens,
  kOutcome,
  kFunnelId,
  kName,
  kStage,
  kStages,
  kProperties,
  kUnknown
};

/// Reused from event to event by the SAX parser: reset() keeps the strings' capacity.
struct RawEvent {
  RawValue id, type, tenant_id, timestamp, lead_id, source, conversation_id, assistant_id, channel,
      sender, text, response_time_ms, tokens, outcome, funnel_id, name, stage;
  RawStages stages;
  RawProperties properties;

  void reset();
  /// The member for `f`; nullptr for kStages, kProperties and kUnknown.
  RawValue* value(Field f);
};

/// Which known field `key` names (exact, case-sensitive), or Field::kUnknown.
Field field_of(std::string_view key);

/// Fills `out` from a DOM object (REQUIRES: raw.is_object()). Duplicate keys cannot occur in a DOM
/// (nlohmann keeps the last), which is the rule the SAX reader follows too.
void raw_from_json(const nlohmann::json& raw, RawEvent& out);

}  // namespace zaplify::core::ingest
