#include "soak_stats.h"

#include <dirent.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "stats.h"

namespace zaplify::bench {
namespace {

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::vector<const ProcessSample*> after_warmup(const std::vector<ProcessSample>& samples,
                                               double warmup_s, bool want_rss) {
  std::vector<const ProcessSample*> out;
  for (const auto& s : samples)
    if (s.t_s >= warmup_s && (want_rss ? s.rss_kb >= 0 : s.fds >= 0)) out.push_back(&s);
  return out;
}

}  // namespace

std::vector<WindowStats> per_window(const std::vector<SoakSample>& samples, double width_s,
                                    double duration_s) {
  if (width_s <= 0 || duration_s <= 0) return {};
  auto full = static_cast<int>(std::floor(duration_s / width_s + 1e-9));
  double rest = duration_s - full * width_s;
  int count = full + (rest >= width_s / 2 ? 1 : 0);
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(count));
  std::vector<WindowStats> out(static_cast<std::size_t>(count));
  for (int k = 0; k < count; ++k) out[static_cast<std::size_t>(k)].index = k;
  for (const auto& s : samples) {
    auto k = static_cast<int>(std::floor(s.due_s / width_s));
    if (k < 0 || k >= count) continue;
    auto& w = out[static_cast<std::size_t>(k)];
    ++w.requests;
    if (!s.ok) ++w.errors;
    latencies[static_cast<std::size_t>(k)].push_back(s.latency_ms);
  }
  for (std::size_t k = 0; k < out.size(); ++k) {
    auto summary = summarize(std::move(latencies[k]));
    out[k].p50_ms = summary.median_ms;
    out[k].p99_ms = summary.p99_ms;
    out[k].max_ms = summary.max_ms;
  }
  return out;
}

double least_squares_slope(const std::vector<double>& x, const std::vector<double>& y) {
  std::size_t n = std::min(x.size(), y.size());
  if (n < 2) return 0;
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < n; ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= static_cast<double>(n);
  my /= static_cast<double>(n);
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
  }
  return sxx > 0 ? sxy / sxx : 0;
}

RssDrift rss_drift(const std::vector<ProcessSample>& samples, double warmup_s) {
  RssDrift d;
  auto kept = after_warmup(samples, warmup_s, true);
  if (kept.empty()) return d;
  d.valid = true;
  d.reference_mb = static_cast<double>(kept.front()->rss_kb) / 1024.0;
  d.end_mb = static_cast<double>(kept.back()->rss_kb) / 1024.0;
  d.min_mb = d.max_mb = d.reference_mb;
  std::vector<double> minutes, mb;
  for (const auto* s : kept) {
    double v = static_cast<double>(s->rss_kb) / 1024.0;
    d.min_mb = std::min(d.min_mb, v);
    d.max_mb = std::max(d.max_mb, v);
    if (d.reference_mb > 0)
      d.max_deviation_pct =
          std::max(d.max_deviation_pct, std::fabs(v - d.reference_mb) / d.reference_mb * 100);
    minutes.push_back(s->t_s / 60.0);
    mb.push_back(v);
  }
  if (d.reference_mb > 0) d.end_deviation_pct = (d.end_mb - d.reference_mb) / d.reference_mb * 100;
  d.slope_mb_per_min = least_squares_slope(minutes, mb);
  return d;
}

FdDrift fd_drift(const std::vector<ProcessSample>& samples, double warmup_s) {
  FdDrift d;
  auto kept = after_warmup(samples, warmup_s, false);
  if (kept.empty()) return d;
  d.valid = true;
  d.reference = d.min = d.max = kept.front()->fds;
  d.end = kept.back()->fds;
  for (const auto* s : kept) {
    d.min = std::min(d.min, s->fds);
    d.max = std::max(d.max, s->fds);
  }
  return d;
}

int count_fd_names(const std::vector<std::string>& names) {
  int n = 0;
  for (const auto& name : names)
    if (!name.empty() &&
        std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; }))
      ++n;
  return n;
}

int count_open_fds(int pid) {
  std::string dir = "/proc/" + std::to_string(pid) + "/fd";
  DIR* d = ::opendir(dir.c_str());
  if (!d) return -1;
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) names.emplace_back(e->d_name);
  ::closedir(d);
  return count_fd_names(names);
}

