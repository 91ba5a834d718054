#include "calendar/zones.h"

#include <date/tz.h>

#include <algorithm>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

namespace zaplify::core::calendar {
namespace {

bool plausible_name(const std::string& tz) {
  if (tz.empty() || tz.size() > 64) return false;
  return std::all_of(tz.begin(), tz.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
           c == '_' || c == '-' || c == '+';
  });
}

}  // namespace

const date::time_zone* find_zone(const std::string& tz) {
  static std::shared_mutex mutex;
  static std::unordered_map<std::string, const date::time_zone*> cache;
  {
    std::shared_lock lock(mutex);
    if (auto it = cache.find(tz); it != cache.end()) return it->second;
  }
  // Unknown names are not cached: a client could otherwise grow the map without bound.
  if (!plausible_name(tz)) return nullptr;
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(tz);
  } catch (const std::exception&) {
    return nullptr;
  }
  std::unique_lock lock(mutex);
  cache.emplace(tz, zone);
  return zone;
}

}  // namespace zaplify::core::calendar
