#include "observability/prometheus.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <shared_mutex>
#include <stdexcept>

namespace zaplify::core {
namespace {

enum class Kind { Counter, Histogram, Gauge };

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::Counter:
      return "counter";
    case Kind::Histogram:
      return "histogram";
    case Kind::Gauge:
      return "gauge";
  }
  return "untyped";
}

bool valid_name(const std::string& name, bool allow_colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (allow_colon && c == ':') || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string escape_label_value(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out.push_back(c);
  }
  return out;
}

std::string escape_help(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out.push_back(c);
  }
  return out;
}

std::string render_labels(const std::map<std::string, std::string>& labels) {
  std::string out;
  for (const auto& [k, v] : labels) {
    if (!valid_name(k, false)) throw std::invalid_argument("bad metric label name '" + k + "'");
    if (!out.empty()) out += ',';
    out += k + "=\"" + escape_label_value(v) + "\"";
  }
  return out;
}

void add_atomic(std::atomic<double>& a, double amount) {
  double cur = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(cur, cur + amount, std::memory_order_relaxed)) {
  }
}

class CounterImpl final : public sdk::Counter {
 public:
  void inc(double amount) override {
    if (amount < 0 || std::isnan(amount)) return;  // counters only go up
    add_atomic(value_, amount);
  }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class HistogramImpl final : public sdk::Histogram {
 public:
  explicit HistogramImpl(std::vector<double> bounds)
      : bounds_(std::move(bounds)), counts_(bounds_.size() + 1) {}
  void observe(double value) override {
    auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);
    counts_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
    add_atomic(sum_, value);
  }
  const std::vector<double>& bounds() const { return bounds_; }
  std::uint64_t bucket(std::size_t i) const { return counts_[i].load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::vector<std::atomic<std::uint64_t>> counts_;  ///< Non-cumulative; the last is +Inf.
  std::atomic<double> sum_{0};
};

struct Series {
  CounterImpl counter;
  std::unique_ptr<HistogramImpl> histogram;
  GaugeMetric gauge;
};

struct Family {
  Kind kind = Kind::Counter;
  std::string help;
  std::vector<double> buckets;
  std::map<std::string, std::unique_ptr<Series>> series;  ///< By rendered label string.
};

}  // namespace

std::string format_metric_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, p) : std::string("0");
}

const std::vector<double>& default_latency_buckets() {
  static const std::vector<double> buckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                           0.25,  0.5,    1,     2.5,  5,     10};
  return buckets;
}

void GaugeMetric::set(double v) { value_.store(v, std::memory_order_relaxed); }
void GaugeMetric::add(double v) { add_atomic(value_, v); }
double GaugeMetric::value() const { return value_.load(std::memory_order_relaxed); }

struct PrometheusRegistry::Impl {
  mutable std::shared_mutex mutex;
  std::map<std::string, Family> families;

  Series& series(const std::string& name, const std::string& help, Kind kind,
                 const std::map<std::string, std::string>& labels,
                 const std::vector<double>& buckets) {
    std::string label_key = render_labels(labels);
    {
      std::shared_lock lock(mutex);
      auto f = families.find(name);
      if (f != families.end() && f->second.kind == kind) {
        auto s = f->second.series.find(label_key);
        if (s != f->second.series.end()) return *s->second;
      }
    }
    if (!valid_name(name, true)) throw std::invalid_argument("bad metric name '" + name + "'");
    std::unique_lock lock(mutex);
    auto [f, created] = families.try_emplace(name);
    Family& family = f->second;
    if (created) {
      family.kind = kind;
      family.help = help;
      family.buckets = buckets.empty() ? default_latency_buckets() : buckets;
      std::sort(family.buckets.begin(), family.buckets.end());
      family.buckets.erase(std::unique(family.buckets.begin(), family.buckets.end()),
                           family.buckets.end());
    } else if (family.kind != kind) {
      throw std::invalid_argument("metric '" + name + "' already registered as " +
                                  kind_name(family.kind));
    }
    auto& slot = family.series[label_key];
    if (!slot) {
      slot = std::make_unique<Series>();
      if (kind == Kind::Histogram)
        slot->histogram = std::make_unique<HistogramImpl>(family.buckets);
    }
    return *slot;
  }
};

PrometheusRegistry::PrometheusRegistry() : impl_(std::make_unique<Impl>()) {}
PrometheusRegistry::~PrometheusRegistry() = default;

sdk::Counter& PrometheusRegistry::counter(const std::string& name, const std::string& help) {
  return counter(name, help, {});
}

sdk::Histogram& PrometheusRegistry::histogram(const std::string& name, const std::string& help,
                                              const std::vector<double>& buckets) {
  return histogram(name, help, {}, buckets);
}

sdk::Counter& PrometheusRegistry::counter(const std::string& name, const std::string& help,
                                          const std::map<std::string, std::string>& labels) {
  return impl_->series(name, help, Kind::Counter, labels, {}).counter;
}

sdk::Histogram& PrometheusRegistry::histogram(const std::string& name, const std::string& help,
                                              const std::map<std::string, std::string>& labels,
                                              const std::vector<double>& buckets) {
  return *impl_->series(name, help, Kind::Histogram, labels, buckets).histogram;
}

GaugeMetric& PrometheusRegistry::gauge(const std::string& name, const std::string& help,
                                       const std::map<std::string, std::string>& labels) {
  return impl_->series(name, help, Kind::Gauge, labels, {}).gauge;
}

void PrometheusRegistry::set_gauge(const std::string& name, const std::string& help,
                                   const std::map<std::string, std::string>& labels, double value) {
  gauge(name, help, labels).set(value);
}

namespace {

std::string with_le(const std::string& labels, const std::string& le) {
  return "{" + labels + (labels.empty() ? "" : ",") + "le=\"" + le + "\"}";
}

void render_histogram(std::string& out, const std::string& name, const std::string& labels,
                      const HistogramImpl& h) {
  std::uint64_t cumulative = 0;
  const auto& bounds = h.bounds();
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    cumulative += h.bucket(i);
    out += name + "_bucket" + with_le(labels, format_metric_value(bounds[i])) + " " +
           std::to_string(cumulative) + "\n";
  }
  cumulative += h.bucket(bounds.size());
  out += name + "_bucket" + with_le(labels, "+Inf") + " " + std::to_string(cumulative) + "\n";
  std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += name + "_sum" + braces + " " + format_metric_value(h.sum()) + "\n";
  out += name + "_count" + braces + " " + std::to_string(cumulative) + "\n";
}

}  // namespace

std::string PrometheusRegistry::render() const {
  std::shared_lock lock(impl_->mutex);
  std::string out;
  for (const auto& [name, family] : impl_->families) {
    out += "# HELP " + name + " " + escape_help(family.help) + "\n";
    out += "# TYPE " + name + " " + kind_name(family.kind) + "\n";
    for (const auto& [labels, series] : family.series) {
      std::string braces = labels.empty() ? "" : "{" + labels + "}";
      switch (family.kind) {
        case Kind::Counter:
          out += name + braces + " " + format_metric_value(series->counter.value()) + "\n";
          break;
        case Kind::Gauge:
          out += name + braces + " " + format_metric_value(series->gauge.value()) + "\n";
          break;
        case Kind::Histogram:
          render_histogram(out, name, labels, *series->histogram);
          break;
      }
    }
  }
  return out;
}

}  // namespace zaplify::core
