#include "dataset.h"

#include <chrono>
#include <cstdio>
#include <stdexcept>

namespace zaplify::bench {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

int digits(const std::string& s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) throw std::invalid_argument("truncated timestamp: " + s);
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') throw std::invalid_argument("bad timestamp: " + s);
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace

std::int64_t parse_rfc3339_ms(const std::string& s) {
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
      s[13] != ':' || s[16] != ':')
    throw std::invalid_argument("bad timestamp: " + s);
  std::int64_t days = days_from_civil(digits(s, 0, 4), static_cast<unsigned>(digits(s, 5, 2)),
                                      static_cast<unsigned>(digits(s, 8, 2)));
  std::int64_t ms = days * kDayMs + digits(s, 11, 2) * 3'600'000LL + digits(s, 14, 2) * 60'000LL +
                    digits(s, 17, 2) * 1000LL;
  std::size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      ms += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
  }
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) return ms;
  if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':') {
    std::int64_t off = digits(s, pos + 1, 2) * 3'600'000LL + digits(s, pos + 4, 2) * 60'000LL;
    return s[pos] == '+' ? ms - off : ms + off;
  }
  throw std::invalid_argument("bad timestamp offset: " + s);
}

std::string format_rfc3339_ms(std::int64_t ms) {
  std::int64_t days = floor_div(ms, kDayMs);
  std::int64_t rem = ms - days * kDayMs;
  // civil_from_days (H. Hinnant)
  std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                static_cast<long long>(y), m, d, static_cast<long long>(rem / 3'600'000),
                static_cast<long long>(rem / 60'000 % 60), static_cast<long long>(rem / 1000 % 60),
                static_cast<long long>(rem % 1000));
  return buf;
}

void DatasetStats::observe(const nlohmann::json& e) {
  ++events;
  auto str = [&](const char* key) -> std::string {
    auto it = e.find(key);
    return it != e.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  std::string type = str("type");
  ++by_type[type];
  if (tenant.empty()) tenant = str("tenant_id");
  std::int64_t ts = 0;
  try {
    ts = parse_rfc3339_ms(str("timestamp"));
  } catch (const std::invalid_argument&) {
    return;
  }
  if (events == 1 || ts < min_ts_ms) min_ts_ms = ts;
  if (events == 1 || ts > max_ts_ms) max_ts_ms = ts;
  std::int64_t day = floor_div(ts, kDayMs);
  if (type == "message" && str("sender") == "lead")
    ++lead_messages_by_day[day];
  else if (type == "conversation_started")
    ++conversations_by_day[day];
  else if (type == "funnel_defined") {
    auto& f = funnels[str("funnel_id")];
    f.name = str("name");
    if (auto it = e.find("stages"); it != e.end() && it->is_array()) f.stages = it->size();
  } else if (type == "stage_changed") {
    ++funnels[str("funnel_id")].stage_events;
  }
}

std::string DatasetStats::main_funnel() const {
  std::string best;
  std::uint64_t most = 0;
  for (const auto& [id, f] : funnels) {
    if (best.empty() || f.stage_events > most) {
      best = id;
      most = f.stage_events;
    }
  }
  return best;
}

Dataset build_dataset(const EventSource& source, std::size_t batch_size) {
  auto start = std::chrono::steady_clock::now();
  Dataset d;
  std::vector<nlohmann::json> batch;
  while (source(batch, batch_size)) {
    if (batch.empty()) continue;
    for (const auto& e : batch) d.stats.observe(e);
    nlohmann::json body = {{"events", std::move(batch)}};
    d.bodies.push_back(body.dump());
    batch = {};
  }
  if (!batch.empty()) {  // a source may hand its last events together with `false`
    for (const auto& e : batch) d.stats.observe(e);
    d.bodies.push_back(nlohmann::json({{"events", std::move(batch)}}).dump());
  }
  d.generate_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return d;
}

std::int64_t window_start_holding(const std::map<std::int64_t, std::uint64_t>& per_day,
                                  std::int64_t to_ms, std::uint64_t target) {
  std::int64_t to_day = to_ms / kDayMs;
  std::uint64_t sum = 0;
  std::int64_t start_day = to_day;
  for (auto it = per_day.rbegin(); it != per_day.rend(); ++it) {
    if (it->first >= to_day) continue;
    sum += it->second;
    start_day = it->first;
    if (sum >= target) break;
  }
  return start_day * kDayMs;
}

}  // namespace zaplify::bench
