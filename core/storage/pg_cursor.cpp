// Streamed reads on PostgreSQL. A NO SCROLL cursor is fetched in batches of kBatchRows: one
// PGresult per batch instead of one per row (single-row mode's cost), while memory stays bounded
// by two batches. The opening (BEGIN, DECLARE, first FETCH) goes out as one pipeline, the next
// FETCH is sent before the current batch is handed to the callback (the server produces batch
// k+1 while the caller consumes batch k), and the closing COMMIT is queued without waiting
// (PgLink::settle collects it), so a one-row query still costs one round trip.
// Measured in tests/read_bench_test.cpp; numbers in the storage notes of the report.

#include <cctype>
#include <cstdlib>
#include <string>

#include "storage/pg_support.h"

namespace zaplify::core::storage::pg {
namespace {

// 20,000 rows of an events export are ~3 MB of PGresult; two of them are in memory at a time.
static const int kBatchRows = std::getenv("ZAPLIFY_PG_BATCH") ? std::atoi(std::getenv("ZAPLIFY_PG_BATCH")) : 20000;  // TEMP
static const std::string kFetchS = "FETCH " + std::to_string(kBatchRows) + " FROM zaplify_rows";
static const char* kFetch = kFetchS.c_str();
constexpr const char* kDeclare = "DECLARE zaplify_rows NO SCROLL CURSOR FOR ";
constexpr const char* kClose = "CLOSE zaplify_rows";

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// True when `word` occurs in `sql` (lower case) as a whole word.
bool has_word(const std::string& sql, std::string_view word) {
  for (std::size_t at = sql.find(word); at != std::string::npos; at = sql.find(word, at + 1)) {
    bool left = at == 0 || !is_word_char(sql[at - 1]);
    bool right = at + word.size() >= sql.size() || !is_word_char(sql[at + word.size()]);
    if (left && right) return true;
  }
  return false;
}

// The first result that is not a success, or null.
const PGresult* first_failure(const std::vector<ResultPtr>& results) {
  for (const auto& r : results) {
    auto st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return r.get();
  }
  return nullptr;
}

// Queues the statement that ends an abandoned read; the caller is already throwing, so a failure
// here only marks the connection (settle() reports it on the next use).
void abandon(PgLink& link, const char* sql) noexcept {
  if (PQstatus(link.conn) != CONNECTION_OK) return;
  try {
    link.queue(sql);
  } catch (...) {
  }
}

// The FETCH result of a segment, or throws its error (after queueing `abort_sql`, if any).
ResultPtr take_batch(PgLink& link, std::vector<ResultPtr> results, const char* abort_sql) {
  if (const PGresult* bad = first_failure(results)) {
    if (abort_sql != nullptr) abandon(link, abort_sql);
    link.fail_result(bad);
  }
  if (results.empty() || PQresultStatus(results.back().get()) != PGRES_TUPLES_OK)
    throw sdk::StoreError("postgresql: the statement returned no rows description", false);
  return std::move(results.back());
}

}  // namespace

bool cursor_eligible(std::string_view sql) {
  std::size_t i = 0;
  while (i < sql.size()) {  // skip blanks, comments and opening parentheses
    if (std::isspace(static_cast<unsigned char>(sql[i])) || sql[i] == '(') {
      ++i;
    } else if (sql.substr(i, 2) == "--") {
      i = sql.find('\n', i);
    } else if (sql.substr(i, 2) == "/*") {
      i = sql.find("*/", i);
      i = i == std::string_view::npos ? i : i + 2;
    } else {
      break;
    }
  }
  if (i >= sql.size()) return false;
  std::size_t end = i;
  while (end < sql.size() && is_word_char(sql[end])) ++end;
  const std::string first = lower(sql.substr(i, end - i));
  if (first == "select" || first == "values" || first == "table") return true;
  if (first != "with") return false;
  // A cursor may not hold a data-modifying WITH. A false alarm (the word inside a string) only
  // costs the slower path.
  const std::string all = lower(sql);
  return !has_word(all, "insert") && !has_word(all, "update") && !has_word(all, "delete") &&
         !has_word(all, "merge");
}

void stream_with_cursor(PgLink& link, const std::string& sql, const PgParams& params,
                        const sdk::RowCallback& on_row) {
  // Inside a caller's transaction (a write's reads) the cursor lives in it and is closed; else the
  // read gets its own transaction, which COMMIT ends (and drops the cursor with it).
  const bool own = PQtransactionStatus(link.conn) == PQTRANS_IDLE;
  const char* finish_sql = own ? "COMMIT" : kClose;
  const char* abort_sql = own ? "ROLLBACK" : kClose;
  if (!PQenterPipelineMode(link.conn)) link.fail_conn();
  if (own) link.send("BEGIN");
  const std::string declare = kDeclare + sql;
  if (!PQsendQueryParams(link.conn, declare.c_str(), params.count(), params.types.data(), params.values.data(),
                         nullptr, nullptr, 0))
    link.fail_conn();
  link.send(kFetch);
  link.sync();
  // A failed opening aborted the caller's transaction, which the caller rolls back: nothing to
  // queue then. Our own transaction is rolled back here.
  ResultPtr batch = take_batch(link, link.read_until_sync(), own ? abort_sql : nullptr);
  for (;;) {
    const int rows = PQntuples(batch.get());
    const bool more = rows == kBatchRows;
    if (more) {
      link.queue(kFetch);
    } else {
      link.queue(finish_sql);  // the rows are all here: end the transaction while they are read
    }
    try {
      PgRow row(batch.get());
      for (int i = 0; i < rows; ++i) {
        row.set_row(i);
        on_row(row);
      }
    } catch (...) {
      if (more) abandon(link, abort_sql);
      throw;
    }
    if (!more) return;
    batch.reset();  // before the next one arrives: two batches at most
    batch = take_batch(link, link.read_until_sync(), own ? abort_sql : nullptr);
  }
}

void stream_single_rows(PgLink& link, const std::string& sql, const PgParams& params,
                        const sdk::RowCallback& on_row) {
  if (!PQsendQueryParams(link.conn, sql.c_str(), params.count(), params.types.data(), params.values.data(),
                         nullptr, nullptr, 0))
    link.fail_conn();
  if (!PQsetSingleRowMode(link.conn)) link.fail_conn();
  try {
    for (;;) {
      ResultPtr r = take(PQgetResult(link.conn));
      if (!r) break;
      auto st = PQresultStatus(r.get());
      if (st == PGRES_SINGLE_TUPLE) {
        PgRow row(r.get());
        on_row(row);
      } else if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        link.drain();
        link.fail_result(r.get());
      }
    }
  } catch (...) {
    // Stop the server from sending the rest, then read what is already on its way.
    if (PQstatus(link.conn) == CONNECTION_OK && PQisBusy(link.conn)) {
      if (PGcancel* c = PQgetCancel(link.conn)) {
        char buf[256];
        PQcancel(c, buf, sizeof buf);
        PQfreeCancel(c);
      }
    }
    if (PQstatus(link.conn) == CONNECTION_OK) link.drain();
    throw;
  }
}

}  // namespace zaplify::core::storage::pg
