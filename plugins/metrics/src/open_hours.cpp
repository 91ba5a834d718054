#include "open_hours.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>
#include <string>

namespace zaplify::metrics {
namespace {

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kDayMs = 24 * 60 * kMinuteMs;

// A stretch of one local day with one UTC offset: [from, to) at `offset_ms`.
struct Segment {
  std::int64_t from, to, offset_ms;
};

// A local day [start, end) split where its offset changes. Days with a change hold one (DST):
// the first instant with the new offset is found by bisection on the calendar's offsets.
std::vector<Segment> segments_of(const sdk::Calendar& cal, const std::string& tz,
                                 std::int64_t start, std::int64_t end) {
  const std::int64_t first = utc_offset_ms(cal, tz, start);
  const std::int64_t last = utc_offset_ms(cal, tz, end - 1);
  if (first == last) return {{start, end, first}};
  std::int64_t lo = start, hi = end - 1;  // offset(lo) == first, offset(hi) != first
  while (hi - lo > 1) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    (utc_offset_ms(cal, tz, mid) == first ? lo : hi) = mid;
  }
  return {{start, hi, first}, {hi, end, last}};
}

}  // namespace

std::int64_t utc_offset_ms(const sdk::Calendar& calendar, const std::string& tz, std::int64_t t) {
  const std::string s = calendar.format_local(t, tz);
  if (!s.empty() && s.back() == 'Z') return 0;
  if (s.size() < 6 || (s[s.size() - 6] != '+' && s[s.size() - 6] != '-') || s[s.size() - 3] != ':')
    throw std::runtime_error("unexpected local time format: " + s);
  const auto digit = [&](std::size_t i) {
    return static_cast<std::int64_t>(s[s.size() - i] - '0');
  };
  const std::int64_t minutes = (digit(5) * 10 + digit(4)) * 60 + digit(2) * 10 + digit(1);
  return (s[s.size() - 6] == '-' ? -minutes : minutes) * kMinuteMs;
}

OpenHours::OpenHours(const Schedule& schedule, const sdk::Calendar& calendar, std::int64_t from_ms,
                     std::int64_t to_ms) {
  if (from_ms < to_ms) {
    // Two days past `to`, so the day holding `to - 1` has its end in the list.
    const sdk::Window w{from_ms, to_ms + 2 * kDayMs, schedule.tz, sdk::Interval::Day};
    const std::vector<std::int64_t> days = calendar.day_starts(w);
    for (std::size_t i = 0; i + 1 < days.size() && days[i] < to_ms; ++i) {
      const auto civil = parse_civil_date(calendar.local_date(days[i], schedule.tz));
      if (!civil || schedule.is_holiday(*civil)) continue;
      const auto& spans = schedule.days[static_cast<std::size_t>(weekday_index(*civil))];
      if (spans.empty()) continue;
      const std::int64_t wall_midnight = *civil * kDayMs;  // local midnight as if it were UTC
      for (const Segment& seg : segments_of(calendar, schedule.tz, days[i], days[i + 1]))
        for (const DaySpan& span : spans) {
          const std::int64_t a = std::max(
              {wall_midnight + span.start_min * kMinuteMs - seg.offset_ms, seg.from, from_ms});
          const std::int64_t b =
              std::min({wall_midnight + span.end_min * kMinuteMs - seg.offset_ms, seg.to, to_ms});
          if (a < b) spans_.emplace_back(a, b);
        }
    }
  }
  index();
}

OpenHours::OpenHours(std::vector<std::pair<std::int64_t, std::int64_t>> intervals)
    : spans_(std::move(intervals)) {
  index();
}

void OpenHours::index() {
  std::sort(spans_.begin(), spans_.end());
  std::vector<std::pair<std::int64_t, std::int64_t>> merged;
  for (const auto& s : spans_) {
    if (!merged.empty() && s.first <= merged.back().second)
      merged.back().second = std::max(merged.back().second, s.second);
    else
      merged.push_back(s);
  }
  spans_ = std::move(merged);
  cumulative_.assign(spans_.size(), 0);
  for (std::size_t i = 1; i < spans_.size(); ++i)
    cumulative_[i] = cumulative_[i - 1] + (spans_[i - 1].second - spans_[i - 1].first);
}

std::int64_t OpenHours::open_before(std::int64_t t) const {
  auto it = std::upper_bound(spans_.begin(), spans_.end(), t,
                             [](std::int64_t x, const auto& s) { return x < s.first; });
  if (it == spans_.begin()) return 0;
  const auto i = static_cast<std::size_t>(it - spans_.begin()) - 1;
  return cumulative_[i] + std::min(t, spans_[i].second) - spans_[i].first;
}

std::int64_t OpenHours::business_ms(std::int64_t a, std::int64_t b) const {
  return open_before(b) - open_before(a);
}

bool OpenHours::is_open(std::int64_t t) const {
  auto it = std::upper_bound(spans_.begin(), spans_.end(), t,
                             [](std::int64_t x, const auto& s) { return x < s.first; });
  return it != spans_.begin() && t < std::prev(it)->second;
}

}  // namespace zaplify::metrics
