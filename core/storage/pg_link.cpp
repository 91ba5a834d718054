// PgRow, PgParams and PgLink: see pg_support.h.

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
    case kBool: case kInt2: case kInt4: case kInt8: case kOid: return sdk::Value(int64(i));
    case kFloat4: case kFloat8: case kNumeric: return sdk::Value(number(i));
    default: return sdk::Value(std::string(text(i)));
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
      if (s == "inf") s = "Infinity";
      else if (s == "-inf") s = "-Infinity";
      else if (s == "nan" || s == "-nan") s = "NaN";
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

void PgLink::settle() {
  if (PQpipelineStatus(conn) == PQ_PIPELINE_OFF) return;
  while (pending_syncs > 0) read_until_sync();
  if (!PQexitPipelineMode(conn)) fail_conn();
}

std::vector<ResultPtr> PgLink::read_until_sync() {
  std::vector<ResultPtr> out;
  bool after_null = false;
  for (;;) {
    PGresult* r = PQgetResult(conn);
    if (r == nullptr) {
      if (PQstatus(conn) != CONNECTION_OK) fail_conn();
      if (after_null) {  // nothing queued although a sync is owed: the stream is out of step
        broken = true;
        throw sdk::StoreError("postgresql: lost track of pipelined results", true);
      }
      after_null = true;
      continue;
    }
    after_null = false;
    if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
      PQclear(r);
      --pending_syncs;
      return out;
    }
    out.push_back(take(r));
  }
}

void PgLink::send(const char* sql) {
  if (!PQsendQueryParams(conn, sql, 0, nullptr, nullptr, nullptr, nullptr, 0)) fail_conn();
}

void PgLink::sync() {
  if (!PQpipelineSync(conn)) fail_conn();
  ++pending_syncs;
}

void PgLink::queue(const char* sql) {
  send(sql);
  sync();
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

}  // namespace zaplify::core::storage::pg