bool parse_stat_cpu_ticks(const std::string& line, long long& ticks) {
  auto close = line.rfind(')');
  if (close == std::string::npos) return false;
  std::vector<std::string> fields;
  std::string cur;
  for (std::size_t i = close + 1; i < line.size(); ++i) {
    char c = line[i];
    if (c == ' ' || c == '\n') {
      if (!cur.empty()) fields.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) fields.push_back(cur);
  // Fields after ')' start at field 3 (state); utime and stime are fields 14 and 15.
  if (fields.size() < 13) return false;
  char* end = nullptr;
  long long utime = std::strtoll(fields[11].c_str(), &end, 10);
  if (*end != '\0') return false;
  long long stime = std::strtoll(fields[12].c_str(), &end, 10);
  if (*end != '\0') return false;
  ticks = utime + stime;
  return true;
}

std::vector<SoakCriterion> judge_soak(const std::vector<WindowStats>& windows, const RssDrift& rss,
                                      const FdDrift& fds, const SoakTotals& totals, double warmup_s,
                                      double width_s, const SoakThresholds& limits) {
  std::vector<SoakCriterion> out;
  SoakCriterion r{"RSS flat",
                  "every sample after warm-up within " + fixed(limits.rss_max_deviation_pct, 0) +
                      " % of the warm-up value",
                  "not sampled", false};
  if (rss.valid) {
    r.measured = fixed(rss.reference_mb, 1) + " MB at warm-up, " + fixed(rss.end_mb, 1) +
                 " MB at end (" + fixed(rss.end_deviation_pct, 1) + " %), max deviation " +
                 fixed(rss.max_deviation_pct, 1) + " %";
    r.passed = rss.max_deviation_pct <= limits.rss_max_deviation_pct;
  }
  out.push_back(r);
  // Growth is the leak; fewer descriptors than at warm-up (a keep-alive socket closed) is not.
  SoakCriterion f{"no fd growth",
                  "no sample after warm-up above the warm-up count + " +
                      std::to_string(limits.fd_tolerance) + " (transient sockets)",
                  "not sampled", false};
  if (fds.valid) {
    f.measured = std::to_string(fds.reference) + " at warm-up, min " + std::to_string(fds.min) +
                 ", max " + std::to_string(fds.max) + ", end " + std::to_string(fds.end);
    f.passed = fds.max - fds.reference <= limits.fd_tolerance;
  }
  out.push_back(f);
  SoakCriterion p{"p99 stable",
                  "last window's p99 <= " + fixed(limits.p99_max_ratio, 0) +
                      "x the p99 of the first window after warm-up",
                  "too few windows after warm-up", false};
  auto first = std::find_if(windows.begin(), windows.end(), [&](const WindowStats& w) {
    return w.index * width_s >= warmup_s - 1e-9;
  });
  if (first != windows.end() && first != windows.end() - 1 && first->p99_ms > 0) {
    const auto& last = windows.back();
    p.measured = "window " + std::to_string(first->index + 1) + " p99 " + fixed(first->p99_ms, 2) +
                 " ms, last (" + std::to_string(last.index + 1) + ") p99 " + fixed(last.p99_ms, 2) +
                 " ms, ratio " + fixed(last.p99_ms / first->p99_ms, 2);
    p.passed = last.p99_ms <= limits.p99_max_ratio * first->p99_ms;
  }
  out.push_back(p);
  out.push_back({"no errors", "non-2xx and failed requests = 0",
                 std::to_string(totals.errors) + " of " + std::to_string(totals.requests),
                 totals.errors == 0});
  double fraction = totals.target_rate > 0 ? totals.achieved_rate / totals.target_rate : 0;
  out.push_back(
      {"rate held",
       "achieved rate >= " + fixed(limits.min_rate_fraction * 100, 0) + " % of the target",
       fixed(totals.achieved_rate, 1) + " of " + fixed(totals.target_rate, 1) + " req/s (" +
           fixed(fraction * 100, 1) + " %)",
       fraction >= limits.min_rate_fraction});
  return out;
}

}  // namespace zaplify::bench
