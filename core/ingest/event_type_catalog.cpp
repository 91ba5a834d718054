#include "ingest/event_type_catalog.h"

#include <set>

namespace zaplify::core {
namespace {

bool is_type_name(std::string_view t) {
  if (t.empty() || t.size() > 64 || !(t[0] >= 'a' && t[0] <= 'z')) return false;
  for (char c : t)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

// Field names go into property_sql's SQL text and into JSON paths: keep them plain.
bool is_field_name(std::string_view f) {
  if (f.empty() || f.size() > 64) return false;
  for (char c : f)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  return true;
}

}  // namespace

std::shared_ptr<const EventTypeSnapshot> EventTypeCatalog::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

void EventTypeCatalog::publish(std::shared_ptr<const EventTypeSnapshot> snapshot) {
  if (!snapshot) snapshot = std::make_shared<const EventTypeSnapshot>();
  std::lock_guard lock(mutex_);
  current_.swap(snapshot);
}

EventTypeCatalog& EventTypeCatalog::process() {
  static EventTypeCatalog catalog;
  return catalog;
}

bool is_builtin_event_type(std::string_view t) {
  return t == "lead_created" || t == "conversation_started" || t == "message" ||
         t == "conversation_ended" || t == "funnel_defined" || t == "stage_changed";
}

std::string check_event_type_spec(const sdk::EventTypeSpec& spec) {
  if (!is_type_name(spec.type))
    return "event type '" + spec.type + "' must match [a-z][a-z0-9_]{0,63}";
  if (is_builtin_event_type(spec.type))
    return "event type '" + spec.type + "' is a built-in type and cannot be redeclared";
  std::set<std::string_view> seen;
  for (const auto& f : spec.fields) {
    if (!is_field_name(f.name))
      return "event type '" + spec.type + "': field '" + f.name + "' must match [A-Za-z0-9_]{1,64}";
    if (!seen.insert(f.name).second)
      return "event type '" + spec.type + "' declares field '" + f.name + "' twice";
  }
  return "";
}

}  // namespace zaplify::core
