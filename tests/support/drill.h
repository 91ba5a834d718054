#pragma once
// Tools for the operations drills (issue 7): a private PostgreSQL the test may stop and start, a
// small tmpfs the test may fill or make read-only, an open-loop paced request loop, and the event
// batches and ledgers that let a drill prove "every acknowledged event stored, none twice".

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
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

/// An ext4 file system in a loop-mounted image, mounted with errors=remount-ro, so a drill can make
/// the kernel force it read-only under a running server (ext4's trigger_fs_error: the way a disk
/// error looks to a process) and then repair it (lazy unmount, e2fsck, mount again on the same
/// path). Needs root; check supported().
class Ext4LoopMount {
 public:
  static bool supported();
  explicit Ext4LoopMount(std::size_t bytes);
  ~Ext4LoopMount();
  Ext4LoopMount(const Ext4LoopMount&) = delete;
  Ext4LoopMount& operator=(const Ext4LoopMount&) = delete;

  const std::string& path() const { return path_; }
  void force_read_only();  ///< Open files stay open; every write now fails with EROFS.
  void repair();           ///< A fresh, writable mount of the checked image on path().

 private:
  std::string device() const;  ///< "loopN" of the current mount.
  std::string image_;
  std::string path_;
  std::vector<std::string> extra_loop_devices_;  ///< Attached by repair(); detached at the end.
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

/// Thread-safe set of the event ids the server acknowledged with a 200, with when each was first
/// acknowledged (steady clock).
class AckLedger {
 public:
  void add(const std::vector<std::string>& ids);
  std::set<std::string> ids() const;
  std::size_t size() const;
  /// When `id` was first acknowledged; nullopt when it never was.
  std::optional<std::chrono::steady_clock::time_point> acked_at(const std::string& id) const;

 private:
  mutable std::mutex mutex_;
  std::set<std::string> ids_;
  std::map<std::string, std::chrono::steady_clock::time_point> acked_at_;
};

class ServerProcess;

/// A client that sends numbered batches (numbered_batch, ids "ev-<n>") at a fixed rate over
/// `threads` threads, records what was acknowledged, keeps refused batches for a resend, and counts
/// refusals that are not a clean 503 with Retry-After and a JSON error.
class IngestClient {
 public:
  IngestClient(const ServerProcess& server, std::string tenant, double batches_per_second,
               int threads = 3, int batch_events = 20);
  ~IngestClient();
  void stop();
  /// Resends every refused batch until acknowledged, as a real client does after a 503; fails the
  /// test when some are still refused after `timeout_seconds`.
  void retry_refused(double timeout_seconds);

  const AckLedger& acked() const { return acked_; }
  int refusals() const;
  int unclean_refusals() const;  ///< Refusals other than 503 + Retry-After + JSON error.
  std::string unclean_examples() const;
  std::map<int, int> statuses() const;  ///< Every answer by status (0: no answer).

 private:
  void send(int first);
  const ServerProcess& server_;
  std::string tenant_;
  int batch_events_;
  AckLedger acked_;
  mutable std::mutex mutex_;
  std::deque<int> refused_;
  std::map<int, int> statuses_;
  int refusals_ = 0;
  int unclean_ = 0;
  std::string unclean_examples_;
  std::unique_ptr<PacedLoad> load_;
};

/// Every event id of `tenant` in the events table, one entry per row (so a row stored twice shows
/// twice), read straight from the database file / server, not through the analytics server.
std::vector<std::string> sqlite_event_ids(const std::string& db_path, const std::string& tenant);
std::vector<std::string> postgres_event_ids(const std::string& url, const std::string& tenant);
/// `PRAGMA integrity_check` of a SQLite file: "ok" when sound.
std::string sqlite_integrity(const std::string& db_path);

}  // namespace zaplify::testing
