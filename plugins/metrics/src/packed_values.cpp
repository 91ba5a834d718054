#include "packed_values.h"

#include <algorithm>
#include <charconv>

namespace zaplify::metrics {

void pack_value(std::string& out, double v, bool removal) {
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  if (removal) out += '~';
  out.append(buf, res.ptr);
  out += ',';
}

void unpack_values(std::string_view cell, std::vector<double>& out) {
  const std::size_t first = out.size();
  std::vector<double> removed;
  const char* p = cell.data();
  const char* end = p + cell.size();
  while (p < end) {
    const bool removal = *p == '~';
    if (removal) ++p;
    double v = 0;
    auto res = std::from_chars(p, end, v);
    if (res.ec == std::errc()) (removal ? removed : out).push_back(v);
    p = std::find(res.ptr, end, ',');
    if (p < end) ++p;
  }
  if (removed.empty()) return;
  // Rare (re-attribution): cancel each removal against one equal value of this cell.
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
  std::sort(removed.begin(), removed.end());
  std::vector<double> kept;
  std::set_difference(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(), removed.begin(),
                      removed.end(), std::back_inserter(kept));
  out.resize(first);
  out.insert(out.end(), kept.begin(), kept.end());
}

}  // namespace zaplify::metrics
