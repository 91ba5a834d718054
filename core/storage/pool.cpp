#include "storage/pool.h"

#include <filesystem>
#include <stdexcept>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

namespace zaplify::core::storage {
namespace {

// Waiting longer than this for a free connection means the database is saturated: answer 503.
constexpr int kLeaseTimeoutMs = 15000;

std::string sqlite_connect_string(const std::string& path) {
  std::string quoted = "\"";
  for (char c : path) {
    if (c == '"') quoted += '\\';
    quoted += c;
  }
  quoted += '"';
  return "db=" + quoted + " timeout=5";
}

// "file:PATH?mode=rw": SQLite opens the database read-write and never creates it (Debian's
// SQLite interprets URI file names). Used for every open after start-up.
std::string sqlite_existing_file_uri(const std::string& path) {
  static const char* kHex = "0123456789ABCDEF";
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      uri += '%';
      uri += kHex[(static_cast<unsigned char>(c) >> 4) & 0xF];
      uri += kHex[static_cast<unsigned char>(c) & 0xF];
    } else {
      uri += c;
    }
  }
  return uri + "?mode=rw";
}

}  // namespace

Pool::Pool(const ParsedUrl& url, const std::string& redacted_url, const DatabaseSettings& settings)
    : url_(url),
      redacted_(redacted_url),
      sqlite_sync_normal_(settings.sqlite_synchronous == "normal"),
      pool_(static_cast<std::size_t>(std::max(1, settings.pool_size))),
      native_(static_cast<std::size_t>(std::max(1, settings.pool_size))),
      slot_generation_(static_cast<std::size_t>(std::max(1, settings.pool_size)), 0) {
  if (url_.dialect == sdk::Dialect::SQLite) {
    // One bound for the page caches of every connection together: SQLite recycles cached pages
    // once the process's SQLite memory passes it, so memory stays flat as the data grows. The
    // default 16 MiB keeps the soak benchmark's RSS flat; reads were no slower than with 32 MiB
    // per connection, the OS page cache serving the rest (docs/benchmarks.md).
    sqlite_api::sqlite3_soft_heap_limit64(
        static_cast<sqlite_api::sqlite3_int64>(settings.sqlite_cache_mb) << 20);
    std::filesystem::path p(url_.sqlite_path);
    std::error_code ec;
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
    if (ec)
      throw std::runtime_error("cannot create the directory of " + redacted_ + ": " + ec.message());
    connect_string_ = sqlite_connect_string(url_.sqlite_path);
    reopen_connect_string_ = sqlite_connect_string(sqlite_existing_file_uri(url_.sqlite_path));
  } else {
    connect_string_ = url_.pg_conninfo;
  }
  for (std::size_t i = 0; i < native_.size(); ++i) {
    try {
      open_slot(i);
    } catch (const std::exception& e) {
      throw std::runtime_error("cannot open database " + redacted_ + ": " + e.what());
    }
  }
  opened_ = true;
}

Pool::~Pool() {
  // Native wrappers finalize their cached statements before SOCI closes the handles.
  native_.clear();
}

void Pool::open_slot(std::size_t pos) {
  soci::session& s = pool_.at(pos);
  native_[pos].reset();
  if (url_.dialect == sdk::Dialect::SQLite) {
    // SQLite creates a missing file. At start that is the point; later it would mean a fresh empty
    // database where the disk was unmounted or the file moved away, answering reads with nothing:
    // reopens use mode=rw, so a missing file is a failed open (an outage, 503).
    if (s.get_backend() != nullptr) s.close();
    s.open(soci::sqlite3, opened_ ? reopen_connect_string_ : connect_string_);
  } else if (s.get_backend() != nullptr) {
    s.reconnect();
  } else {
    s.open(soci::postgresql, connect_string_);
  }
  auto conn = url_.dialect == sdk::Dialect::SQLite ? make_sqlite_conn(s) : make_pg_conn(s);
  configure(*conn, pos == 0);
  native_[pos] = std::move(conn);
  slot_generation_[pos] = generation_.load();
}

void Pool::configure(NativeConn& conn, bool first) {
  if (url_.dialect == sdk::Dialect::SQLite) {
    // WAL lets readers run beside the writer. FULL sync puts each commit on disk before the 200;
    // NORMAL survives a process crash but loses the commits since the last checkpoint when the
    // OS loses its page cache (power loss, a file system forced read-only: the disk drill lost
    // 420 acknowledged events that way).
    if (first) conn.exec_script("PRAGMA journal_mode=WAL");
    conn.exec_script(sqlite_sync_normal_ ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL");
    // No mmap: memory-mapped pages count in the process's RSS (a 1M-row export grew it by 253 MB
    // at mmap_size 256 MB, 21 MB without), and reads through the OS page cache were as fast in
    // every scan measured (tests/read_bench_test.cpp, ReadBenchSqlite).
    conn.exec_script(
        "PRAGMA busy_timeout=5000; PRAGMA temp_store=MEMORY; "
        "PRAGMA cache_size=-32768; PRAGMA mmap_size=0");
  } else {
    conn.exec_script("SET client_min_messages TO WARNING");
  }
}

Pool::Lease::Lease(Pool& pool) : pool_(pool) {
  if (!pool_.pool_.try_lease(pos_, kLeaseTimeoutMs))
    throw sdk::StoreError("no database connection became free in time", true);
  const auto& conn = pool_.native_[pos_];
  if (conn && conn->healthy() && pool_.slot_generation_[pos_] == pool_.generation_.load()) return;
  try {
    reconnect();
  } catch (...) {
    pool_.pool_.give_back(pos_);
    throw;
  }
}

Pool::Lease::~Lease() { pool_.pool_.give_back(pos_); }

NativeConn& Pool::Lease::conn() { return *pool_.native_[pos_]; }

void Pool::Lease::reconnect() {
  const auto& current = pool_.native_[pos_];
  if (current && !current->healthy()) pool_.generation_.fetch_add(1);
  try {
    pool_.open_slot(pos_);
  } catch (const sdk::StoreError&) {
    throw;
  } catch (const std::exception& e) {
    throw sdk::StoreError(std::string("database unavailable: ") + e.what(), true);
  }
}

}  // namespace zaplify::core::storage
