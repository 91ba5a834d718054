#include "ingest/chunk_writer.h"

#include <optional>
#include <stdexcept>

#include "conversations/conversation_state.h"
#include "projections/projection_coordinator.h"
#include "storage/core_writer.h"
#include "storage/database.h"

namespace zaplify::core {

ChunkWriter::ChunkWriter(Database& db, Hooks hooks, ProjectionCoordinator* projections, bool group,
                         std::size_t max_group_events)
    : db_(db),
      hooks_(std::move(hooks)),
      projections_(projections),
      group_(group),
      max_group_events_(max_group_events < 1 ? 1 : max_group_events) {}

void ChunkWriter::write(IngestChunk& chunk) {
  Pending mine{&chunk};
  if (!group_) {
    run_group({&mine});
  } else {
    std::unique_lock lock(mutex_);
    queue_.push_back(&mine);
    while (!mine.done) {
      if (leading_) {
        cv_.wait(lock);
        continue;
      }
      leading_ = true;
      const auto group = take_group_locked();
      lock.unlock();
      run_group(group);
      lock.lock();
      for (auto* p : group) p->done = true;
      leading_ = false;
      cv_.notify_all();
    }
  }
  if (mine.error) std::rethrow_exception(mine.error);
}

std::vector<ChunkWriter::Pending*> ChunkWriter::take_group_locked() {
  std::vector<Pending*> group;
  std::size_t events = 0;
  while (!queue_.empty()) {
    const std::size_t n = queue_.front()->chunk->events.size();
    if (!group.empty() && events + n > max_group_events_) break;
    group.push_back(queue_.front());
    queue_.pop_front();
    events += n;
  }
  return group;
}

void ChunkWriter::run_group(const std::vector<Pending*>& group) {
  try {
    transact(group);
    return;
  } catch (...) {
    if (group.size() == 1) {
      group.front()->error = std::current_exception();
      return;
    }
  }
  for (auto* p : group) {  // alone, each chunk fails or commits on its own merits
    try {
      transact({p});
    } catch (...) {
      p->error = std::current_exception();
    }
  }
}

void ChunkWriter::transact(const std::vector<Pending*>& group) {
  // The set of active projections cannot change while the ticket is held (see
  // ProjectionCoordinator): each is applied to these chunks here or replayed later, never both.
  const std::vector<sdk::IngestHook> plain = hooks_ ? hooks_() : std::vector<sdk::IngestHook>{};
  std::optional<IngestTicket> ticket;
  if (projections_) ticket.emplace(projections_->begin_ingest());
  std::vector<char> inserted;
  db_.write([&](sdk::SqlWriter& w) {
    auto* writer = dynamic_cast<CoreWriter*>(&w);
    if (writer == nullptr) throw std::logic_error("Database::write must hand out a CoreWriter");
    std::vector<sdk::IngestHook> hooks = plain;
    if (projections_)  // inside the transaction: another instance may have changed the set
      for (auto& apply : projections_->appliers(w)) hooks.push_back(std::move(apply));
    for (auto* p : group) {
      IngestChunk& c = *p->chunk;
      writer->lock_tenant(c.tenant);
      writer->insert_events(c.events, inserted);
      c.fresh.clear();
      for (std::size_t i = 0; i < c.events.size(); ++i)
        if (inserted[i]) c.fresh.push_back(c.events[i]);
      if (c.fresh.empty()) continue;
      update_conversations(w, c.tenant, c.fresh);  // host state first: hooks may read it
      sdk::IngestBatch batch{c.tenant, &c.fresh};
      for (const auto& hook : hooks) hook(batch, w);
    }
  });
}

}  // namespace zaplify::core
