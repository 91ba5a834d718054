#pragma once
// POST /analytics/process/batch (docs/api.md, Sending events): parse, validate event by event,
// store in transactions of ingest.batch_size with idempotency on (tenant_id, id), run plugins'
// ingest hooks in the same transaction, commit before answering.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "zaplify/sdk/events.h"

namespace zaplify::core {

class Database;
class ProjectionCoordinator;
class ChunkWriter;
class EventTypeCatalog;

struct IngestSettings {
  int batch_size = 1000;             ///< Rows per write transaction.
  int max_events_per_batch = 10000;  ///< More → 413.
  int retention_days = 90;           ///< Older events are rejected per event.
  /// SQLite: concurrent requests' chunks share one transaction up to this many events (group
  /// commit, see chunk_writer.h); 0: one transaction per chunk.
  int group_commit_events = 16000;
};

struct IngestResult {
  std::int64_t accepted = 0;
  std::int64_t duplicates = 0;
  nlohmann::json rejected = nlohmann::json::array();  ///< [{"index","id","error"}]
  std::vector<std::string> tenants_changed;           ///< Tenants with accepted events.
  nlohmann::json to_json() const;
};

/// Who is ingesting: the caller's tenant, or "*" (may ingest for any tenant).
struct IngestCaller {
  std::string tenant_id;
  bool any_tenant = false;
};

/// Validates one parsed event (the rules of docs/api.md, Sending events). Returns "" and fills
/// `out` when valid, else the reason. `now_ms` and retention decide the too-old rule. Pure;
/// unit-testable and fuzzable.
std::string validate_event(const nlohmann::json& raw, const IngestCaller& caller,
                           std::int64_t now_ms, int retention_days, sdk::Event& out);

/// Thread-safe.
class IngestService {
 public:
  using Hooks = std::function<std::vector<sdk::IngestHook>()>;  ///< Current plugins' hooks.
  /// `projections` (may be null): its active projections are applied in each chunk's transaction,
  /// under its ingest gate. `event_types`: the declared custom types accepted besides the six
  /// built-in ones (docs/api.md, Event types), read once per request (null:
  /// EventTypeCatalog::process()); it must outlive the service.
  IngestService(Database& db, IngestSettings settings, Hooks hooks,
                ProjectionCoordinator* projections = nullptr,
                const EventTypeCatalog* event_types = nullptr);
  ~IngestService();

  /// Processes a request body. Throws sdk::HttpError for 400 (not JSON / no events array) and 413
  /// (too many events); sdk::StoreError when the database fails (nothing acknowledged then).
  IngestResult process(std::string_view body, const IngestCaller& caller, std::int64_t now_ms);

 private:
  IngestSettings settings_;
  const EventTypeCatalog* event_types_;
  std::unique_ptr<ChunkWriter> writer_;
};

}  // namespace zaplify::core
