#include "cache/response_cache.h"

#include <algorithm>
#include <future>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "cache/usage_log.h"
#include "observability/prometheus.h"

namespace zaplify::core {
namespace {

/// Escapes the characters make_key uses as separators, so distinct inputs never share a key.
void append_escaped(std::string& out, const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (c == '%' || c == '|' || c == '&' || c == '=' || c == '?' || c < 0x20) {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
}

constexpr const char* kCodecMagic = "ZC1";

struct Flight {
  std::vector<ResponseCache::Completion> waiters;
};

/// The single-flight counters of one route.
struct FlightCounters {
  sdk::Counter* computations = nullptr;
  sdk::Counter* coalesced = nullptr;
};

/// The value stored for (tenant, key) under `generation`, if any. Never throws.
std::optional<CachedResponse> stored_since_lookup(sdk::CacheBackend* backend,
                                                  const std::string& tenant, const std::string& key,
                                                  const std::string& generation) {
  if (!backend || generation.empty()) return std::nullopt;
  try {
    auto lookup = backend->get(tenant, key);
    if (lookup.value && lookup.generation == generation)
      return ResponseCache::decode(*lookup.value);
  } catch (...) {
  }
  return std::nullopt;
}

}  // namespace

struct ResponseCache::Impl {
  int ttl_seconds;
  PrometheusRegistry* metrics = nullptr;
  sdk::Counter* hits = nullptr;
  sdk::Counter* misses = nullptr;
  std::mutex counters_mutex;
  std::unordered_map<std::string, FlightCounters> route_counters;

  mutable std::mutex backend_mutex;
  std::shared_ptr<sdk::CacheBackend> backend;
  Recompute recompute;

  std::mutex flights_mutex;
  std::unordered_map<std::string, std::shared_ptr<Flight>> flights;
  /// Local generations: without a backend they are the only thing separating flights across an
  /// invalidation; with one they add nothing but cost nothing.
  std::unordered_map<std::string, std::uint64_t> tenant_generation;
  std::uint64_t global_generation = 0;

  UsageLog usage;

  std::shared_ptr<sdk::CacheBackend> current_backend() const {
    std::lock_guard lock(backend_mutex);
    return backend;
  }

  std::string flight_key(const std::string& tenant, const std::string& key,
                         const std::string& generation) {
    // REQUIRES: flights_mutex held.
    auto it = tenant_generation.find(tenant);
    std::uint64_t local = it == tenant_generation.end() ? 0 : it->second;
    std::string f;
    append_escaped(f, tenant);
    f += '|';
    f += key;
    f += '|';
    append_escaped(f, generation);
    f += '|' + std::to_string(local) + '.' + std::to_string(global_generation);
    return f;
  }

  /// The route's counters, made on first use (null without a registry). Thread-safe.
  FlightCounters counters_for(const std::string& route) {
    if (!metrics) return {};
    std::lock_guard lock(counters_mutex);
    auto [it, fresh] = route_counters.try_emplace(route);
    if (fresh) {
      std::map<std::string, std::string> labels{{"route", route.empty() ? "unknown" : route}};
      it->second.computations = &metrics->counter(
          "cache_computations_total",
          "Cacheable responses computed (once per single flight), by route.", labels);
      it->second.coalesced = &metrics->counter(
          "cache_coalesced_total",
          "Cache misses that joined a computation already running, by route.", labels);
    }
    return it->second;
  }

