#pragma once
// Prometheus metrics: the registry behind GET /metrics and behind sdk::MetricsRegistry.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "zaplify/sdk/telemetry.h"

namespace zaplify::core {

/// A value that goes up and down (e.g. requests in flight). Lock-free; owned by the registry.
class GaugeMetric {
 public:
  void set(double v);
  void add(double v);
  double value() const;

 private:
  std::atomic<double> value_{0};
};

/// 0.001 … 10 seconds: the buckets of a histogram declared without its own.
const std::vector<double>& default_latency_buckets();
/// A sample value as the text format writes it (shortest round-trip, +Inf, -Inf, NaN).
std::string format_metric_value(double v);

/// Thread-safe. Counters and histograms may carry labels; the sdk interface gives unlabelled ones.
/// Returned references stay valid for the registry's lifetime; increments are lock-free atomics,
/// only the first lookup of a series takes the registry's lock. Asking for an existing name with
/// another metric type throws std::invalid_argument, as does a name outside
/// [a-zA-Z_:][a-zA-Z0-9_:]*.
class PrometheusRegistry : public sdk::MetricsRegistry {
 public:
  PrometheusRegistry();
  ~PrometheusRegistry() override;

  sdk::Counter& counter(const std::string& name, const std::string& help) override;
  sdk::Histogram& histogram(const std::string& name, const std::string& help,
                            const std::vector<double>& buckets = {}) override;

  /// Labelled series, e.g. counter("http_requests_total", help, {{"route","/x"},{"status","200"}}).
  sdk::Counter& counter(const std::string& name, const std::string& help,
                        const std::map<std::string, std::string>& labels);
  sdk::Histogram& histogram(const std::string& name, const std::string& help,
                            const std::map<std::string, std::string>& labels,
                            const std::vector<double>& buckets = {});
  /// A gauge set to a value (e.g. plugin_up{plugin="funnel"} 1).
  void set_gauge(const std::string& name, const std::string& help,
                 const std::map<std::string, std::string>& labels, double value);

  /// A labelled gauge; the reference stays valid for the registry's lifetime.
  GaugeMetric& gauge(const std::string& name, const std::string& help,
                     const std::map<std::string, std::string>& labels = {});

  /// The text exposition format 0.0.4, every family with # HELP and # TYPE.
  std::string render() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zaplify::core
