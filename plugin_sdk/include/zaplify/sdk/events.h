#pragma once
// Events as accepted by ingestion, and the ingest hook through which a plugin derives its own rows
// from them inside the same transaction.
//
// The rules every stored event already satisfies (ingestion rejects the others, one by one):
//   * Built-in types and their fields: lead_created (lead_id, source?), conversation_started
//     (conversation_id, lead_id, assistant_id? — none means human only, channel? — default
//     "whatsapp"), message (conversation_id, sender lead|assistant|agent, text, response_time_ms?
//     ≥ 0, tokens? integer ≥ 0), conversation_ended (conversation_id, outcome
//     resolved|handoff|abandoned), funnel_defined (funnel_id, name, stages: 1–50 distinct
//     strings), stage_changed (lead_id, funnel_id, stage). Plus types plugins declare
//     (event_types.h). Every *_id is 1–128 characters.
//   * (tenant_id, id) is unique: a repeated id is a duplicate and changes nothing (first write
//   wins).
//   * Events arrive late and out of order: derive from `ts_ms`, never from arrival order.
//   * A conversation is described by its earliest conversation_started (ties: the smallest event
//     id, byte-wise) and ends at its earliest conversation_ended; later ones are stored too, and
//     every metric ignores them.
//
// Lifetime: an Event, an IngestBatch and the vector it points to belong to the host and are valid
// only during the hook call; copy what you keep. Thread safety: the host never shares one batch
// between threads, but calls hooks for different batches concurrently.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "zaplify/sdk/store.h"
#include "zaplify/sdk/version.h"

namespace zaplify::sdk {

/// One validated event. Fields a type does not carry are empty / nullopt.
struct Event {
  std::string id;
  std::string type;  ///< "lead_created", "conversation_started", "message", ...
  std::string tenant_id;
  std::int64_t ts_ms = 0;  ///< UTC, millisecond precision.
  std::string lead_id;
  std::string conversation_id;
  std::string assistant_id;  ///< Empty: none (human-only conversation).
  std::string channel;       ///< conversation_started: defaults to "whatsapp".
  std::string sender;        ///< message: "lead" | "assistant" | "agent".
  std::string text;          ///< message: valid UTF-8, at most 65,536 bytes.
  std::optional<double> response_time_ms;
  std::optional<std::int64_t> tokens;
  std::string outcome;  ///< conversation_ended: "resolved" | "handoff" | "abandoned".
  std::string funnel_id;
  std::string stage;                ///< stage_changed.
  std::string name;                 ///< funnel_defined.
  std::vector<std::string> stages;  ///< funnel_defined, in order.
  std::string source;               ///< lead_created.
  /// The event's `properties` as compact JSON object text (keys sorted, at most
  /// kMaxPropertiesBytes, event_types.h); empty when it had none. Stored in events.properties.
  /// Any type may carry it; a custom type's declared fields live in it. Appended in SDK 2.0.
  std::string properties;
};

/// The accepted (newly stored, non-duplicate) events of one write transaction, all of one tenant.
struct IngestBatch {
  std::string tenant_id;
  const std::vector<Event>* events = nullptr;
  /// True when the host replays stored events into a projection (backfill or catch-up) rather
  /// than ingesting new ones.
  bool replay = false;
  /// The highest events.seq whose event is applied once this batch is: on a replay, later events
  /// are already stored but not yet applied (see projection.h). INT64_MAX on live ingest.
  std::int64_t seq_horizon = INT64_MAX;
};

/// Called inside the write transaction, after the events are inserted and before commit. Throwing
/// rolls the whole chunk back and the request fails with 503/500: derived rows are never out of
/// step with events. Called from ingestion threads concurrently for different batches; it must be
/// thread-safe. Must be fast: it runs on the ingest path.
using IngestHook = std::function<void(const IngestBatch&, SqlWriter&)>;

/// REQUIRES: called only from Plugin::start(). Prefer ProjectionRegistry (projection.h): a plain
/// hook is not replayed after the plugin was disabled, nor its tables purged with retention.
class ZAPLIFY_SDK_API IngestHookRegistry {
 public:
  virtual ~IngestHookRegistry() = default;
  virtual void add(IngestHook hook) = 0;
};

}  // namespace zaplify::sdk
