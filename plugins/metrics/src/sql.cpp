#include "sql.h"

namespace zaplify::metrics {

std::vector<std::int64_t> query_ints(const sdk::Store& store, std::string_view sql,
                                     const Params& params) {
  std::vector<std::int64_t> out;
  store.query(sql, params, [&](const sdk::Row& row) {
    out.clear();
    for (std::size_t i = 0; i < row.size(); ++i) out.push_back(row.is_null(i) ? 0 : row.int64(i));
  });
  return out;
}

}  // namespace zaplify::metrics
