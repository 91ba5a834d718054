#pragma once
// Business hours as the operator configures them (plugins/metrics/README.md, Business hours): the
// metrics plugin's `config: {business_hours: {default: SCHEDULE, tenants: {tenant_id: SCHEDULE}}}`.
// Plain data and its validation; no clock and no store (open_hours.h turns a schedule into
// instants).

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace zaplify::metrics {

/// One open interval of a local day, [start_min, end_min) in minutes after local midnight.
/// 0 <= start_min < end_min <= 1440 (an end of 24:00 is 1440).
struct DaySpan {
  int start_min = 0;
  int end_min = 0;
  bool operator==(const DaySpan&) const = default;
};

/// One SCHEDULE: a zone, the open intervals of each weekday, and closed local dates.
struct Schedule {
  std::string tz;
  /// Index 0 = Monday … 6 = Sunday; each list sorted, non-overlapping (adjacent ones allowed).
  std::array<std::vector<DaySpan>, 7> days;
  /// Closed local dates as days since 1970-01-01 (the proleptic Gregorian calendar), sorted.
  std::vector<std::int64_t> holidays;

  bool is_holiday(std::int64_t civil_day) const;
};

/// The whole `business_hours:` block.
struct BusinessHours {
  std::optional<Schedule> default_schedule;
  std::map<std::string, Schedule, std::less<>> tenants;

  /// The tenant's own schedule, else the default; nullptr when neither is configured.
  /// The pointer stays valid as long as this object.
  const Schedule* schedule_for(const std::string& tenant_id) const;
};

/// The metrics plugin's `config:` block, read once in start().
struct MetricsConfig {
  BusinessHours business_hours;
};

/// True when the zone name is one the host's calendar knows.
using ZoneCheck = std::function<bool(const std::string& tz)>;

/// Validates and reads the metrics plugin's config block. Throws std::invalid_argument whose
/// message names the offending key as a path, e.g.
/// "business_hours.tenants.acme.days.mon[1]: '18:00-09:00' ends before it starts".
/// Unknown keys are errors (a typo must not silently mean "no business hours").
MetricsConfig parse_metrics_config(const nlohmann::json& config, const ZoneCheck& known_zone);

/// Days since 1970-01-01 of a civil date (proleptic Gregorian; H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d);

/// Parses "YYYY-MM-DD" (a real date) into days since 1970-01-01; nullopt when malformed.
std::optional<std::int64_t> parse_civil_date(const std::string& text);

/// 0 = Monday … 6 = Sunday, of a day number from days_from_civil.
int weekday_index(std::int64_t civil_day);

}  // namespace zaplify::metrics
