#pragma once
// Multi-row statements for the ingest hook. On SQLite rows go out in chunks whose sizes are powers
// of two (at most kMaxChunkRows), so one statement has at most 9 distinct texts and the host's
// prepared-statement cache is not flooded; on PostgreSQL (no statement cache, one round trip per
// statement) all rows go in one statement.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "zaplify/sdk/store.h"

namespace zaplify::metrics {

using SqlRow = std::vector<sdk::Value>;

inline constexpr std::size_t kMaxChunkRows = 256;

/// Executes `head + " VALUES (?, ...), (?, ...) " + tail` over `rows` (each of `width` values).
/// REQUIRES: no two rows conflict on the same key when `tail` is an ON CONFLICT DO UPDATE
/// (PostgreSQL refuses to update a row twice in one statement): reduce them first.
void execute_values(sdk::SqlWriter& writer, const std::string& head, std::size_t width,
                    const std::string& tail, const std::vector<SqlRow>& rows);

/// "?, ?, ..., ?" with n marks.
std::string marks(std::size_t n);

/// Calls `run(in_marks, chunk)` per chunk of `ids`: `in_marks` is "?, ?, ..." for the chunk, whose
/// size is a power of two; a short chunk is padded by repeating its last id (harmless in an IN
/// list), so few statement texts are ever built.
void for_id_chunks(const std::vector<std::string>& ids,
                   const std::function<void(const std::string& in_marks,
                                            const std::vector<sdk::Value>& chunk)>& run);

}  // namespace zaplify::metrics
