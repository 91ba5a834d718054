#pragma once
// libpq building blocks of the PostgreSQL NativeConn (pg_conn.cpp). Internal to core/storage. Not
// thread-safe: everything here belongs to the one thread holding the lease.

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

/// One row of a text-format result: cells are zero-copy views into the
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

/// The connection plus its failure bookkeeping: errors become sdk::StoreError, unavailable() for
/// connection trouble, and `broken` makes the pool reconnect the slot on its next lease.
struct PgLink {
  explicit PgLink(PGconn* c) : conn(c) {}

  /// Throws for a result that is not a success.
  void check(const PGresult* r);
  void drain() noexcept;
  [[noreturn]] void fail_conn();
  [[noreturn]] void fail_result(const PGresult* r);

  PGconn* conn;
  bool broken = false;
};

/// Streams the rows of `sql` ($n placeholders) in libpq's single-row mode. An exception from
/// `on_row` propagates after the rest of the result was cancelled and drained, so the connection
/// stays usable.
///
/// Single-row mode was kept over a batched cursor (DECLARE + FETCH n) after measuring both on
/// PostgreSQL 15 / libpq 15 (tests/pg_fetch_modes_bench_test.cpp): batches halve the client's CPU
/// per row, but the server copies every FETCHed row into a tuplestore first (FETCH is a utility
/// statement), which costs it more than the client saves, lowers rows/s in every configuration
/// tried, and BEGIN/DECLARE/FETCH/COMMIT doubles the latency of a one-row query.
void stream_single_rows(PgLink& link, const std::string& sql, const PgParams& params,
                        const sdk::RowCallback& on_row);

}  // namespace zaplify::core::storage::pg
