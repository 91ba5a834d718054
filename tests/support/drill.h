#pragma once
// Tools for the operations drills (issue 7): a private PostgreSQL the test may stop and start, a
// small tmpfs the test may fill or make read-only, an open-loop paced request loop, and the event
// batches and ledgers that let a drill prove "every acknowledged event stored, none twice".

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace zaplify::testing {

/// A PostgreSQL 15 server of its own (initdb in a temp folder, loopback, free port), so a drill can
/// stop it under a running analytics server without disturbing other tests. As root, the server
/// runs as the `postgres` user. Failures are reported with ADD_FAILURE; check ok().
class PostgresInstance {
 public:
  PostgresInstance();
  ~PostgresInstance();
  PostgresInstance(const PostgresInstance&) = delete;
  PostgresInstance& operator=(const PostgresInstance&) = delete;

  bool ok() const { return ok_; }
  /// URL of the `postgres` database of this instance.
  std::string url() const;
  /// `pg_ctl stop`; `immediate` = crash-like (no checkpoint, connections cut at once).
  void stop(bool immediate = true);
  /// `pg_ctl start -w`: returns once the server accepts connections.
  void start();

 private:
  bool run_pg_ctl(const std::string& args) const;
  std::string dir_;
  std::uint16_t port_ = 0;
  bool ok_ = false;
};

/// A tmpfs of `bytes` mounted on a fresh folder (needs CAP_SYS_ADMIN, e.g. root in CI); lets a
/// drill fill the disk or make it read-only and then give the space back.
class TmpfsMount {
 public:
  /// True when this process may mount (probes once with a tiny tmpfs).
  static bool supported();
  explicit TmpfsMount(std::size_t bytes);
  ~TmpfsMount();
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;

  const std::string& path() const { return path_; }
  void set_read_only(bool read_only);
  void resize(std::size_t bytes);

 private:
  std::string path_;
};

/// Calls `fire(seq)` for seq = 0, 1, 2, ... at a fixed rate (open loop: request n is due at
/// start + n / rate, whatever the latency of earlier ones), spread over `threads` threads, until
/// stop(). A late thread fires at once rather than skipping.
class PacedLoad {
 public:
  PacedLoad(double rate_per_second, int threads, std::function<void(std::int64_t seq)> fire);
  ~PacedLoad();
  PacedLoad(const PacedLoad&) = delete;
  PacedLoad& operator=(const PacedLoad&) = delete;

  void stop();  ///< Stops scheduling and joins; idempotent.
  std::int64_t fired() const { return fired_.load(); }

 private:
  std::atomic<bool> stopping_{false};
  std::atomic<std::int64_t> fired_{0};
  std::vector<std::thread> threads_;
};

/// A batch of `count` valid events for `tenant` with ids "<prefix>-<first>" ... (lead_created,
/// lead messages and stage changes of funnel "drill" in turn, so every plugin's ingest hook runs),
/// timestamped around `ts_ms`.
nlohmann::json numbered_batch(const std::string& tenant, const std::string& prefix, int first,
                              int count, std::int64_t ts_ms);
/// The ids numbered_batch() puts in that batch.
std::vector<std::string> numbered_ids(const std::string& prefix, int first, int count);

/// Thread-safe set of the event ids the server acknowledged with a 200.
class AckLedger {
 public:
  void add(const std::vector<std::string>& ids);
  std::set<std::string> ids() const;
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::set<std::string> ids_;
};

/// Every event id of `tenant` in the events table, one entry per row (so a row stored twice shows
/// twice), read straight from the database file / server, not through the analytics server.
std::vector<std::string> sqlite_event_ids(const std::string& db_path, const std::string& tenant);
std::vector<std::string> postgres_event_ids(const std::string& url, const std::string& tenant);
/// `PRAGMA integrity_check` of a SQLite file: "ok" when sound.
std::string sqlite_integrity(const std::string& db_path);

}  // namespace zaplify::testing
