// Cohort buckets and counts with the host's own calendar (core::SystemCalendar, the IANA tz
// database): randomised against the naive reference, and hand-worked DST and boundary cases.

#include "cohort_model.h"

#include <gtest/gtest.h>

#include <random>

#include "calendar/calendar.h"
#include "naive_cohorts.h"

namespace zaplify::cohorts {
namespace {

constexpr std::int64_t kHour = 3'600'000, kDay = 24 * kHour;

std::vector<Cohort> compute(const std::map<std::string, testing::NaiveLead>& leads,
                            const sdk::Window& w, CohortInterval interval) {
  core::SystemCalendar calendar;
  CohortTable table(cohort_starts(calendar, w, interval), w.to_ms);
  for (const auto& [id, l] : leads) {  // as the query gives them: the earliest creation per lead
    const std::int64_t earliest = *std::min_element(l.created.begin(), l.created.end());
    if (earliest >= w.from_ms && earliest < w.to_ms) table.add_lead(earliest, l.first_final);
  }
  return table.cohorts();
}

TEST(CohortModel, RandomLeadsMatchTheNaiveReference) {
  const std::int64_t base = 1'772'319'600'000;  // 2026-02-28T23:00Z: spring DST in W for Berlin
  for (const std::string tz :
       {"UTC", "Europe/Berlin", "America/Sao_Paulo", "Australia/Lord_Howe"}) {
    for (const CohortInterval interval :
         {CohortInterval::Day, CohortInterval::Week, CohortInterval::Month}) {
      std::mt19937 rng(static_cast<unsigned>(tz.size() * 7 + static_cast<std::size_t>(interval)));
      auto pick = [&](std::int64_t n) {
        return static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(n));
      };
      const bool month = interval == CohortInterval::Month;
      const std::int64_t from = base + pick(20 * kDay),
                         to = from + (month ? 80 : 20) * kDay + pick(kDay);
      std::map<std::string, testing::NaiveLead> leads;
      for (int i = 0; i < 300; ++i) {
        auto& l = leads["L" + std::to_string(pick(200))];
        l.created.push_back(from - 5 * kDay + pick(to - from + 10 * kDay));
        if (pick(3) == 0) l.first_final = l.created.back() + pick(30 * kDay) - 2 * kDay;
      }
      SCOPED_TRACE(tz + " " + interval_name(interval));
      const auto want = testing::naive_cohorts(leads, from, to, tz, interval_name(interval));
      const auto got = compute(leads, sdk::Window{from, to, tz, sdk::Interval::None}, interval);
      ASSERT_EQ(got.size(), want.size());
      std::int64_t converted = 0;
      for (std::size_t c = 0; c < got.size(); ++c) {
        EXPECT_EQ(got[c].start_ms, want[c].start) << c;
        EXPECT_EQ(got[c].leads, want[c].leads) << c;
        EXPECT_EQ(got[c].converted, want[c].converted) << c;
        ASSERT_EQ(got[c].rates.size(), got[c].converted.size());
        for (std::size_t p = 0; p < got[c].rates.size(); ++p)
          EXPECT_DOUBLE_EQ(*got[c].rates[p],
                           static_cast<double>(got[c].converted[p]) / got[c].leads);
        if (!want[c].converted.empty()) converted += want[c].converted.back();
      }
      EXPECT_GT(converted, 0);  // the draws do convert leads
    }
  }
}

TEST(CohortModel, MonthCohortAcrossTheSpringDstChange) {
  // Europe/Berlin, W = [2026-03-15, 2026-05-01) local; CET → CEST on 2026-03-29.
  const std::int64_t mar1 = 1'772'319'600'000;   // 2026-03-01T00:00+01:00 = 02-28T23:00Z
  const std::int64_t mar15 = 1'773'529'200'000;  // 2026-03-15T00:00+01:00
  const std::int64_t apr1 = 1'774'994'400'000;   // 2026-04-01T00:00+02:00 = 03-31T22:00Z
  const std::int64_t may1 = 1'777'586'400'000;   // 2026-05-01T00:00+02:00
  core::SystemCalendar cal;
  const sdk::Window w{mar15, may1, "Europe/Berlin", sdk::Interval::None};
  ASSERT_EQ(cohort_starts(cal, w, CohortInterval::Month), (std::vector<std::int64_t>{mar1, apr1}));
  CohortTable t(cohort_starts(cal, w, CohortInterval::Month), may1);
  t.add_lead(apr1 - 36 * kHour, apr1 - 1);          // Mar 30: converts in the last ms of March
  t.add_lead(mar15 + 5 * kDay, apr1);               // converts at Apr 1 00:00 CEST: period 1
  t.add_lead(mar15 + kDay, may1 + 19 * kDay);       // converts after `to`: never
  t.add_lead(apr1 + 30 * 60'000, apr1 + 9 * kDay);  // 03-31T22:30Z is Apr 1 00:30 local: April
  const auto c = t.cohorts();
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(cal.format_local(c[0].start_ms, "Europe/Berlin"), "2026-03-01T00:00:00+01:00");
  EXPECT_EQ(c[0].leads, 3);
  EXPECT_EQ(c[0].converted, (std::vector<std::int64_t>{1, 2}));  // March, then up to May 1
  EXPECT_DOUBLE_EQ(*c[0].rates[1], 2.0 / 3.0);
  EXPECT_EQ(cal.format_local(c[1].start_ms, "Europe/Berlin"), "2026-04-01T00:00:00+02:00");
  EXPECT_EQ(c[1].leads, 1);
  EXPECT_EQ(c[1].converted, (std::vector<std::int64_t>{1}));
}

TEST(CohortModel, EmptyCohortsAreListedWithEmptyLists) {
  core::SystemCalendar cal;
  const std::int64_t mon = 1'793'577'600'000;  // 2026-11-02T00:00Z, a Monday
  const sdk::Window w{mon + kDay, mon + 15 * kDay, "UTC", sdk::Interval::None};
  CohortTable t(cohort_starts(cal, w, CohortInterval::Week), w.to_ms);
  t.add_lead(mon + 8 * kDay, std::nullopt);
  const auto c = t.cohorts();
  ASSERT_EQ(c.size(), 3u);  // weeks of Nov 2 (before from), Nov 9, Nov 16
  EXPECT_EQ(c[0].start_ms, mon);
  EXPECT_EQ(c[0].leads, 0);
  EXPECT_TRUE(c[0].converted.empty());
  EXPECT_EQ(c[1].converted, (std::vector<std::int64_t>{0, 0}));
  EXPECT_TRUE(c[2].rates.empty());
}

TEST(CohortModel, IntervalNames) {
  EXPECT_EQ(parse_cohort_interval("month"), CohortInterval::Month);
  EXPECT_FALSE(parse_cohort_interval("hour"));
  EXPECT_FALSE(parse_cohort_interval("Month"));
}

}  // namespace
}  // namespace zaplify::cohorts
