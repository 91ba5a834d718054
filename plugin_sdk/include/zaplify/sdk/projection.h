#pragma once
// Projections: derived tables a plugin keeps from the event log, maintained by the host.
//
// A plugin declares each projection once, in start(): the tables it writes (their schema comes from
// the plugin's migrations), the column that ages each table's rows out, and `apply`, which folds a
// batch of events into the tables. The host owns everything around that:
//   * on ingest, `apply` runs inside the write transaction of the events it receives, so derived
//     rows commit with their events (a reader never sees a result older than its own
//     acknowledged write);
//   * on first load (or when `version` changes) the host clears the tables and replays the whole
//     event log through `apply` (backfill);
//   * after the plugin was disabled, the host replays exactly the events ingested meanwhile
//     (catch-up) before the plugin's routes answer; until then they answer 503 `catching_up`, and
//     /health and /admin/plugins show the progress;
//   * the retention purge deletes every declared table's rows older than the cutoff.
//
// The host records per projection how far it has applied the event log (the events table's
// `seq`, a number that grows with every stored event), so each event is applied exactly once.

#include <cstdint>
#include <string>
#include <vector>

#include "zaplify/sdk/events.h"
#include "zaplify/sdk/version.h"

namespace zaplify::sdk {

/// One table a projection writes.
struct ProjectionTable {
  std::string name;  ///< Required. A plain identifier; must lead with tenant_id.
  /// Required. A column holding each row's age as an instant: epoch ms, or (see below) a unit
  /// number. Rows whose whole span is older than the retention cutoff are deleted; NULLs stay.
  std::string age_column;
  /// Optional. Length of one unit of `age_column`, in ms (1: epoch ms; 900000 for 15-minute
  /// buckets numbered floor(ts / 900000)). A bucket row goes once its end is at or before the
  /// cutoff.
  std::int64_t age_unit_ms = 1;
};

/// A projection as a plugin declares it. Copied by the host at registration.
struct ProjectionSpec {
  std::string name;                     ///< Required. [a-z0-9_]+, unique within the plugin.
  std::vector<ProjectionTable> tables;  ///< Required: every table `apply` writes.
  /// Required. Folds the events of one batch (one tenant) into the tables. Runs on ingestion
  /// threads (concurrently for different batches) and on the host's catch-up thread; it must be
  /// thread-safe and must give the same tables whatever order the events come in (events arrive
  /// late and out of order anyway). Throwing rolls the batch back. During a replay
  /// (`batch.replay`), events with seq > `batch.seq_horizon` are in the events table but not yet
  /// applied: an `apply` that reads the events table must add `AND seq <= ?` with that horizon.
  IngestHook apply;
  /// Optional. Bump it when the meaning of the rows changes: the host then rebuilds the tables
  /// from the event log (clear + replay) the next time the plugin loads.
  int version = 1;
};

/// REQUIRES: called only from Plugin::start(). A projection name registered twice by one plugin
/// fails the load.
class ZAPLIFY_SDK_API ProjectionRegistry {
 public:
  virtual ~ProjectionRegistry() = default;
  virtual void add(ProjectionSpec spec) = 0;
};

}  // namespace zaplify::sdk