  void finish(const std::string& fkey, const CachedResponse* result, std::exception_ptr error,
              bool hit = false) {
    std::vector<Completion> waiters;
    {
      std::lock_guard lock(flights_mutex);
      auto it = flights.find(fkey);
      if (it == flights.end()) return;
      waiters = std::move(it->second->waiters);
      flights.erase(it);
    }
    for (auto& w : waiters) {
      try {
        w(result, hit, error);
      } catch (...) {
        // A waiter's failure must not starve the others.
      }
    }
  }
};

ResponseCache::ResponseCache(int ttl_seconds, PrometheusRegistry* metrics)
    : impl_(std::make_unique<Impl>()) {
  impl_->ttl_seconds = std::max(1, ttl_seconds);
  impl_->metrics = metrics;
  if (metrics) {
    impl_->hits =
        &metrics->counter("cache_hits_total", "Responses served from the response cache.");
    impl_->misses = &metrics->counter("cache_misses_total",
                                      "Cacheable requests not found in the response cache.");
  }
}

ResponseCache::~ResponseCache() = default;

void ResponseCache::set_backend(std::shared_ptr<sdk::CacheBackend> backend) {
  std::lock_guard lock(impl_->backend_mutex);
  impl_->backend = std::move(backend);
}

void ResponseCache::clear_backend() { set_backend(nullptr); }

void ResponseCache::set_recompute(Recompute recompute) {
  std::lock_guard lock(impl_->backend_mutex);
  impl_->recompute = std::move(recompute);
}

std::int64_t ResponseCache::invalidate_tenant(const std::string& tenant) {
  {
    std::lock_guard lock(impl_->flights_mutex);
    ++impl_->tenant_generation[tenant];
  }
  auto backend = impl_->current_backend();
  if (!backend) return 0;
  try {
    return backend->invalidate_tenant(tenant);
  } catch (...) {
    return 0;
  }
}

std::int64_t ResponseCache::invalidate_all() {
  {
    std::lock_guard lock(impl_->flights_mutex);
    ++impl_->global_generation;
  }
  auto backend = impl_->current_backend();
  if (!backend) return 0;
  try {
    return backend->invalidate_all();
  } catch (...) {
    return 0;
  }
}

std::int64_t ResponseCache::warm_tenant(const std::string& tenant, int max_entries) {
  Recompute recompute;
  {
    std::lock_guard lock(impl_->backend_mutex);
    recompute = impl_->recompute;
  }
  if (!recompute || max_entries <= 0) return 0;
  std::int64_t warmed = 0;
  for (const auto& r : impl_->usage.top(tenant, static_cast<std::size_t>(max_entries))) {
    try {
      auto response = recompute(tenant, r.path, r.query);
      if (response && response->status >= 200 && response->status < 300) ++warmed;
    } catch (...) {
      // A request that fails now (e.g. a funnel since deleted) is simply not warmed.
    }
  }
  return warmed;
}

std::string ResponseCache::make_key(const std::string& route_template, const std::string& path,
                                    const std::map<std::string, std::string>& normalised_query) {
  std::string key;
  append_escaped(key, route_template);
  key += '|';
  append_escaped(key, path);
  key += '?';
  bool first = true;
  for (const auto& [k, v] : normalised_query) {  // std::map: already sorted by name
    if (!first) key += '&';
    first = false;
    append_escaped(key, k);
    key += '=';
    append_escaped(key, v);
  }
  return key;
}

int ResponseCache::ttl_for(sdk::CachePolicy policy) const {
  return policy == sdk::CachePolicy::Realtime ? std::min(5, impl_->ttl_seconds)
                                              : impl_->ttl_seconds;
}

std::string ResponseCache::encode(const CachedResponse& r) {
  return std::string(kCodecMagic) + "\n" + std::to_string(r.status) + "\n" +
         std::to_string(r.computed_at_ms) + "\n" + r.content_type + "\n" + r.body;
}

std::optional<CachedResponse> ResponseCache::decode(const std::string& value) {
  // Four newline-terminated header lines, then the body verbatim.
  std::size_t pos = 0;
  std::string lines[4];
  for (auto& line : lines) {
    std::size_t nl = value.find('\n', pos);
    if (nl == std::string::npos) return std::nullopt;
    line = value.substr(pos, nl - pos);
    pos = nl + 1;
  }
  if (lines[0] != kCodecMagic) return std::nullopt;
  CachedResponse r;
  try {
    std::size_t used = 0;
    r.status = std::stoi(lines[1], &used);
    if (used != lines[1].size() || r.status < 100 || r.status > 599) return std::nullopt;
    r.computed_at_ms = std::stoll(lines[2], &used);
    if (used != lines[2].size()) return std::nullopt;
  } catch (...) {
    return std::nullopt;
  }
  r.content_type = lines[3];
  r.body = value.substr(pos);
  return r;
}

void ResponseCache::fetch_async(const std::string& tenant, const std::string& key,
                                sdk::CachePolicy policy, std::function<CachedResponse()> compute,
                                const Schedule& schedule, Completion done,
                                const std::string& route) {
  auto backend = impl_->current_backend();
  std::string generation;
  if (backend) {
    try {
      auto lookup = backend->get(tenant, key);
      generation = lookup.generation;
      if (lookup.value) {
        if (auto cached = decode(*lookup.value)) {
          if (impl_->hits) impl_->hits->inc();
          done(&*cached, true, nullptr);
          return;
        }
      }
    } catch (...) {
      generation.clear();  // a throwing backend is a miss, never an error
    }
  }
  if (impl_->misses) impl_->misses->inc();
  FlightCounters counters = impl_->counters_for(route);

  std::string fkey;
  {
    std::lock_guard lock(impl_->flights_mutex);
    fkey = impl_->flight_key(tenant, key, generation);
    auto [it, leader] = impl_->flights.try_emplace(fkey, nullptr);
    if (!leader) {
      it->second->waiters.push_back(std::move(done));
      if (counters.coalesced) counters.coalesced->inc();
      return;
    }
    it->second = std::make_shared<Flight>();
    it->second->waiters.push_back(std::move(done));
  }

  int ttl = ttl_for(policy);
  Impl* impl = impl_.get();
  auto job = [impl, fkey, backend, tenant, key, ttl, generation, counters,
              compute = std::move(compute)]() {
    // A flight that finished after this one's lookup but before it registered has stored its
    // answer: serve that rather than compute the same key and generation twice.
    if (auto stored = stored_since_lookup(backend.get(), tenant, key, generation))
      return impl->finish(fkey, &*stored, nullptr, true);
    std::optional<CachedResponse> result;
    std::exception_ptr error;
    if (counters.computations) counters.computations->inc();
    try {
      result = compute();
    } catch (...) {
      error = std::current_exception();
    }
    if (result && backend && result->status >= 200 && result->status < 300) {
      try {
        backend->put(tenant, key, encode(*result), ttl, generation);
      } catch (...) {
      }
    }
    impl->finish(fkey, result ? &*result : nullptr, error);
  };
  bool scheduled = false;
  try {
    scheduled = schedule(std::move(job));
  } catch (...) {
  }
  if (!scheduled) {
    impl_->finish(fkey, nullptr,
                  std::make_exception_ptr(
                      sdk::HttpError(503, "overloaded", "the server is busy; retry shortly")));
  }
}

CachedResponse ResponseCache::get_or_compute(const std::string& tenant, const std::string& key,
                                             sdk::CachePolicy policy,
                                             const std::function<CachedResponse()>& compute,
                                             bool& hit, const std::string& route) {
  std::promise<std::pair<CachedResponse, bool>> promise;
  auto future = promise.get_future();
  fetch_async(
      tenant, key, policy, compute,
      [](std::function<void()> job) {
        job();
        return true;
      },
      [&promise](const CachedResponse* r, bool was_hit, std::exception_ptr error) {
        if (error)
          promise.set_exception(error);
        else
          promise.set_value({*r, was_hit});
      },
      route);
  auto [response, was_hit] = future.get();
  hit = was_hit;
  return response;
}

CachedResponse ResponseCache::refresh(const std::string& tenant, const std::string& key,
                                      sdk::CachePolicy policy,
                                      const std::function<CachedResponse()>& compute,
                                      const std::string& route) {
  auto backend = impl_->current_backend();
  std::string generation;
  if (backend) {
    try {
      generation = backend->get(tenant, key).generation;
    } catch (...) {
    }
  }
  if (auto* computations = impl_->counters_for(route).computations) computations->inc();
  CachedResponse r = compute();
  if (backend && r.status >= 200 && r.status < 300) {
    try {
      backend->put(tenant, key, encode(r), ttl_for(policy), generation);
    } catch (...) {
    }
  }
  return r;
}

void ResponseCache::record_use(const std::string& tenant, const std::string& path,
                               const std::map<std::string, std::string>& query) {
  impl_->usage.record(tenant, path, query);
}

std::string ResponseCache::backend_name() const {
  auto backend = impl_->current_backend();
  if (!backend) return "none";
  try {
    return backend->name();
  } catch (...) {
    return "unknown";
  }
}

bool ResponseCache::backend_healthy() const {
  auto backend = impl_->current_backend();
  if (!backend) return true;
  try {
    return backend->healthy();
  } catch (...) {
    return false;
  }
}

}  // namespace zaplify::core
