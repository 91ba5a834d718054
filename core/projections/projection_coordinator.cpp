#include "projections/projection_coordinator.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <stdexcept>

#include "projections/projection_log.h"
#include "storage/database.h"

namespace zaplify::core {
namespace {

// Events per replay transaction: large enough to amortise a commit, small enough that ingestion
// (waiting on the gate) is held up for tens of milliseconds at most.
constexpr int kReplayChunk = 2000;

// Groups a replay chunk by tenant, each tenant's events in seq order (apply sees one tenant).
std::map<std::string, std::vector<sdk::Event>> by_tenant(
    std::vector<projections::LoggedEvent>& log) {
  std::map<std::string, std::vector<sdk::Event>> out;
  for (auto& le : log) out[le.event.tenant_id].push_back(std::move(le.event));
  return out;
}

}  // namespace

struct ProjectionCoordinator::Entry {
  std::string key;
  std::string plugin;
  sdk::ProjectionSpec spec;
  std::shared_ptr<CatchUpStatus> status;
  bool active = false;           // guarded by mutex_; changed only under the exclusive gate
  std::int64_t applied_seq = 0;  // the replay thread's (and attach's) position
  std::int64_t start_seq = 0;    // where this replay started, for progress
  std::int64_t head_seq = 0;     // the log's head when last looked at, for progress
};

ProjectionCoordinator::ProjectionCoordinator(Database& db, std::function<std::int64_t()> now_ms,
                                             std::function<void(const std::string&)> on_ready)
    : db_(db), now_ms_(std::move(now_ms)), on_ready_(std::move(on_ready)) {
  thread_ = std::thread([this] { replay_loop(); });
}

ProjectionCoordinator::~ProjectionCoordinator() { stop(); }

void ProjectionCoordinator::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  entries_.clear();
}

void ProjectionCoordinator::attach(const std::string& plugin,
                                   const std::vector<sdk::ProjectionSpec>& specs,
                                   std::shared_ptr<CatchUpStatus> status) {
  std::vector<std::shared_ptr<Entry>> fresh;
  std::set<std::string> names;
  for (const auto& spec : specs) {
    if (!projections::is_identifier(spec.name) || !names.insert(spec.name).second)
      throw std::invalid_argument("projection name '" + spec.name +
                                  "' is not a plain identifier or is registered twice");
    if (!spec.apply || spec.tables.empty())
      throw std::invalid_argument("projection '" + spec.name + "' needs apply and its tables");
    auto e = std::make_shared<Entry>();
    e->key = plugin + "." + spec.name;
    e->plugin = plugin;
    e->spec = spec;
    e->status = status;
    fresh.push_back(std::move(e));
  }
  std::lock_guard gate(gate_);
  std::int64_t epoch = 0;
  db_.write([&](sdk::SqlWriter& w) {
    projections::lock_projections(w, true);
    reconcile(w);
    std::vector<std::string> declared;
    for (const auto& e : fresh) declared.push_back(e->key);
    const bool forgot = projections::forget_undeclared(w, plugin, declared) > 0;
    if (fresh.empty()) {
      if (forgot) projections::bump_epoch(w);
      epoch = projections::read_epoch(w);
      return;
    }
    const std::int64_t head = projections::max_event_seq(w);
    for (auto& e : fresh) {
      projections::record_tables(w, e->key, e->spec.tables);
      auto state = projections::load_state(w, e->key);
      if (!state || state->version != e->spec.version) {
        // New, or its rows changed meaning: rebuild from the whole log.
        projections::clear_tables(w, e->spec.tables);
        state = projections::ProjectionState{"catching_up", e->spec.version, 0};
      }
      if (state->state == "active" || state->applied_seq >= head) {
        state->state = "active";
        state->applied_seq = head;
      } else {
        state->state = "catching_up";
      }
      e->active = state->state == "active";
      e->applied_seq = e->start_seq = state->applied_seq;
      e->head_seq = head;
      projections::save_state(w, e->key, plugin, *state, now_ms_());
    }
    projections::bump_epoch(w);
    epoch = projections::read_epoch(w);
  });
  {
    std::lock_guard lock(mutex_);
    for (auto& e : fresh) entries_[e->key] = e;
    cached_epoch_ = epoch;  // the entries above are what this epoch says
  }
  refresh_status(plugin);
  cv_.notify_all();
}

