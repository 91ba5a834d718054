#pragma once
// The SQL side of projections: their recorded state, the tables they own, and the event log read
// back in `seq` order for a replay. Every function runs inside the caller's write transaction.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "zaplify/sdk/events.h"
#include "zaplify/sdk/projection.h"
#include "zaplify/sdk/store.h"

namespace zaplify::core::projections {

/// A projection's row in projection_state. `state`: "active" (every stored event is applied),
/// "inactive" (its plugin is off; events up to applied_seq are applied) or "catching_up".
struct ProjectionState {
  std::string state;
  int version = 0;
  std::int64_t applied_seq = 0;
};

struct LoggedEvent {
  std::int64_t seq = 0;
  sdk::Event event;
};

/// Takes the database-wide projection lock for this transaction: shared for ingest, exclusive for a
/// state change (PostgreSQL advisory lock, so it orders several server instances; on SQLite the
/// single writer orders them already and this does nothing).
void lock_projections(sdk::SqlWriter& w, bool exclusive);
/// The projection states' version, and its increment (by every state change).
std::int64_t read_epoch(sdk::SqlWriter& w);
void bump_epoch(sdk::SqlWriter& w);

/// The highest seq stored so far (0 for an empty log).
std::int64_t max_event_seq(sdk::SqlWriter& w);

std::optional<ProjectionState> load_state(sdk::SqlWriter& w, const std::string& key);
void save_state(sdk::SqlWriter& w, const std::string& key, const std::string& plugin,
                const ProjectionState& state, std::int64_t now_ms);
/// Marks every "active" projection of `keys` inactive as of `seq`.
void deactivate(sdk::SqlWriter& w, const std::vector<std::string>& keys, std::int64_t seq,
                std::int64_t now_ms);
/// Keys of the projections recorded as active.
std::vector<std::string> active_keys(sdk::SqlWriter& w);

/// Records which tables a projection owns (for the retention purge, also while it is off).
/// Throws std::invalid_argument when a name is not a plain identifier.
void record_tables(sdk::SqlWriter& w, const std::string& key,
                   const std::vector<sdk::ProjectionTable>& tables);
/// Deletes every row of the tables (before a rebuild).
void clear_tables(sdk::SqlWriter& w, const std::vector<sdk::ProjectionTable>& tables);
/// Forgets the recorded state and tables of `plugin`'s projections whose keys are not in
/// `declared` (a new build dropped them; their tables are the plugin's to drop). Returns how many.
int forget_undeclared(sdk::SqlWriter& w, const std::string& plugin,
                      const std::vector<std::string>& declared);

/// Reads up to `limit` events with seq > `after`, in seq order, into `out` (cleared first).
void read_events_after(sdk::SqlWriter& w, std::int64_t after, int limit,
                       std::vector<LoggedEvent>& out);

/// Every recorded projection table with its age column: what the retention purge deletes from.
std::vector<std::pair<std::string, sdk::ProjectionTable>> recorded_tables(const sdk::Store& store);

/// The DELETE that drops `table`'s rows whose whole span ends at or before `cutoff_ms`, and its
/// parameter.
std::pair<std::string, std::int64_t> purge_statement(const sdk::ProjectionTable& table,
                                                     std::int64_t cutoff_ms);

/// True for a plain SQL identifier ([A-Za-z0-9_], 1–63 chars, not starting with a digit).
bool is_identifier(const std::string& s);

}  // namespace zaplify::core::projections
