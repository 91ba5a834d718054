#pragma once
// An event's `properties` (sdk/event_types.h): read from JSON by either batch reader, checked
// (object, depth, size, text), and checked against a custom type's declared fields. Internal to
// core/ingest; pure and thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ingest/raw_event.h"
#include "zaplify/sdk/event_types.h"

namespace zaplify::core::ingest {

/// Builds RawProperties::value from SAX events, without recursion. begin() when the `properties`
/// object opens; then every value, key, open and close inside it until close() returns true
/// (that object closed). Stops building, but keeps counting, once the object is too deep or
/// certainly too large, so the SAX reader reaches the same verdict as properties_from_json.
class PropertiesBuilder {
 public:
  void begin(RawProperties& out);
  void value(nlohmann::json v, std::size_t text_bytes);  ///< A scalar; text_bytes: its string size.
  void key(std::string_view k);
  void open(bool is_object);
  /// Returns true when the `properties` object itself closed.
  bool close();

 private:
  void add(nlohmann::json v);
  void count(std::size_t bytes);
  void stop();

  RawProperties* out_ = nullptr;
  std::vector<nlohmann::json*> stack_;  // containers being filled; empty once stopped
  std::string key_;
  int depth_ = 0;
};

/// The DOM reader's counterpart of PropertiesBuilder.
void properties_from_json(const nlohmann::json& v, RawProperties& out);

/// The rules for any event's `properties`: absent or null is none (`out` empty); else it must be an
/// object nested at most sdk::kMaxPropertiesDepth deep whose compact JSON is at most
/// sdk::kMaxPropertiesBytes, without NUL characters (PostgreSQL's jsonb refuses them) nor, when
/// `marker_is_invalid`, the ill-formed-UTF-8 marker. Returns "" and sets `out` to that text, or why
/// not.
std::string check_properties(RawProperties& p, bool marker_is_invalid, std::string& out);

/// A custom type's declared fields over the event's properties (null when it had none). Returns ""
/// or the first failure, naming the field.
std::string check_declared_fields(const sdk::EventTypeSpec& spec, const nlohmann::json& properties);

}  // namespace zaplify::core::ingest
