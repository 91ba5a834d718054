#pragma once
// Writes ingest chunks: each chunk's events are inserted (duplicates detected by the key) and the
// active projections and hooks applied to the new ones, in one transaction that commits before
// write() returns.
//
// Group commit (SQLite): SQLite has one writer, so concurrent requests queue anyway. Instead of one
// transaction each, the first waiting thread becomes the leader and writes every chunk queued at
// that moment in one transaction, while the next ones queue behind it. Per-commit costs (the WAL
// frames of pages that several chunks dirty, the sync, a checkpoint) are then paid once per group.
// A group that fails is retried chunk by chunk, so one request's failure never fails another's.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "zaplify/sdk/events.h"

namespace zaplify::core {

class Database;
class ProjectionCoordinator;

struct IngestChunk {
  std::string tenant;
  std::vector<sdk::Event> events;  ///< In: one tenant's events, no two sharing an id.
  std::vector<sdk::Event> fresh;   ///< Out: those newly stored (copies).
};

/// Thread-safe.
class ChunkWriter {
 public:
  using Hooks = std::function<std::vector<sdk::IngestHook>()>;
  /// `group`: share transactions between concurrent writers, up to `max_group_events` events.
  ChunkWriter(Database& db, Hooks hooks, ProjectionCoordinator* projections, bool group,
              std::size_t max_group_events);

  /// Stores `chunk` and fills chunk.fresh; committed when it returns. Throws sdk::StoreError (or
  /// what a hook threw) when its transaction failed; nothing of the chunk is stored then.
  void write(IngestChunk& chunk);

 private:
  struct Pending {
    IngestChunk* chunk;
    std::exception_ptr error;
    bool done = false;
  };
  std::vector<Pending*> take_group_locked();
  void run_group(const std::vector<Pending*>& group);
  void transact(const std::vector<Pending*>& group);

  Database& db_;
  Hooks hooks_;
  ProjectionCoordinator* projections_;
  bool group_;
  std::size_t max_group_events_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Pending*> queue_;
  bool leading_ = false;
};

}  // namespace zaplify::core
