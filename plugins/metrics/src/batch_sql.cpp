#include "batch_sql.h"

#include <algorithm>

namespace zaplify::metrics {
namespace {

// Largest power of two <= n (n >= 1), capped at kMaxChunkRows.
std::size_t chunk_size(std::size_t n) {
  std::size_t c = 1;
  while (c * 2 <= n && c * 2 <= kMaxChunkRows) c *= 2;
  return c;
}

std::size_t padded_size(std::size_t n) {
  std::size_t c = 1;
  while (c < n && c < kMaxChunkRows) c *= 2;
  return c;
}

}  // namespace

std::string marks(std::size_t n) {
  std::string out;
  out.reserve(n * 3);
  for (std::size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out;
}

void execute_values(sdk::SqlWriter& writer, const std::string& head, std::size_t width,
                    const std::string& tail, const std::vector<SqlRow>& rows) {
  std::string tuple = "(";  // built by appends: g++ 12 misreports `"(" + s` (-Wrestrict)
  tuple.append(marks(width)).append(")");
  std::size_t done = 0;
  std::vector<sdk::Value> params;
  // PostgreSQL: the host does not prepare statements there, so each chunk would be one more round
  // trip and parse; send everything at once (within libpq's 65,535 parameters).
  const bool one_statement = writer.dialect() == sdk::Dialect::PostgreSQL;
  const std::size_t pg_cap = std::max<std::size_t>(1, 30000 / std::max<std::size_t>(1, width));
  while (done < rows.size()) {
    const std::size_t n =
        one_statement ? std::min(rows.size() - done, pg_cap) : chunk_size(rows.size() - done);
    std::string sql = head;
    sql.append(" VALUES ");
    params.clear();
    params.reserve(n * width);
    for (std::size_t i = 0; i < n; ++i) {
      if (i) sql += ", ";
      sql += tuple;
      const SqlRow& r = rows[done + i];
      params.insert(params.end(), r.begin(), r.end());
    }
    sql.append(" ").append(tail);
    writer.execute(sql, params);
    done += n;
  }
}

void for_id_chunks(
    const std::vector<std::string>& ids,
    const std::function<void(const std::string&, const std::vector<sdk::Value>&)>& run) {
  std::vector<sdk::Value> chunk;
  for (std::size_t done = 0; done < ids.size();) {
    const std::size_t take = std::min(kMaxChunkRows, ids.size() - done);
    const std::size_t size = padded_size(take);
    chunk.clear();
    for (std::size_t i = 0; i < size; ++i) chunk.emplace_back(ids[done + std::min(i, take - 1)]);
    run(marks(size), chunk);
    done += take;
  }
}

}  // namespace zaplify::metrics
