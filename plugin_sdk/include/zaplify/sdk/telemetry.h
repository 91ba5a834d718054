#pragma once
// Logging and Prometheus metrics for plugins.
//
// Ownership and lifetime: the host owns the Logger and every Counter and Histogram; references
// from Host::logger() / Host::metrics() stay valid until the plugin's stop() returns (keep them in
// your plugin object, never in a global that outlives it). Thread safety: every call here may be
// made from any thread at any time, concurrently (handlers, producers, hooks run in parallel).

#include <string>
#include <string_view>
#include <vector>

#include "zaplify/sdk/version.h"

namespace zaplify::sdk {

enum class LogLevel { Debug, Info, Warn, Error };

/// Thread-safe. Lines carry the plugin's name. Never log secrets or message texts.
class ZAPLIFY_SDK_API Logger {
 public:
  virtual ~Logger() = default;
  virtual void log(LogLevel level, std::string_view message) = 0;
  void debug(std::string_view m) { log(LogLevel::Debug, m); }
  void info(std::string_view m) { log(LogLevel::Info, m); }
  void warn(std::string_view m) { log(LogLevel::Warn, m); }
  void error(std::string_view m) { log(LogLevel::Error, m); }
};

/// Thread-safe, lock-free increments. Owned by the host; valid until the plugin's stop() returns.
class ZAPLIFY_SDK_API Counter {
 public:
  virtual ~Counter() = default;
  virtual void inc(double amount = 1.0) = 0;
};

/// Thread-safe. Owned by the host; valid until the plugin's stop() returns.
class ZAPLIFY_SDK_API Histogram {
 public:
  virtual ~Histogram() = default;
  virtual void observe(double value) = 0;
};

/// Metric families appear in GET /metrics. Names must match [a-zA-Z_:][a-zA-Z0-9_:]*; the host
/// prefixes nothing, so use your plugin's name (e.g. "funnel_svg_renders_total").
/// Asking twice for the same name returns the same metric. Thread-safe; ask in start() and keep the
/// references (asking on every request works but takes a lock).
class ZAPLIFY_SDK_API MetricsRegistry {
 public:
  virtual ~MetricsRegistry() = default;
  virtual Counter& counter(const std::string& name, const std::string& help) = 0;
  /// `buckets`: upper bounds, ascending; empty for the host's default latency buckets (seconds).
  virtual Histogram& histogram(const std::string& name, const std::string& help,
                               const std::vector<double>& buckets = {}) = 0;
};

}  // namespace zaplify::sdk
