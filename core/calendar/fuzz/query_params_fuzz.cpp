// libFuzzer target: an arbitrary raw query string through the path a request takes (docs/api.md,
// Query parameters): parse_query, then parse_window (from/to/tz/interval) and sdk::Request::limit.
// The only accepted outcomes are a value that keeps the documented invariants, or an
// sdk::HttpError 400 invalid_parameter naming a field the input really got wrong. Anything else
// aborts.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/calendar.h"
#include "http/query_string.h"
#include "zaplify/sdk/http.h"

namespace {

using Query = std::map<std::string, std::string>;
using zaplify::sdk::HttpError;
using zaplify::sdk::Interval;

constexpr std::int64_t kNowMs = 1795176000000;  // 2026-11-20T12:00:00Z
constexpr std::int64_t kDayMs = 86400000;
constexpr int kRetentionDays = 90;
constexpr std::int64_t kLimitFallback = 100;
constexpr std::int64_t kLimitMax = 1000;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "invariant violated: %s\n", what);
  std::abort();
}
#define FUZZ_CHECK(cond) \
  if (!(cond)) fail(#cond)

// parse_window treats an empty value like an absent one.
std::optional<std::string> given(const Query& q, const char* key) {
  auto it = q.find(key);
  if (it == q.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::optional<Interval> interval_named(const std::string& s) {
  if (s == "hour") return Interval::Hour;
  if (s == "day") return Interval::Day;
  if (s == "week") return Interval::Week;
  return std::nullopt;
}

void check_rejection(const HttpError& e, std::initializer_list<std::string_view> fields) {
  FUZZ_CHECK(e.status() == 400);
  FUZZ_CHECK(e.code() == "invalid_parameter");
  bool known = false;
  for (auto f : fields) known = known || e.field() == f;
  FUZZ_CHECK(known);
}

// Only the first bucket may start before the window; all are inside it otherwise, ascending.
void check_starts(const std::vector<std::int64_t>& starts, const zaplify::sdk::Window& w) {
  FUZZ_CHECK(!starts.empty());
  FUZZ_CHECK(starts.front() <= w.from_ms);
  FUZZ_CHECK(starts.front() > w.from_ms - 8 * kDayMs);
  for (std::size_t i = 1; i < starts.size(); ++i) {
    FUZZ_CHECK(starts[i] > starts[i - 1]);
    FUZZ_CHECK(starts[i] > w.from_ms && starts[i] < w.to_ms);
  }
}

void check_window(const Query& q, const zaplify::sdk::Window& w) {
  FUZZ_CHECK(w.from_ms < w.to_ms);
  FUZZ_CHECK(w.length_ms() <= kRetentionDays * kDayMs);
  FUZZ_CHECK(w.previous().to_ms == w.from_ms && w.previous().length_ms() == w.length_ms());
  FUZZ_CHECK(w.tz == given(q, "tz").value_or("UTC"));
  FUZZ_CHECK(zaplify::core::is_known_time_zone(w.tz));
  auto it = q.find("interval");
  FUZZ_CHECK(it == q.end() ? w.interval == Interval::None
                           : interval_named(it->second) == w.interval);
  if (!given(q, "to")) FUZZ_CHECK(w.to_ms == kNowMs);
  if (!given(q, "from")) FUZZ_CHECK(w.from_ms == w.to_ms - 7 * kDayMs);

  // Handlers bucket and format every accepted window; those must work on it too.
  static const zaplify::core::SystemCalendar calendar;
  if (w.interval == Interval::None) {
    FUZZ_CHECK(calendar.bucket_starts(w).empty());
  } else {
    check_starts(calendar.bucket_starts(w), w);
  }
  check_starts(calendar.day_starts(w), w);
  FUZZ_CHECK(!calendar.format_local(w.from_ms, w.tz).empty());
  // Not always 10: RFC 3339 allows years 0000-9999 in UTC, so a local date can be in year 10000
  // or -1 (reported; a quirk of the extremes, not a memory problem).
  const std::size_t date_size = calendar.local_date(w.to_ms, w.tz).size();
  FUZZ_CHECK(date_size == 10 || date_size == 11);
}

void fuzz_window(const Query& q) {
  try {
    check_window(q, zaplify::core::parse_window(q, kNowMs, kRetentionDays));
  } catch (const HttpError& e) {
    check_rejection(e, {"from", "to", "tz", "interval"});
    // A rejection must point at something the query really got wrong.
    if (e.field() == "tz")
      FUZZ_CHECK(!zaplify::core::is_known_time_zone(given(q, "tz").value_or("UTC")));
    if (e.field() == "interval") FUZZ_CHECK(!interval_named(q.at("interval")));
    if (e.field() == "to") FUZZ_CHECK(given(q, "to").has_value());
  }
}

// Independent reading of the `limit` rule (docs/api.md, Query parameters): decimal digits only,
// value in [1, max].
std::optional<std::int64_t> expected_limit(const std::string& raw) {
  if (raw.empty()) return std::nullopt;
  std::int64_t v = 0;
  for (char c : raw) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
    if (v > kLimitMax) return std::nullopt;
  }
  if (v < 1) return std::nullopt;
  return v;
}

void fuzz_limit(const Query& q) {
  zaplify::sdk::Request req;
  req.query = q;
  auto raw = req.param("limit");
  std::optional<std::int64_t> expected =
      raw ? expected_limit(*raw) : std::optional<std::int64_t>(kLimitFallback);
  try {
    std::int64_t v = req.limit(kLimitFallback, kLimitMax);
    FUZZ_CHECK(v >= 1 && v <= kLimitMax);
    FUZZ_CHECK(expected == v);
  } catch (const HttpError& e) {
    check_rejection(e, {"limit"});
    FUZZ_CHECK(!expected);
  }
}

}  // namespace

// The tz database must be usable inside the fuzzer, or every tz seed would only test rejections.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  auto w = zaplify::core::parse_window({{"tz", "Europe/Berlin"}, {"from", "2026-11-01"}}, kNowMs,
                                       kRetentionDays);
  if (w.from_ms != 1793487600000) fail("tz=Europe/Berlin does not resolve through the tz database");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Query q =
      zaplify::core::parse_query(std::string_view(reinterpret_cast<const char*>(data), size));
  for (const auto& [name, value] : q) FUZZ_CHECK(!name.empty());
  fuzz_window(q);
  fuzz_limit(q);
  return 0;
}
