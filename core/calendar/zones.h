#pragma once
// Thread-safe cache of loaded IANA zones. Internal to core/calendar.

#include <string>

namespace date {
class time_zone;
}

namespace zaplify::core::calendar {

/// The zone named `tz`, or nullptr when the tz database has no such zone. The pointer stays valid
/// for the life of the process.
const date::time_zone* find_zone(const std::string& tz);

}  // namespace zaplify::core::calendar
