#include "report.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace zaplify::bench {

MachineInfo machine_info() {
  MachineInfo m;
  m.nproc = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
  std::ifstream cpu("/proc/cpuinfo");
  for (std::string line; std::getline(cpu, line);) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      m.cpu_model = colon == std::string::npos ? line : line.substr(colon + 2);
      break;
    }
  }
  std::ifstream mem("/proc/meminfo");
  for (std::string line; std::getline(mem, line);) {
    if (line.rfind("MemTotal:", 0) == 0) {
      m.ram_gb = std::atof(line.c_str() + 9) / 1024.0 / 1024.0;
      break;
    }
  }
  utsname u{};
  if (::uname(&u) == 0) m.kernel = std::string(u.sysname) + " " + u.release;
  return m;
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

std::string human_number(double v) {
  if (v < 0) return "n/a";
  char buf[64];
  if (v < 100) {
    std::snprintf(buf, sizeof buf, v < 10 ? "%.2f" : "%.1f", v);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.0f", std::round(v));
  std::string digits = buf, out;
  int n = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it, ++n) {
    if (n && n % 3 == 0) out.insert(out.begin(), ',');
    out.insert(out.begin(), *it);
  }
  return out;
}

std::string render_markdown(const std::vector<ScenarioResult>& results, const MachineInfo& m,
                            const std::string& command_line,
                            const std::vector<std::string>& notes) {
  std::ostringstream o;
  o << "| scenario | database | data | requests | median ms | p99 ms | throughput | peak RSS MB | "
       "RSS growth MB | bar | verdict |\n"
    << "|---|---|---|---:|---:|---:|---:|---:|---:|---|---|\n";
  for (const auto& r : results) {
    o << "| " << r.name << " | " << r.database << " | " << (r.data.empty() ? "-" : r.data) << " | "
      << r.requests;
    if (r.errors) o << " (" << r.errors << " errors)";
    o << " | " << human_number(r.median_ms) << " | " << human_number(r.p99_ms) << " | "
      << human_number(r.throughput) << " " << r.unit << " | " << human_number(r.peak_rss_mb)
      << " | " << human_number(r.rss_growth_mb) << " | " << (r.bar.empty() ? "-" : r.bar) << " | "
      << (r.verdict.empty() ? "-" : r.verdict) << " |\n";
  }
  o << "\nNotes per scenario:\n";
  for (const auto& r : results)
    o << "- " << r.name << " (" << r.database << (r.data.empty() ? "" : ", " + r.data)
      << "): " << r.note << "\n";
  for (const auto& n : notes) o << "- " << n << "\n";
  o << "\nMachine: " << m.nproc << " CPUs (nproc), " << m.cpu_model << ", "
    << human_number(m.ram_gb) << " GiB RAM, " << m.kernel << "\n\nCommand: `" << command_line
    << "`\n";
  return o.str();
}

nlohmann::json render_json(const std::vector<ScenarioResult>& results, const MachineInfo& m,
                           const std::string& command_line, const std::vector<std::string>& notes) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : results) {
    rows.push_back(
        {{"scenario", r.name},
         {"database", r.database},
         {"data", r.data},
         {"requests", r.requests},
         {"errors", r.errors},
         {"median_ms", r.median_ms},
         {"p99_ms", r.p99_ms},
         {"throughput", r.throughput},
         {"unit", r.unit},
         {"peak_rss_mb", r.peak_rss_mb < 0 ? nlohmann::json() : nlohmann::json(r.peak_rss_mb)},
         {"rss_growth_mb",
          r.rss_growth_mb < 0 ? nlohmann::json() : nlohmann::json(r.rss_growth_mb)},
         {"bar", r.bar},
         {"verdict", r.verdict},
         {"note", r.note}});
  }
  return {{"results", rows},
          {"notes", notes},
          {"machine",
           {{"nproc", m.nproc},
            {"cpu_model", m.cpu_model},
            {"ram_gb", m.ram_gb},
            {"kernel", m.kernel}}},
          {"command", command_line}};
}

}  // namespace zaplify::bench
