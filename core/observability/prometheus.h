#pragma once
// Prometheus metrics: the registry behind GET /metrics and behind sdk::MetricsRegistry.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "zaplify/sdk/telemetry.h"

namespace zaplify::core {

/// Thread-safe. Counters and histograms may carry labels; the sdk interface gives unlabelled ones.
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

  /// The text exposition format 0.0.4, every family with # HELP and # TYPE.
  std::string render() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zaplify::core
