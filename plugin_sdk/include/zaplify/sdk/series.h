#pragma once
// The `series` of a windowed answer: the calendar buckets of W for the request's `interval`,
// built one way for every plugin. Buckets are aligned in W's time zone (Calendar::bucket_starts),
// every bucket of W is present (one without data is still listed, with zeros), in time order, and
// each item is named by its local start: {"bucket": "2026-11-20T00:00:00-03:00", ...}.
//
//   const sdk::SeriesBuckets buckets(host.calendar(), req.window);
//   std::vector<std::int64_t> messages(buckets.size());
//   ... for each row: if (auto i = buckets.index_of(ts)) ++messages[*i];
//   if (buckets.requested())
//     body["series"] = buckets.to_json([&](std::size_t i) { return json{{"messages", messages[i]}};
//     });
//
// /openapi.json documents `interval` on a windowed route only when its response schema declares
// a `series` field (or the route answers rows of data sources, which read the interval too).
// Header-only; one per request, not thread-safe.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "zaplify/sdk/calendar.h"

namespace zaplify::sdk {

class SeriesBuckets {
 public:
  /// The buckets of `w` (none when w.interval is Interval::None). Both must outlive this object.
  SeriesBuckets(const Calendar& calendar, const Window& w)
      : calendar_(calendar),
        window_(w),
        starts_(w.interval == Interval::None ? std::vector<std::int64_t>{}
                                             : calendar.bucket_starts(w)) {}

  /// Whether the request asked for a series (`interval` given).
  bool requested() const { return window_.interval != Interval::None; }
  std::size_t size() const { return starts_.size(); }
  /// Aligned starts, ascending; the first may lie before W (a bucket is named by its start).
  const std::vector<std::int64_t>& starts() const { return starts_; }
  /// Bucket i covers [start(i), start(i + 1)) ∩ W.
  std::int64_t from_ms(std::size_t i) const { return std::max(starts_[i], window_.from_ms); }
  std::int64_t to_ms(std::size_t i) const {
    return i + 1 < starts_.size() ? starts_[i + 1] : window_.to_ms;
  }
  /// The bucket holding `ts`; nullopt outside W or when no series was requested.
  std::optional<std::size_t> index_of(std::int64_t ts) const {
    if (starts_.empty() || ts < window_.from_ms || ts >= window_.to_ms) return std::nullopt;
    const auto it = std::upper_bound(starts_.begin(), starts_.end(), ts);
    if (it == starts_.begin()) return std::nullopt;
    return static_cast<std::size_t>(it - starts_.begin() - 1);
  }
  /// [{"bucket": local start, ...item(i)} for every bucket i]; `item(i)` returns a JSON object.
  template <typename Item>
  nlohmann::json to_json(Item&& item) const {
    nlohmann::json out = nlohmann::json::array();
    for (std::size_t i = 0; i < starts_.size(); ++i) {
      nlohmann::json row = {{"bucket", calendar_.format_local(starts_[i], window_.tz)}};
      row.update(item(i));
      out.push_back(std::move(row));
    }
    return out;
  }

 private:
  const Calendar& calendar_;
  const Window& window_;
  std::vector<std::int64_t> starts_;
};

}  // namespace zaplify::sdk
