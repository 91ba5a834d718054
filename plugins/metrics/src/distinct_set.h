#pragma once
// A set of ids for counting distinct leads from streamed rows: SQLite's COUNT(DISTINCT ...) builds
// a temporary B-tree per aggregate, several times slower than hashing here. Lookups take the
// row's string_view without allocating (heterogeneous lookup).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace zaplify::metrics {

struct IdHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

class DistinctIds {
 public:
  /// True when `id` was not in the set yet.
  bool insert(std::string_view id) {
    if (ids_.find(id) != ids_.end()) return false;
    ids_.emplace(id);
    return true;
  }
  std::int64_t size() const { return static_cast<std::int64_t>(ids_.size()); }

 private:
  std::unordered_set<std::string, IdHash, std::equal_to<>> ids_;
};

}  // namespace zaplify::metrics
