// PgRow, PgParams, PgLink and the streamed read: see pg_support.h.

#include <charconv>
#include <cstdlib>

#include "storage/pg_support.h"

namespace zaplify::core::storage::pg {
namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::int64_t PgRow::int64(std::size_t i) const {
  const std::string_view t = text(i);
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec == std::errc() && p == t.data() + t.size()) return v;  // the usual case: an integer
  if (t.empty() || t == "f") return 0;
  if (t == "t") return 1;
  return static_cast<std::int64_t>(number(i));
}

double PgRow::number(std::size_t i) const {
  const std::string_view t = text(i);
  double v = 0.0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec == std::errc() && p == t.data() + t.size()) return v;
  if (t.empty() || t == "f") return 0.0;
  if (t == "t") return 1.0;
  return std::strtod(std::string(t).c_str(), nullptr);  // "Infinity", "NaN", out of range
}

sdk::Value PgRow::value(std::size_t i) const {
  if (is_null(i)) return sdk::Value();
  switch (PQftype(r_, col(i))) {
    case kBool:
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid:
      return sdk::Value(int64(i));
    case kFloat4:
    case kFloat8:
    case kNumeric:
      return sdk::Value(number(i));
    default:
      return sdk::Value(std::string(text(i)));
  }
}

PgParams::PgParams(const std::vector<sdk::Value>& params) {
  storage.reserve(params.size());
  for (const auto& v : params) {
    if (const auto* n = std::get_if<std::int64_t>(&v)) {
      storage.push_back(std::to_string(*n));
      types.push_back(kInt8);
    } else if (const auto* d = std::get_if<double>(&v)) {
      char buf[64];
      auto [p, ec] = std::to_chars(buf, buf + sizeof buf, *d);
      std::string s(buf, ec == std::errc() ? p : buf);
      if (s == "inf")
        s = "Infinity";
      else if (s == "-inf")
        s = "-Infinity";
      else if (s == "nan" || s == "-nan")
        s = "NaN";
      storage.push_back(std::move(s));
      types.push_back(kFloat8);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      storage.push_back(*s);
      types.push_back(0);
    } else {
      storage.emplace_back();
      types.push_back(0);
    }
  }
  // Pointers are taken after all adds: `storage` may reallocate while growing.
  for (std::size_t i = 0; i < storage.size(); ++i)
    values.push_back(sdk::is_null(params[i]) ? nullptr : storage[i].c_str());
}

void PgLink::check(const PGresult* r) {
  if (r == nullptr) fail_conn();
  auto st = PQresultStatus(r);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return;
  fail_result(r);
}

void PgLink::drain() noexcept {
  while (PGresult* r = PQgetResult(conn)) PQclear(r);
}

void PgLink::fail_conn() {
  bool bad = PQstatus(conn) != CONNECTION_OK;
  if (bad) broken = true;
  throw sdk::StoreError("postgresql: " + trim(PQerrorMessage(conn)), bad);
}

void PgLink::fail_result(const PGresult* r) {
  const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  std::string code = state ? state : "";
  bool bad = PQstatus(conn) != CONNECTION_OK;
  // Connection exceptions (08), shutdowns (57P0x), resource limits (53) and read-only standbys
  // (25006) are "try again later", not bugs in the statement.
  bool unavailable = bad || code.rfind("08", 0) == 0 || code.rfind("57P0", 0) == 0 ||
                     code.rfind("53", 0) == 0 || code == "25006";
  if (bad || code.rfind("08", 0) == 0 || code.rfind("57P0", 0) == 0) broken = true;
  std::string msg = trim(PQresultErrorMessage(r));
  if (msg.empty()) msg = trim(PQerrorMessage(conn));
  throw sdk::StoreError("postgresql: " + msg, unavailable);
}

void stream_single_rows(PgLink& link, const std::string& sql, const PgParams& params,
                        const sdk::RowCallback& on_row) {
  if (!PQsendQueryParams(link.conn, sql.c_str(), params.count(), params.types.data(),
                         params.values.data(), nullptr, nullptr, 0))
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
