#include "cohort_model.h"

#include <algorithm>

namespace zaplify::cohorts {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;

}  // namespace

std::optional<CohortInterval> parse_cohort_interval(const std::string& text) {
  if (text == "day") return CohortInterval::Day;
  if (text == "week") return CohortInterval::Week;
  if (text == "month") return CohortInterval::Month;
  return std::nullopt;
}

const char* interval_name(CohortInterval interval) {
  switch (interval) {
    case CohortInterval::Day:
      return "day";
    case CohortInterval::Week:
      return "week";
    case CohortInterval::Month:
      return "month";
  }
  return "week";
}

std::vector<std::int64_t> cohort_starts(const sdk::Calendar& calendar, const sdk::Window& w,
                                        CohortInterval interval) {
  sdk::Window b = w;
  if (interval != CohortInterval::Month) {
    b.interval = interval == CohortInterval::Day ? sdk::Interval::Day : sdk::Interval::Week;
    return calendar.bucket_starts(b);
  }
  // The SDK's calendar has no month buckets: take the local midnights from a month before `from`
  // and keep the 1st of each month, so DST and month lengths come from the host's tz database.
  b.from_ms = w.from_ms - 31 * kDayMs;
  b.interval = sdk::Interval::Day;
  std::vector<std::int64_t> out;
  for (std::int64_t day : calendar.day_starts(b)) {
    if (calendar.local_date(day, w.tz).substr(8) != "01") continue;
    if (day <= w.from_ms && !out.empty()) out.clear();  // a later month still holds `from`
    out.push_back(day);
  }
  return out;
}

CohortTable::CohortTable(std::vector<std::int64_t> starts, std::int64_t to_ms)
    : starts_(std::move(starts)),
      to_ms_(to_ms),
      leads_(starts_.size(), 0),
      first_period_(starts_.size()) {
  for (std::size_t c = 0; c < starts_.size(); ++c) first_period_[c].assign(starts_.size() - c, 0);
}

void CohortTable::add_lead(std::int64_t created_ms, std::optional<std::int64_t> first_final_ms) {
  auto it = std::upper_bound(starts_.begin(), starts_.end(), created_ms);
  if (it == starts_.begin() || created_ms >= to_ms_) return;  // not in W
  const auto c = static_cast<std::size_t>(it - starts_.begin() - 1);
  ++leads_[c];
  if (!first_final_ms || *first_final_ms >= to_ms_) return;
  // Period p ends at the start of bucket c + p + 1 (at `to` for the last), so the conversion counts
  // from the period of the bucket holding it; one before the lead's bucket (a stage event may
  // predate lead_created) counts from period 0.
  auto f = std::upper_bound(starts_.begin(), starts_.end(), *first_final_ms);
  const std::size_t holder =
      f == starts_.begin() ? 0 : static_cast<std::size_t>(f - starts_.begin() - 1);
  ++first_period_[c][holder > c ? holder - c : 0];
}

std::vector<Cohort> CohortTable::cohorts() const {
  std::vector<Cohort> out;
  for (std::size_t c = 0; c < starts_.size(); ++c) {
    Cohort k;
    k.start_ms = starts_[c];
    k.leads = leads_[c];
    if (k.leads > 0) {
      std::int64_t running = 0;
      for (std::int64_t n : first_period_[c]) {
        running += n;  // converted[p] is cumulative: before the end of period p
        k.converted.push_back(running);
        k.rates.push_back(static_cast<double>(running) / static_cast<double>(k.leads));
      }
    }
    out.push_back(std::move(k));
  }
  return out;
}

}  // namespace zaplify::cohorts
