#pragma once
// The SOCI connection pool with a NativeConn per slot, leased per call. Internal to core/storage.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <soci/connection-pool.h>

#include "storage/database.h"
#include "storage/database_url.h"
#include "storage/native_conn.h"

namespace zaplify::core::storage {

/// Thread-safe. A slot whose connection is known broken is reconnected on its next lease, and so
/// is every other slot: the failure that broke one (a restarted server, a remounted disk) has
/// usually left the others pointing at something gone as well.
class Pool {
 public:
  /// Opens every slot; throws std::runtime_error naming the redacted URL when it cannot.
  /// Size and SQLite tuning from `settings` (its url is already parsed into `url`).
  Pool(const ParsedUrl& url, const std::string& redacted_url, const DatabaseSettings& settings);
  ~Pool();

  sdk::Dialect dialect() const { return url_.dialect; }

  /// A leased connection, returned to the pool on destruction.
  class Lease {
   public:
    explicit Lease(Pool& pool);
    ~Lease();
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    NativeConn& conn();
    /// Drops and reopens this slot's connection (after a connection failure). Throws StoreError.
    void reconnect();

   private:
    Pool& pool_;
    std::size_t pos_ = 0;
  };

 private:
  void open_slot(std::size_t pos);
  void configure(NativeConn& conn, bool first);

  ParsedUrl url_;
  std::string redacted_;
  std::string connect_string_;
  std::string reopen_connect_string_;  // SQLite after start-up: never creates the file
  bool sqlite_sync_normal_ = false;    // PRAGMA synchronous=NORMAL instead of FULL
  bool opened_ = false;  // every slot opened once: from now on a missing SQLite file is an outage
  soci::connection_pool pool_;
  std::vector<std::unique_ptr<NativeConn>> native_;  // index = pool position
  // Bumped when a broken connection is found; a slot opened under an older generation reopens.
  std::atomic<std::uint64_t> generation_{0};
  std::vector<std::uint64_t> slot_generation_;  // index = pool position
};

}  // namespace zaplify::core::storage
