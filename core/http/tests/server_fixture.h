#pragma once
// A real HttpServer on a free loopback port with test routes, fakes around it.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "auth/authenticator.h"
#include "cache/response_cache.h"
#include "cache/tests/fake_backend.h"
#include "http/server.h"
#include "observability/prometheus.h"

namespace zaplify::core::testing {

class Gate {
 public:
  void open() {
    std::lock_guard l(m_);
    open_ = true;
    cv_.notify_all();
  }
  void wait() {
    std::unique_lock l(m_);
    cv_.wait(l, [this] { return open_; });
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool open_ = false;
};

class FixedRoutes : public RouteTableSource {
 public:
  explicit FixedRoutes(std::shared_ptr<const RouteTable> t) : table_(std::move(t)) {}
  std::shared_ptr<const RouteTable> current() const override { return table_; }

 private:
  std::shared_ptr<const RouteTable> table_;
};

/// Formats like the real calendar for whole seconds (enough for presence checks).
class FakeCalendar : public sdk::Calendar {
 public:
  std::int64_t now_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  std::vector<std::int64_t> bucket_starts(const sdk::Window&) const override { return {}; }
  std::vector<std::int64_t> day_starts(const sdk::Window&) const override { return {}; }
  std::string format_utc(std::int64_t ms) const override { return std::to_string(ms); }
  std::string format_local(std::int64_t ms, const std::string&) const override {
    return format_utc(ms);
  }
  std::string local_date(std::int64_t, const std::string&) const override { return "1970-01-01"; }
};

inline std::shared_ptr<const RouteEntry> route(sdk::RouteSpec spec, std::string plugin = "test") {
  auto e = std::make_shared<RouteEntry>();
  e->spec = std::move(spec);
  e->plugin = std::move(plugin);
  return e;
}

inline sdk::RouteSpec get_spec(std::string path, sdk::Handler h, bool heavy = true) {
  sdk::RouteSpec s;
  s.path = std::move(path);
  s.handler = std::move(h);
  s.heavy = heavy;
  return s;
}

struct ServerHarness {
  ServerHarness(std::vector<std::shared_ptr<const RouteEntry>> routes, HttpSettings settings = {},
                AuthSettings auth_settings = {})
      : source(std::make_shared<RouteTable>(std::move(routes))),
        auth(std::move(auth_settings)),
        cache(3600, &metrics) {
    backend = std::make_shared<FakeBackend>();
    cache.set_backend(backend);
    settings.host = "127.0.0.1";
    settings.port = 0;
    server = std::make_unique<HttpServer>(
        settings, HttpServices{&source, &auth, &cache, &metrics, &calendar});
    server->start();
  }
  ~ServerHarness() { server->shutdown(2000); }
  std::uint16_t port() const { return server->port(); }

  FixedRoutes source;
  Authenticator auth;
  PrometheusRegistry metrics;
  ResponseCache cache;
  FakeCalendar calendar;
  std::shared_ptr<FakeBackend> backend;
  std::unique_ptr<HttpServer> server;
};

}  // namespace zaplify::core::testing
