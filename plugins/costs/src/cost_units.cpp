#include "cost_units.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <utility>

namespace zaplify::costs {
namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}
std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return -floor_div(-a, b); }

std::string upsert_sql(std::size_t rows) {
  std::string sql = "INSERT INTO cost_units (tenant_id, unit, conversation_id, tokens) VALUES ";
  for (std::size_t r = 0; r < rows; ++r) sql += r ? ", (?, ?, ?, ?)" : "(?, ?, ?, ?)";
  return sql +
         " ON CONFLICT (tenant_id, unit, conversation_id) DO UPDATE SET"
         " tokens = cost_units.tokens + excluded.tokens";
}

}  // namespace

std::vector<sdk::Migration> cost_units_migrations() {
  sdk::Migration m;
  m.version = 1;
  m.description = "costs: assistant-message tokens per 15-minute unit and conversation";
  const std::string columns =
      "tenant_id TEXT NOT NULL, unit BIGINT NOT NULL, conversation_id TEXT NOT NULL,"
      " tokens BIGINT NOT NULL, PRIMARY KEY (tenant_id, unit, conversation_id)";
  // SQLite: clustered by (tenant, unit), so W's whole units are one range read.
  m.sql = "CREATE TABLE IF NOT EXISTS cost_units (" + columns + ") WITHOUT ROWID";
  m.postgres_sql = "CREATE TABLE IF NOT EXISTS cost_units (" + columns + ")";
  return {m};
}

sdk::ProjectionSpec cost_units_projection() {
  sdk::ProjectionSpec p;
  p.name = "cost_units";
  p.tables = {{"cost_units", "unit", kUnitMs}};
  p.apply = fold_cost_units;
  return p;
}

void fold_cost_units(const sdk::IngestBatch& batch, sdk::SqlWriter& writer) {
  if (batch.events == nullptr) return;
  std::map<std::pair<std::int64_t, std::string_view>, std::int64_t> sums;  // (unit, conversation)
  for (const auto& e : *batch.events) {
    if (e.type != "message" || e.conversation_id.empty()) continue;
    const std::int64_t tokens = e.sender == "assistant" ? e.tokens.value_or(0) : 0;
    sums[{floor_div(e.ts_ms, kUnitMs), e.conversation_id}] += tokens;
  }
  if (sums.empty()) return;
  const std::string& tenant =
      batch.tenant_id.empty() ? batch.events->front().tenant_id : batch.tenant_id;
  // SQLite: one cached single-row statement per row. PostgreSQL: 500-row statements (round trips),
  // in key order, so concurrent batches of one tenant take row locks in the same order.
  const std::size_t per = writer.dialect() == sdk::Dialect::SQLite ? 1 : 500;
  static const std::string one = upsert_sql(1);
  std::vector<sdk::Value> params;
  auto it = sums.begin();
  while (it != sums.end()) {
    params.clear();
    std::size_t n = 0;
    for (; it != sums.end() && n < per; ++it, ++n)
      params.insert(params.end(),
                    {tenant, it->first.first, std::string(it->first.second), it->second});
    writer.execute(per == 1 ? one : upsert_sql(n), params);
  }
}

UnitSplit split_window(std::int64_t from_ms, std::int64_t to_ms) {
  UnitSplit s;
  s.first_unit = ceil_div(from_ms, kUnitMs);
  s.end_unit = floor_div(to_ms, kUnitMs);
  if (s.first_unit >= s.end_unit) {  // no whole unit: W is all edge
    s.first_unit = s.end_unit = 0;
    s.units_from = s.units_to = to_ms;
    return s;
  }
  s.units_from = s.first_unit * kUnitMs;
  s.units_to = s.end_unit * kUnitMs;
  return s;
}

}  // namespace zaplify::costs
