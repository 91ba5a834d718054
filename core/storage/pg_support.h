#pragma once
// libpq building blocks shared by the PostgreSQL NativeConn and its cursor reader. Internal to
// core/storage. Not thread-safe: everything here belongs to the one thread holding the lease.

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "zaplify/sdk/store.h"

namespace zaplify::core::storage::pg {

// OIDs from pg_type.h (stable across versions).
constexpr Oid kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700,
              kFloat8 = 701, kNumeric = 1700;

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;
inline ResultPtr take(PGresult* r) { return ResultPtr(r, PQclear); }

/// One row of a text-format result (a FETCH batch holds many): cells are zero-copy views into the
/// PGresult, numbers are parsed from their text on demand. Valid while the PGresult lives.
class PgRow final : public sdk::Row {
 public:
  explicit PgRow(const PGresult* r) : r_(r), n_(static_cast<std::size_t>(PQnfields(r))) {}
  void set_row(int row) { row_ = row; }
  std::size_t size() const override { return n_; }
  bool is_null(std::size_t i) const override { return PQgetisnull(r_, row_, col(i)) != 0; }
  std::int64_t int64(std::size_t i) const override;
  double number(std::size_t i) const override;
  std::string_view text(std::size_t i) const override {
    const int c = col(i);
    // NULL cells are "" in libpq, so no isnull check is needed for the documented "" reading.
    return {PQgetvalue(r_, row_, c), static_cast<std::size_t>(PQgetlength(r_, row_, c))};
  }
  sdk::Value value(std::size_t i) const override;

 private:
  int col(std::size_t i) const {
    if (i >= n_) throw sdk::StoreError("column index out of range", false);
    return static_cast<int>(i);
  }
  const PGresult* r_;
  std::size_t n_;
  int row_ = 0;
};

/// Text-format parameters with their type OIDs (0 lets the server infer strings and NULLs).
struct PgParams {
  std::vector<std::string> storage;
  std::vector<const char*> values;
  std::vector<Oid> types;

  explicit PgParams(const std::vector<sdk::Value>& params);
  int count() const { return static_cast<int>(values.size()); }
};

/// The connection plus its failure bookkeeping and the pipeline it may have left running.
///
/// A streamed read ends by queueing its COMMIT (or CLOSE, or ROLLBACK) in libpq's pipeline mode
/// without waiting for the answer, so a small query costs one round trip, not two. Every other
/// use of the connection calls settle() first, which collects those answers and leaves pipeline
/// mode; an answer reporting a lost connection then surfaces as an unavailable StoreError there.
class PgLink {
 public:
  explicit PgLink(PGconn* c) : conn(c) {}

  /// Collects every queued answer and leaves pipeline mode. Throws StoreError only when the
  /// connection is lost (SQL errors of clean-up statements are expected and dropped).
  void settle();
  /// Reads answers up to and including the next pipeline sync; returns the non-sync results.
  std::vector<ResultPtr> read_until_sync();
  /// Queues `sql` (no parameters) and a sync whose answers settle() will collect.
  void queue(const char* sql);
  void send(const char* sql);   ///< queues one parameterless statement (pipeline mode)
  void sync();                  ///< ends a pipeline segment and flushes it

  /// Throws for a result that is not a success.
  void check(const PGresult* r);
  void drain() noexcept;
  [[noreturn]] void fail_conn();
  [[noreturn]] void fail_result(const PGresult* r);

  PGconn* conn;
  bool broken = false;
  int pending_syncs = 0;  // syncs queued whose answers are not read yet
};

/// True for statements a cursor can run: SELECT / VALUES / TABLE, or WITH without a
/// data-modifying part. Others take the single-row path.
bool cursor_eligible(std::string_view sql);

/// Streams the rows of `sql` (already in $n form) in batches through a NO SCROLL cursor, in its own
/// read transaction unless one is open. Never holds more than two batches. Throws StoreError;
/// an exception from `on_row` propagates after the cursor's clean-up has been queued.
void stream_with_cursor(PgLink& link, const std::string& sql, const PgParams& params,
                        const sdk::RowCallback& on_row);

/// The fallback for other statements: one PGresult per row (libpq's single-row mode).
void stream_single_rows(PgLink& link, const std::string& sql, const PgParams& params,
                        const sdk::RowCallback& on_row);

}  // namespace zaplify::core::storage::pg
