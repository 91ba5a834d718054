#pragma once
// The custom event types (sdk/event_types.h) of the running plugins: what ingestion accepts beyond
// the six built-in types (docs/api.md, Event types) and what /openapi.json documents. The
// PluginManager publishes a new snapshot whenever the running set changes (load, unload, reload);
// readers take the current one per request and keep it for the whole batch, so one batch is
// validated against one set of types.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "zaplify/sdk/event_types.h"

namespace zaplify::core {

struct DeclaredEventType {
  std::string plugin;       ///< Who declared it.
  sdk::EventTypeSpec spec;  ///< A copy: nothing here points into the plugin's library.
};

/// By type name. Immutable once published.
using EventTypeSnapshot = std::map<std::string, DeclaredEventType, std::less<>>;

/// Thread-safe: current() and publish() may be called from any thread.
class EventTypeCatalog {
 public:
  EventTypeCatalog() : current_(std::make_shared<const EventTypeSnapshot>()) {}
  std::shared_ptr<const EventTypeSnapshot> current() const;
  void publish(std::shared_ptr<const EventTypeSnapshot> snapshot);

  /// The server's catalog. One server runs per process; the ingest service, the plugin manager and
  /// the OpenAPI builder default to it, so no wiring through core/app is needed. Tests that want
  /// isolation pass their own catalog instead.
  static EventTypeCatalog& process();

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const EventTypeSnapshot> current_;
};

/// The six built-in types of docs/api.md, Event types.
bool is_builtin_event_type(std::string_view type);

/// "" when `spec` may be declared (well-formed type and field names, not built-in, no field twice),
/// else why not.
std::string check_event_type_spec(const sdk::EventTypeSpec& spec);

}  // namespace zaplify::core
