#pragma once
// sdk::Calendar on the IANA tz database (Howard Hinnant's date/tz, system zoneinfo), and the
// parsing of the common window parameters (docs/api.md, Query parameters).

#include <map>
#include <string>

#include "zaplify/sdk/calendar.h"

namespace zaplify::core {

class SystemCalendar : public sdk::Calendar {
 public:
  std::int64_t now_ms() const override;
  std::vector<std::int64_t> bucket_starts(const sdk::Window& w) const override;
  std::vector<std::int64_t> day_starts(const sdk::Window& w) const override;
  std::string format_utc(std::int64_t ms) const override;
  std::string format_local(std::int64_t ms, const std::string& tz) const override;
  std::string local_date(std::int64_t ms, const std::string& tz) const override;
};

/// Parses from/to/tz/interval from a query (docs/api.md, Query parameters): RFC 3339 or YYYY-MM-DD
/// (midnight in tz); defaults to = now, from = to − 7 days; from ≥ to, a window longer than
/// `retention_days`, an unknown tz or interval → sdk::HttpError 400 naming the field.
sdk::Window parse_window(const std::map<std::string, std::string>& query, std::int64_t now_ms,
                         int retention_days);

/// True when `tz` names a zone of the tz database.
bool is_known_time_zone(const std::string& tz);

}  // namespace zaplify::core
