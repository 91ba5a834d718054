#pragma once
// A naive reference of the cohorts of docs/api.md (cohorts plugin) written from the definition with
// date/tz directly: each lead's bucket from its local date, each period end as b_c + (p + 1) local
// days, weeks or calendar months. Shared by the unit test and the HTTP test.

#include <date/tz.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace zaplify::cohorts::testing {

struct NaiveLead {
  std::vector<std::int64_t> created;        ///< Every lead_created of the lead.
  std::optional<std::int64_t> first_final;  ///< Its first event into the final stage, any time.
};

struct NaiveCohort {
  std::int64_t start = 0;
  std::int64_t leads = 0;
  std::vector<std::int64_t> converted;
};

/// `interval`: "day" | "week" | "month".
inline std::vector<NaiveCohort> naive_cohorts(const std::map<std::string, NaiveLead>& leads,
                                              std::int64_t from, std::int64_t to,
                                              const std::string& tz, const std::string& interval) {
  using namespace std::chrono;
  const auto* zone = date::locate_zone(tz);
  auto local_day = [&](std::int64_t ms) {
    return date::floor<date::days>(zone->to_local(sys_time<milliseconds>(milliseconds(ms))));
  };
  auto instant = [&](date::local_days d) {
    return zone->to_sys(date::local_time<milliseconds>(d), date::choose::earliest)
        .time_since_epoch()
        .count();
  };
  // The bucket holding a local day, and the local day n periods after a bucket's first day.
  auto bucket_day = [&](date::local_days d) -> date::local_days {
    if (interval == "day") return d;
    if (interval == "week") return d - (date::weekday(d) - date::Monday);
    const date::year_month_day ymd(d);
    return date::local_days(ymd.year() / ymd.month() / 1);
  };
  auto plus = [&](date::local_days d, int n) -> date::local_days {
    if (interval == "day") return d + date::days(n);
    if (interval == "week") return d + date::weeks(n);
    const date::year_month_day ymd(d);
    return date::local_days(date::year_month_day(ymd.year() / ymd.month() / 1) + date::months(n));
  };
  std::vector<NaiveCohort> out;
  const date::local_days first = bucket_day(local_day(from));
  for (int c = 0; instant(plus(first, c)) < to; ++c) {
    NaiveCohort k;
    k.start = instant(plus(first, c));
    std::vector<const NaiveLead*> members;
    for (const auto& [id, lead] : leads) {
      const std::int64_t earliest = *std::min_element(lead.created.begin(), lead.created.end());
      if (earliest >= from && earliest < to && instant(bucket_day(local_day(earliest))) == k.start)
        members.push_back(&lead);
    }
    k.leads = static_cast<std::int64_t>(members.size());
    for (int p = 0; k.leads > 0 && instant(plus(plus(first, c), p)) < to; ++p) {
      const std::int64_t end = std::min(instant(plus(plus(first, c), p + 1)), to);
      std::int64_t n = 0;
      for (const auto* l : members) n += l->first_final && *l->first_final < end;
      k.converted.push_back(n);
    }
    out.push_back(std::move(k));
  }
  return out;
}

}  // namespace zaplify::cohorts::testing
