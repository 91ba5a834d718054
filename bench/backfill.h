#pragma once
// The backfill-shaped data set: the same generator events as the time-ordered one, but what an
// import or a replay sends — every event of the whole window in a seeded random order (leads
// interleaved over all the days, not lead by lead) and ids in no key order (a hashed prefix).
// Data order alone moves insert rates ~2× for every system (../shared/BENCHMARKS.md), so both
// shapes are measured. Pure and deterministic for a seed.

#include <cstdint>
#include <string>
#include <vector>

#include "dataset.h"

namespace zaplify::bench {

enum class DataShape { TimeOrdered, Backfill };

/// "time-ordered" | "backfill".
std::string data_shape_name(DataShape shape);
/// The inverse; throws std::invalid_argument on anything else.
DataShape data_shape_from(const std::string& name);

/// A permutation of 0..n-1 from a seeded Fisher–Yates shuffle. Portable: it uses the raw output
/// of std::mt19937_64 (std::shuffle and the std distributions differ between standard libraries).
std::vector<std::size_t> backfill_permutation(std::size_t n, std::uint64_t seed);

/// The id an event has in the backfill set: 8 hex digits hashed from (seed, id), '-', the
/// original id. Unique when the originals are; sorted by key it follows no generation order.
std::string backfill_id(const std::string& id, std::uint64_t seed);

/// Drains `source` (all events are held, serialised, ~300 bytes each), gives every event its
/// backfill_id, permutes them with backfill_permutation and cuts `batch_size`-event bodies.
Dataset build_backfill_dataset(const EventSource& source, std::size_t batch_size,
                               std::uint64_t seed);

}  // namespace zaplify::bench
