#include "soak_plan.h"

#include <cmath>
#include <stdexcept>

#include "dataset.h"

namespace zaplify::bench {

PacingSchedule::PacingSchedule(double rate_per_s, double duration_s) {
  if (rate_per_s <= 0 || duration_s <= 0)
    throw std::invalid_argument("rate and duration must be > 0");
  interval_us_ = 1e6 / rate_per_s;
  total_ = static_cast<std::uint64_t>(std::ceil(duration_s * rate_per_s - 1e-9));
}

std::int64_t PacingSchedule::due_us(std::uint64_t i) const {
  // Computed from i, not accumulated, so rounding never drifts the schedule over a long run.
  return static_cast<std::int64_t>(std::llround(static_cast<double>(i) * interval_us_));
}

std::vector<SoakRequestKind> default_soak_mix(int ingest_percent) {
  if (ingest_percent <= 0 || ingest_percent >= 100)
    throw std::invalid_argument("ingest percent must be within 1..99");
  using T = SoakTenant;
  using W = SoakWindow;
  // Read weights sum to 100; the batch's weight is scaled to make it ingest_percent of the total.
  std::vector<SoakRequestKind> mix{
      {"kpi/growing", "GET", "/metrics/kpi?from={from}&to={to}", T::Growing, W::Rolling, 8},
      {"performance/growing", "GET", "/metrics/performance?from={from}&to={to}", T::Growing,
       W::Rolling, 6},
      {"funnel/growing", "GET", "/analytics/funnel/{funnel_id}?from={from}&to={to}", T::Growing,
       W::Rolling, 6},
      {"sentiment/growing", "GET", "/analytics/conversations/sentiment?from={from}&to={to}",
       T::Growing, W::Rolling, 6},
      {"topics/growing", "GET", "/analytics/conversations/topics?from={from}&to={to}", T::Growing,
       W::Rolling, 6},
      {"realtime/growing", "GET", "/analytics/real-time/activity", T::Growing, W::None, 3},
      {"export/growing", "GET",
       "/analytics/export/metrics?dataset=kpi_daily&format=csv&from={from}&to={to}", T::Growing,
       W::DayRotating, 4},
      {"kpi/static-cached", "GET", "/metrics/kpi?interval=day&from={from}&to={to}", T::Static,
       W::DayRotating, 8},
      {"performance/static-cached", "GET", "/metrics/performance?from={from}&to={to}", T::Static,
       W::DayRotating, 4},
      {"funnel/static-cached", "GET", "/analytics/funnel/{funnel_id}?from={from}&to={to}",
       T::Static, W::DayRotating, 6},
      {"sentiment/static-cached", "GET", "/analytics/conversations/sentiment?from={from}&to={to}",
       T::Static, W::DayRotating, 4},
      {"topics/static-cached", "GET", "/analytics/conversations/topics?from={from}&to={to}",
       T::Static, W::DayRotating, 4},
      {"realtime/static", "GET", "/analytics/real-time/activity", T::Static, W::None, 4},
      {"kpi/static-uncached", "GET", "/metrics/kpi?from={from}&to={to}", T::Static, W::FreshInstant,
       4},
      {"funnel/static-uncached", "GET", "/analytics/funnel/{funnel_id}?from={from}&to={to}",
       T::Static, W::FreshInstant, 4},
      {"sentiment/static-uncached", "GET", "/analytics/conversations/sentiment?from={from}&to={to}",
       T::Static, W::FreshInstant, 4},
      {"topics/static-uncached", "GET", "/analytics/conversations/topics?from={from}&to={to}",
       T::Static, W::FreshInstant, 4},
      {"export/static", "GET",
       "/analytics/export/metrics?dataset=conversations&format=csv&from={from}&to={to}", T::Static,
       W::FreshInstant, 4},
  };
  int reads = 0;
  for (const auto& k : mix) reads += k.weight;
  SoakRequestKind batch{
      "ingest/growing", "POST", "/analytics/process/batch", T::Growing, W::None, 1, true};
  batch.weight =
      std::max(1, static_cast<int>(std::lround(reads * ingest_percent / (100.0 - ingest_percent))));
  mix.insert(mix.begin(), batch);
  return mix;
}

MixPicker::MixPicker(std::vector<int> weights) : weights_(std::move(weights)) {
  if (weights_.empty()) throw std::invalid_argument("empty mix");
  for (int w : weights_) {
    if (w < 1) throw std::invalid_argument("mix weights must be >= 1");
    total_ += w;
  }
  current_.assign(weights_.size(), 0);
}

std::size_t MixPicker::next() {
  std::size_t best = 0;
  for (std::size_t i = 0; i < weights_.size(); ++i) {
    current_[i] += weights_[i];
    if (current_[i] > current_[best]) best = i;
  }
  current_[best] -= total_;
  return best;
}

std::pair<std::string, std::string> soak_window(SoakWindow window, std::int64_t now_ms,
                                                std::uint64_t sequence, int rolling_seconds) {
  auto date = [](std::int64_t ms) { return format_rfc3339_ms(ms).substr(0, 10); };
  auto instant = [](std::int64_t ms) {
    return format_rfc3339_ms(ms / 1000 * 1000).substr(0, 19) + "Z";
  };
  std::int64_t tomorrow = (now_ms / kDayMs + 1) * kDayMs;
  switch (window) {
    case SoakWindow::Rolling:
      return {instant(now_ms - rolling_seconds * 1000LL), instant(now_ms + 1000)};
    case SoakWindow::DayRotating:
      return {date(tomorrow - static_cast<std::int64_t>(1 + sequence % 14) * kDayMs),
              date(tomorrow)};
    case SoakWindow::FreshInstant:
      return {format_rfc3339_ms(now_ms - 7 * kDayMs), format_rfc3339_ms(now_ms)};
    case SoakWindow::None:
      break;
  }
  return {};
}

}  // namespace zaplify::bench