void ProjectionCoordinator::detach(const std::string& plugin) {
  std::lock_guard gate(gate_);
  std::vector<std::string> keys;
  {
    std::lock_guard lock(mutex_);
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (it->second->plugin != plugin) {
        ++it;
        continue;
      }
      if (it->second->active) pending_deactivation_.push_back(it->first);
      it = entries_.erase(it);
    }
  }
  try {
    flush_pending_locked();
  } catch (const std::exception& e) {
    spdlog::error(
        "projections of plugin '{}': could not record their position yet ({}); "
        "ingestion waits until the database accepts it",
        plugin, e.what());
  }
}

void ProjectionCoordinator::flush_pending_locked() {
  std::vector<std::string> keys;
  {
    std::lock_guard lock(mutex_);
    keys = pending_deactivation_;
  }
  if (keys.empty()) return;
  db_.write([&](sdk::SqlWriter& w) {
    projections::lock_projections(w, true);
    projections::deactivate(w, keys, projections::max_event_seq(w), now_ms_());
    projections::bump_epoch(w);
    reconcile(w);
  });
  std::lock_guard lock(mutex_);
  pending_deactivation_.clear();
}

void ProjectionCoordinator::retire_unattached() {
  std::lock_guard gate(gate_);
  db_.write([&](sdk::SqlWriter& w) {
    projections::lock_projections(w, true);
    std::vector<std::string> orphans;
    {
      std::lock_guard lock(mutex_);
      for (auto& key : projections::active_keys(w))
        if (!entries_.count(key)) orphans.push_back(key);
    }
    for (const auto& key : orphans)
      spdlog::info("projection '{}' is off: it will catch up when its plugin returns", key);
    if (!orphans.empty()) {
      projections::deactivate(w, orphans, projections::max_event_seq(w), now_ms_());
      projections::bump_epoch(w);
    }
    reconcile(w);
  });
}

void ProjectionCoordinator::reconcile(sdk::SqlWriter& w) {
  const std::int64_t epoch = projections::read_epoch(w);
  {
    std::lock_guard lock(mutex_);
    if (epoch == cached_epoch_) return;
  }
  const auto keys = projections::active_keys(w);
  const std::set<std::string> active(keys.begin(), keys.end());
  std::set<std::string> changed;
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    for (auto& [key, e] : entries_) {
      const bool now_active = active.count(key) > 0;
      if (e->active == now_active) continue;
      // Off: another instance switched it off (it replays from where that left it). On: another
      // instance finished its replay, so every stored event is applied.
      e->active = now_active;
      wake = wake || !now_active;
      changed.insert(e->plugin);
    }
    cached_epoch_ = epoch;
  }
  for (const auto& plugin : changed) refresh_status(plugin);
  if (wake) cv_.notify_all();
}

IngestTicket ProjectionCoordinator::begin_ingest() {
  bool pending;
  {
    std::lock_guard lock(mutex_);
    pending = !pending_deactivation_.empty();
  }
  if (pending) {
    std::lock_guard gate(gate_);
    try {
      flush_pending_locked();
    } catch (const sdk::StoreError& e) {
      throw sdk::StoreError(e.what(), true);
    }
  }
  gate_.lock_shared();
  return IngestTicket(&gate_);
}

std::vector<sdk::IngestHook> ProjectionCoordinator::appliers(sdk::SqlWriter& w) {
  projections::lock_projections(w, false);
  reconcile(w);
  std::lock_guard lock(mutex_);
  std::vector<sdk::IngestHook> out;
  for (const auto& [key, e] : entries_)
    if (e->active) out.push_back(e->spec.apply);
  return out;
}

