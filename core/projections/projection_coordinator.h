#pragma once
// The host side of projections (sdk/projection.h): which projections ingestion applies, their
// backfill and catch-up by replaying the event log, and the retention purge of their tables.
//
// Ordering: ingest chunks hold the IngestGate shared (begin_ingest()); attach, detach and every
// catch-up chunk hold it exclusively around their transaction and the in-memory switch. A
// projection is therefore applied to every event exactly once: by ingestion while it is active, by
// replay (in seq order, from its recorded position) otherwise.
//
// Several instances may share one PostgreSQL: the states live in the database, a shared/exclusive
// advisory lock orders every instance's ingest against every state change, and each transaction
// reads projection_epoch (bumped by each change) to bring this instance in line first. So when one
// instance switches a plugin off, the others stop applying its projections too and replay them
// themselves; when it comes back, nothing is applied twice.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "projections/ingest_gate.h"
#include "zaplify/sdk/projection.h"

namespace zaplify::core {

class Database;

/// One plugin's replay progress, shared with the host's wrappers of its routes and data sources
/// (which answer 503 `catching_up` until `ready`). Thread-safe.
struct CatchUpStatus {
  std::atomic<bool> ready{true};
  std::atomic<std::int64_t> applied{0};  ///< Log positions replayed so far.
  std::atomic<std::int64_t> total{0};    ///< Log positions to replay in all (grows with ingest).
};

/// Holds the gate shared for one ingest transaction. Movable, not copyable.
class IngestTicket {
 public:
  explicit IngestTicket(IngestGate* gate) : gate_(gate) {}
  IngestTicket(IngestTicket&& o) noexcept : gate_(o.gate_) { o.gate_ = nullptr; }
  IngestTicket(const IngestTicket&) = delete;
  IngestTicket& operator=(const IngestTicket&) = delete;
  IngestTicket& operator=(IngestTicket&&) = delete;
  ~IngestTicket() {
    if (gate_) gate_->unlock_shared();
  }

 private:
  IngestGate* gate_;
};

/// Thread-safe.
class ProjectionCoordinator {
 public:
  /// `on_ready(plugin)` runs when a plugin's projections all became active after a replay.
  ProjectionCoordinator(Database& db, std::function<std::int64_t()> now_ms,
                        std::function<void(const std::string&)> on_ready);
  /// Stops the replay thread.
  ~ProjectionCoordinator();

  /// Takes over the projections of a plugin that just started (their `apply` must keep the
  /// plugin's library loaded). Projections that missed events, or are new, replay in the
  /// background; `status` says when all are active. Throws sdk::StoreError or
  /// std::invalid_argument (bad table names, a name used twice); nothing is attached then.
  /// Projections the plugin declared before but no longer does are forgotten (state and tables'
  /// records; the plugin's own migrations drop the tables). `specs` may be empty.
  void attach(const std::string& plugin, const std::vector<sdk::ProjectionSpec>& specs,
              std::shared_ptr<CatchUpStatus> status);
  /// Stops applying a leaving plugin's projections and records how far they got. When the
  /// database cannot record it now, ingestion waits for it (begin_ingest throws) until it can.
  void detach(const std::string& plugin);
  /// At start-up, once the enabled plugins are attached: projections recorded active whose plugin
  /// is not running are marked inactive as of now, so they replay what comes next when it returns.
  void retire_unattached();

  /// For one ingest transaction: holds the gate shared until the ticket dies. Throws
  /// sdk::StoreError (unavailable) while a detach could not be recorded yet.
  IngestTicket begin_ingest();
  /// The active projections' apply functions for the ingest transaction `w`: takes the shared
  /// projection lock (PostgreSQL) and first brings this instance in line with state changes other
  /// instances made. REQUIRES: the caller holds an IngestTicket; called once per transaction.
  std::vector<sdk::IngestHook> appliers(sdk::SqlWriter& w);

  /// Deletes rows older than `cutoff_ms` from every recorded projection table (attached or not).
  /// Returns the number of rows deleted. A table that is gone is skipped.
  std::int64_t purge_before(std::int64_t cutoff_ms);

  /// Stops the replay thread (idempotent).
  void stop();

 private:
  struct Entry;
  void replay_loop();
  void replay_step(const std::shared_ptr<Entry>& entry);
  void flush_pending_locked();
  void reconcile(sdk::SqlWriter& w);
  void refresh_status(const std::string& plugin);

  Database& db_;
  std::function<std::int64_t()> now_ms_;
  std::function<void(const std::string&)> on_ready_;
  IngestGate gate_;

  mutable std::mutex mutex_;  // entries_, pending_deactivation_, stopping_
  std::condition_variable cv_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;  // by key "plugin.projection"
  std::vector<std::string> pending_deactivation_;
  std::int64_t cached_epoch_ = -1;  // projection_epoch the entries' `active` flags reflect
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace zaplify::core
