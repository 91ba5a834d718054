#include "rss_sampler.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace zaplify::bench {

bool parse_status_text(const char* text, long& rss_kb, long& hwm_kb) {
  const char* rss = std::strstr(text, "\nVmRSS:");
  const char* hwm = std::strstr(text, "\nVmHWM:");
  if (!rss) return false;
  rss_kb = std::strtol(rss + 7, nullptr, 10);
  hwm_kb = hwm ? std::strtol(hwm + 7, nullptr, 10) : -1;
  return true;
}

bool read_rss_kb(int pid, long& rss_kb, long& hwm_kb) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  if (!in) return false;
  std::stringstream s;
  s << "\n" << in.rdbuf();
  return parse_status_text(s.str().c_str(), rss_kb, hwm_kb);
}

RssSampler::RssSampler(int pid, int interval_ms) : pid_(pid), interval_ms_(interval_ms) {
  if (pid_ <= 0) return;
  long rss = -1, hwm = -1;
  if (!read_rss_kb(pid_, rss, hwm)) return;
  start_kb_ = rss;
  peak_kb_ = rss;
  running_ = true;
  thread_ = std::thread([this] {
    while (running_) {
      sample();
      std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms_));
    }
  });
}

RssSampler::~RssSampler() { stop(); }

void RssSampler::sample() {
  long rss = -1, hwm = -1;
  if (read_rss_kb(pid_, rss, hwm) && rss > peak_kb_) peak_kb_ = rss;
}

void RssSampler::stop() {
  if (!running_.exchange(false)) return;
  if (thread_.joinable()) thread_.join();
  sample();
  long rss = -1, hwm = -1;
  if (read_rss_kb(pid_, rss, hwm)) hwm_kb_ = hwm;
}

}  // namespace zaplify::bench