void ProjectionCoordinator::refresh_status(const std::string& plugin) {
  bool ready = true;
  std::int64_t applied = 0, total = 0;
  std::shared_ptr<CatchUpStatus> status;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, e] : entries_) {
      if (e->plugin != plugin) continue;
      status = e->status;
      ready = ready && e->active;
      applied += e->applied_seq - e->start_seq;
      total += std::max(e->head_seq, e->applied_seq) - e->start_seq;
    }
  }
  if (!status) return;
  status->applied = applied;
  status->total = total;
  const bool was_ready = status->ready.exchange(ready);
  if (ready && !was_ready && on_ready_) on_ready_(plugin);
}

void ProjectionCoordinator::replay_step(const std::shared_ptr<Entry>& e) {
  std::lock_guard gate(gate_);
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(e->key);
    if (it == entries_.end() || it->second != e || e->active) return;  // detached meanwhile
  }
  std::vector<projections::LoggedEvent> log;
  std::int64_t next = 0, head = 0, epoch = 0;
  bool caught_up = false;
  db_.write([&](sdk::SqlWriter& w) {
    projections::lock_projections(w, true);
    reconcile(w);
    {
      std::lock_guard lock(mutex_);
      if (e->active) return;  // another instance finished the replay
    }
    // The position is the database's: another instance may have replayed part of the log.
    auto state = projections::load_state(w, e->key);
    next = state ? state->applied_seq : 0;
    projections::read_events_after(w, next, kReplayChunk, log);
    if (log.empty()) {
      caught_up = true;
    } else {
      next = log.back().seq;
      for (auto& [tenant, events] : by_tenant(log)) {
        sdk::IngestBatch batch{tenant, &events, true, next};
        e->spec.apply(batch, w);
      }
    }
    head = projections::max_event_seq(w);
    projections::save_state(w, e->key, e->plugin,
                            {caught_up ? "active" : "catching_up", e->spec.version, next},
                            now_ms_());
    if (caught_up) projections::bump_epoch(w);
    epoch = projections::read_epoch(w);
  });
  std::lock_guard lock(mutex_);
  if (e->active) return;
  e->applied_seq = std::max(e->applied_seq, next);
  e->head_seq = head;
  e->active = caught_up;  // still under the gate: the next ingest chunk applies it
  if (caught_up) cached_epoch_ = epoch;
}

void ProjectionCoordinator::replay_loop() {
  for (;;) {
    std::vector<std::shared_ptr<Entry>> work;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] {
        if (stopping_) return true;
        for (const auto& [k, e] : entries_)
          if (!e->active) return true;
        return false;
      });
      if (stopping_) return;
      for (const auto& [k, e] : entries_)
        if (!e->active) work.push_back(e);
    }
    bool failed = false;
    for (const auto& e : work) {
      try {
        replay_step(e);
      } catch (const std::exception& ex) {
        spdlog::warn("projection '{}': replay failed, will retry: {}", e->key, ex.what());
        failed = true;
      }
      refresh_status(e->plugin);
    }
    if (failed) {
      std::unique_lock lock(mutex_);
      cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; });
    }
  }
}

std::int64_t ProjectionCoordinator::purge_before(std::int64_t cutoff_ms) {
  std::int64_t deleted = 0;
  for (const auto& [key, table] : projections::recorded_tables(db_)) {
    const auto [sql, limit] = projections::purge_statement(table, cutoff_ms);
    try {
      db_.write([&, &sql = sql, limit = limit](sdk::SqlWriter& w) {
        deleted += w.execute(sql, {limit});
      });
    } catch (const sdk::StoreError& e) {
      spdlog::warn("retention purge of {} ({}) skipped: {}", table.name, key, e.what());
    }
  }
  return deleted;
}

}  // namespace zaplify::core
