#pragma once
// Custom events (SDK 2.0): a plugin declares its own event types, and any event may carry
// `properties`, a JSON object the host stores beside the event and SQL can read on both dialects.
//
//   EventTypeSpec booking{"booking_made", "A lead booked a slot",
//                         {{"booking_id", JsonType::String, true, "The booking"},
//                          {"amount", JsonType::Number, false, "Price paid"}}};
//   host.event_types().add(booking);
//
// An event `{"id", "type": "booking_made", "tenant_id", "timestamp", "properties": {...}}` is then
// accepted by POST /analytics/process/batch while the plugin runs: its declared fields live inside
// `properties` and are checked like the built-in types' fields (a wrong one rejects that event
// alone, with a message naming the field). A type no running plugin declares is rejected. Only
// id, type, tenant_id, timestamp and properties of a custom event are stored.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "zaplify/sdk/store.h"
#include "zaplify/sdk/version.h"

namespace zaplify::sdk {

/// The largest `properties` object, in bytes of its compact JSON text (what the host stores).
inline constexpr std::size_t kMaxPropertiesBytes = 16384;
/// The deepest nesting of objects and arrays in `properties`, the object itself counting as 1.
inline constexpr int kMaxPropertiesDepth = 32;

/// The JSON type a declared field must have. Integer means a JSON integer literal (3, not 3.0),
/// so that property_sql(..., PropertyAs::Integer) casts it on both dialects; Number takes any.
enum class JsonType : std::uint8_t { String, Number, Integer, Boolean, Object, Array };

/// One field of a custom event, a key of its `properties` object.
struct EventFieldSpec {
  std::string name;  ///< [A-Za-z0-9_]{1,64}.
  JsonType type = JsonType::String;
  bool required = true;     ///< Absent or null → the event is rejected. Optional: may be null.
  std::string description;  ///< For /openapi.json.
};

/// A custom event type. Plain data: the host copies it at registration.
struct EventTypeSpec {
  std::string type;         ///< [a-z][a-z0-9_]{0,63}; not a built-in type (events.h lists them).
  std::string description;  ///< One line, for /openapi.json.
  std::vector<EventFieldSpec> fields;
};

/// REQUIRES: called only from Plugin::start(). A type another running plugin declares, a built-in
/// type, a malformed name or a field declared twice fails the plugin's load, naming the reason.
class ZAPLIFY_SDK_API EventTypeRegistry {
 public:
  virtual ~EventTypeRegistry() = default;
  virtual void add(EventTypeSpec spec) = 0;
};

/// How property_sql reads a value. Number, Integer and Boolean are for fields declared with that
/// JsonType (ingestion guarantees the type; PostgreSQL would fail the cast of anything else).
enum class PropertyAs : std::uint8_t {
  Text,     ///< A string property as text (NULL when absent).
  Number,   ///< DOUBLE PRECISION / REAL.
  Integer,  ///< BIGINT / INTEGER.
  Boolean,  ///< 1 or 0 on both dialects.
};

/// An SQL expression reading top-level property `key` of the events row, for Store::query:
///   "SELECT COUNT(*) FROM events WHERE tenant_id = ? AND type = 'booking_made' AND "
///     + property_sql(dialect, "channel") + " = ?"
/// SQLite: json_extract(properties, '$.key'); PostgreSQL: (properties::jsonb ->> 'key'), each cast
/// by `as`. `column` names the properties column, e.g. "e.properties" under an alias.
/// Throws std::invalid_argument when `key` is not [A-Za-z0-9_]{1,64} (it is written into the SQL).
inline std::string property_sql(Dialect dialect, std::string_view key,
                                PropertyAs as = PropertyAs::Text,
                                std::string_view column = "properties") {
  bool plain = !key.empty() && key.size() <= 64;
  for (char c : key)
    plain = plain && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_');
  if (!plain) throw std::invalid_argument("property_sql: key must be [A-Za-z0-9_]{1,64}");
  const std::string col(column), k(key);
  if (dialect == Dialect::SQLite) {
    const std::string v = "json_extract(" + col + ", '$." + k + "')";
    switch (as) {
      case PropertyAs::Number:
        return "CAST(" + v + " AS REAL)";
      case PropertyAs::Integer:
        return "CAST(" + v + " AS INTEGER)";
      case PropertyAs::Boolean:  // json_extract gives 1/0 for true/false already
      case PropertyAs::Text:
        return v;
    }
  }
  // ->> gives text on PostgreSQL whatever the JSON type: cast it back.
  const std::string v = "(" + col + "::jsonb ->> '" + k + "')";
  switch (as) {
    case PropertyAs::Number:
      return "CAST(" + v + " AS DOUBLE PRECISION)";
    case PropertyAs::Integer:
      return "CAST(" + v + " AS BIGINT)";
    case PropertyAs::Boolean:
      return "(CASE " + v + " WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)";
    case PropertyAs::Text:
      break;
  }
  return v;
}

/// The JSON type's name as OpenAPI and the host's messages spell it.
inline const char* json_type_name(JsonType t) {
  switch (t) {
    case JsonType::String:
      return "string";
    case JsonType::Number:
      return "number";
    case JsonType::Integer:
      return "integer";
    case JsonType::Boolean:
      return "boolean";
    case JsonType::Object:
      return "object";
    case JsonType::Array:
      return "array";
  }
  return "string";
}

}  // namespace zaplify::sdk
