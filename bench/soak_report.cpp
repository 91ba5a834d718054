#include "soak_report.h"

#include <sstream>

namespace zaplify::bench {
namespace {

// The last sample taken within window k (the state of the server as that window ends).
const ProcessSample* sample_at_end_of(const std::vector<ProcessSample>& samples, double end_s) {
  const ProcessSample* best = nullptr;
  for (const auto& s : samples)
    if (s.t_s <= end_s + 0.5) best = &s;
  return best;
}

std::string settings_line(const SoakOptions& s) {
  std::ostringstream o;
  o << s.seconds << " s at " << s.rate << " req/s (open loop, " << s.threads
    << " keep-alive client threads), " << s.ingest_percent << " % ingest batches of "
    << s.batch_events << " events, warm-up " << s.warmup_s << " s, windows of " << s.window_s
    << " s, RSS/fd every " << s.sample_s << " s, rolling read window " << s.rolling_s << " s, seed "
    << s.leads << " leads per tenant, cache.max_bytes " << (s.cache_bytes >> 20) << " MiB";
  return o.str();
}

void render_windows(std::ostringstream& o, const SoakResult& r, const SoakOptions& s) {
  o << "\n| window | requests | errors | p50 ms | p99 ms | max ms | RSS MB at end | fds at end |\n"
    << "|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& w : r.windows) {
    const ProcessSample* p = sample_at_end_of(r.samples, (w.index + 1) * s.window_s);
    o << "| " << w.index + 1 << " | " << w.requests << " | " << w.errors << " | "
      << human_number(w.p50_ms) << " | " << human_number(w.p99_ms) << " | "
      << human_number(w.max_ms) << " | "
      << (p && p->rss_kb >= 0 ? human_number(static_cast<double>(p->rss_kb) / 1024.0) : "n/a")
      << " | " << (p ? std::to_string(p->fds) : "n/a") << " |\n";
  }
}

void render_kinds(std::ostringstream& o, const SoakResult& r) {
  o << "\n| request kind | requests | errors | X-Cache HIT | p50 ms | p99 ms |\n"
    << "|---|---:|---:|---:|---:|---:|\n";
  for (const auto& k : r.kinds)
    o << "| " << k.name << " | " << k.requests << " | " << k.errors << " | " << k.cache_hits
      << " | " << human_number(k.p50_ms) << " | " << human_number(k.p99_ms) << " |\n";
}

}  // namespace

std::string render_soak_markdown(const SoakResult& r, const SoakOptions& s, const MachineInfo& m,
                                 const std::string& command_line,
                                 const std::vector<std::string>& notes) {
  std::vector<std::string> all_notes = r.notes;
  all_notes.insert(all_notes.end(), notes.begin(), notes.end());
  std::ostringstream o;
  o << render_markdown({r.row}, m, command_line, all_notes);
  o << "\nSoak: " << settings_line(s) << ". Server CPU " << human_number(r.server_cpu_pct)
    << " % of one core; worst start delay behind the schedule " << human_number(r.max_lateness_ms)
    << " ms.\n";
  o << "\n| criterion | rule | measured | verdict |\n|---|---|---|---|\n";
  for (const auto& c : r.criteria)
    o << "| " << c.name << " | " << c.rule << " | " << c.measured << " | "
      << (c.passed ? "PASS" : "FAIL") << " |\n";
  render_windows(o, r, s);
  render_kinds(o, r);
  o << "\nRSS MB / fds every " << s.sample_s << " s:";
  for (const auto& p : r.samples)
    o << " " << static_cast<int>(p.t_s + 0.5)
      << "s=" << human_number(static_cast<double>(p.rss_kb) / 1024.0) << "/" << p.fds;
  o << "\n";
  return o.str();
}

nlohmann::json render_soak_json(const SoakResult& r, const SoakOptions& s, const MachineInfo& m,
                                const std::string& command_line,
                                const std::vector<std::string>& notes) {
  std::vector<std::string> all_notes = r.notes;
  all_notes.insert(all_notes.end(), notes.begin(), notes.end());
  nlohmann::json doc = render_json({r.row}, m, command_line, all_notes);
  nlohmann::json criteria = nlohmann::json::array(), windows = nlohmann::json::array(),
                 samples = nlohmann::json::array(), kinds = nlohmann::json::array();
  for (const auto& c : r.criteria)
    criteria.push_back(
        {{"name", c.name}, {"rule", c.rule}, {"measured", c.measured}, {"passed", c.passed}});
  for (const auto& w : r.windows)
    windows.push_back({{"window", w.index + 1},
                       {"requests", w.requests},
                       {"errors", w.errors},
                       {"p50_ms", w.p50_ms},
                       {"p99_ms", w.p99_ms},
                       {"max_ms", w.max_ms}});
  for (const auto& p : r.samples)
    samples.push_back({{"t_s", p.t_s}, {"rss_kb", p.rss_kb}, {"fds", p.fds}});
  for (const auto& k : r.kinds)
    kinds.push_back({{"kind", k.name},
                     {"requests", k.requests},
                     {"errors", k.errors},
                     {"cache_hits", k.cache_hits},
                     {"p50_ms", k.p50_ms},
                     {"p99_ms", k.p99_ms}});
  doc["soak"] = {{"settings",
                  {{"seconds", s.seconds},
                   {"rate", s.rate},
                   {"threads", s.threads},
                   {"ingest_percent", s.ingest_percent},
                   {"batch_events", s.batch_events},
                   {"warmup_s", s.warmup_s},
                   {"window_s", s.window_s},
                   {"sample_s", s.sample_s},
                   {"rolling_s", s.rolling_s},
                   {"seed_leads", s.leads},
                   {"cache_max_bytes", s.cache_bytes}}},
                 {"totals",
                  {{"requests", r.totals.requests},
                   {"errors", r.totals.errors},
                   {"target_rate", r.totals.target_rate},
                   {"achieved_rate", r.totals.achieved_rate},
                   {"events_ingested", r.events_ingested},
                   {"server_cpu_pct", r.server_cpu_pct},
                   {"max_lateness_ms", r.max_lateness_ms}}},
                 {"rss_mb",
                  {{"reference", r.rss.reference_mb},
                   {"end", r.rss.end_mb},
                   {"min", r.rss.min_mb},
                   {"max", r.rss.max_mb},
                   {"max_deviation_pct", r.rss.max_deviation_pct},
                   {"end_deviation_pct", r.rss.end_deviation_pct},
                   {"slope_mb_per_min", r.rss.slope_mb_per_min}}},
                 {"fds",
                  {{"reference", r.fds.reference},
                   {"min", r.fds.min},
                   {"max", r.fds.max},
                   {"end", r.fds.end}}},
                 {"criteria", criteria},
                 {"windows", windows},
                 {"samples", samples},
                 {"kinds", kinds}};
  return doc;
}

}  // namespace zaplify::bench
