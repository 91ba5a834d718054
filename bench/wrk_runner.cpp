#include "wrk_runner.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>

namespace zaplify::bench {
namespace {

long long number_before(const std::string& text, const std::string& label) {
  auto pos = text.find(label);
  if (pos == std::string::npos) return 0;
  auto start = text.find_first_of("0123456789", pos + label.size());
  return start == std::string::npos ? 0 : std::atoll(text.c_str() + start);
}

}  // namespace

std::string wrk_command(const std::string& url, const std::string& tenant, int threads,
                        int connections, int seconds) {
  std::ostringstream c;
  c << "wrk -t" << threads << " -c" << connections << " -d" << seconds
    << "s --latency -H 'Connection: keep-alive' -H 'X-Tenant-ID: " << tenant << "' '" << url << "'";
  return c.str();
}

double wrk_duration_ms(const std::string& text) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str()) return -1;
  std::string unit(end);
  if (unit == "us") return v / 1000.0;
  if (unit == "ms") return v;
  if (unit == "s") return v * 1000.0;
  if (unit == "m") return v * 60000.0;
  return -1;
}

std::optional<WrkResult> parse_wrk_output(const std::string& text) {
  auto rps = text.find("Requests/sec:");
  if (rps == std::string::npos) return std::nullopt;
  WrkResult r;
  r.requests_per_s = std::atof(text.c_str() + rps + 13);
  std::istringstream lines(text);
  std::string line;
  bool in_distribution = false;
  while (std::getline(lines, line)) {
    if (line.find("Latency Distribution") != std::string::npos) {
      in_distribution = true;
      continue;
    }
    std::istringstream words(line);
    std::string first, second, third;
    words >> first >> second >> third;
    if (in_distribution && first == "50%") r.p50_ms = wrk_duration_ms(second);
    if (in_distribution && first == "99%") r.p99_ms = wrk_duration_ms(second);
    if (second == "requests" && third == "in") r.requests = std::atoll(first.c_str());
  }
  r.non_2xx = number_before(text, "Non-2xx or 3xx responses:");
  auto errors = text.find("Socket errors:");
  if (errors != std::string::npos) {
    std::string tail = text.substr(errors, text.find('\n', errors) - errors);
    for (const char* label : {"connect ", "read ", "write ", "timeout "})
      r.socket_errors += number_before(tail, label);
  }
  return r;
}

std::optional<WrkResult> run_wrk(const std::string& command, std::string& error) {
  if (std::system("command -v wrk >/dev/null 2>&1") != 0) {
    error = "wrk is not installed";
    return std::nullopt;
  }
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen((command + " 2>&1").c_str(), "r"), ::pclose);
  if (!pipe) {
    error = "cannot start wrk";
    return std::nullopt;
  }
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe.get())) out.append(buf, n);
  auto parsed = parse_wrk_output(out);
  if (!parsed) error = "unexpected wrk output: " + out.substr(0, 400);
  return parsed;
}

}  // namespace zaplify::bench
