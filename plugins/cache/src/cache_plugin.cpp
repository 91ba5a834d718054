// The cache plugin: installs the response-cache store chosen by `cache.backend` and serves
// POST /analytics/cache/refresh.

#include <memory>
#include <stdexcept>
#include <string>

#include "memory_backend.h"
#include "redis_backend.h"
#include "redis_url.h"
#include "refresh_route.h"
#include "zaplify/sdk/sdk.h"

namespace zaplify::cache {
namespace {

std::shared_ptr<sdk::CacheBackend> make_redis(sdk::Host& host) {
  const auto& settings = host.settings();
  auto endpoint = parse_redis_url(settings.redis_url);
  if (!endpoint)
    throw std::invalid_argument(
        "cache.backend is redis but REDIS_URL / cache.redis_url is not a "
        "redis://[:password@]host:port[/db] URL");
  const nlohmann::json& config = host.config();
  RedisOptions options;
  options.endpoint = std::move(*endpoint);
  // Checked against cache_config() by the host, defaults filled in.
  options.connect_timeout_ms = config.at("connect_timeout_ms").get<int>();
  options.io_timeout_ms = config.at("io_timeout_ms").get<int>();
  options.reconnect_backoff_ms = config.at("reconnect_backoff_ms").get<int>();
  options.max_idle_connections = config.at("max_idle_connections").get<int>();
  options.key_prefix = config.at("key_prefix").get<std::string>();
  options.errors =
      &host.metrics().counter("cache_backend_errors_total",
                              "Failed cache backend operations (Redis unreachable or erroring)");
  options.reconnects = &host.metrics().counter("cache_backend_reconnects_total",
                                               "Redis connections re-established after a failure");
  auto backend = std::make_shared<RedisBackend>(std::move(options));
  if (!backend->healthy())
    host.logger().warn("Redis is not reachable yet; serving uncached until it is");
  return backend;
}

/// The `config:` block: tuning of the store cache.backend chooses (the defaults suit most).
sdk::ConfigSpec cache_config() {
  namespace s = sdk::schema;
  auto ms = [](const char* what) { return s::integer(what).with_unit("ms"); };
  const RedisOptions redis;  // its defaults are the documented ones
  auto text = [](int v) { return std::to_string(v); };
  sdk::ConfigSpec spec;
  spec.keys = {
      {"shards", s::integer("memory backend: independently locked LRU shards"), "16", false, 1,
       1024},
      {"connect_timeout_ms", ms("redis backend: connect timeout"), text(redis.connect_timeout_ms),
       false, 1, 60000},
      {"io_timeout_ms", ms("redis backend: timeout of one command"), text(redis.io_timeout_ms),
       false, 1, 60000},
      {"reconnect_backoff_ms", ms("redis backend: wait before reconnecting after a failure"),
       text(redis.reconnect_backoff_ms), false, 0, 600000},
      {"max_idle_connections", s::integer("redis backend: pooled idle connections"),
       text(redis.max_idle_connections), false, 0, 1024},
      {"key_prefix",
       s::string("redis backend: prefix of every key (instances sharing a Redis "
                 "database with other applications)"),
       nlohmann::json(redis.key_prefix).dump()}};
  return spec;
}

class CachePlugin final : public sdk::Plugin {
 public:
  void start(sdk::Host& host) override {
    const std::string& kind = host.settings().cache_backend;
    std::shared_ptr<sdk::CacheBackend> backend;
    if (kind == "redis") {
      backend = make_redis(host);
    } else if (kind == "memory" || kind.empty()) {
      std::int64_t max_bytes = host.settings().cache_max_bytes;
      if (max_bytes <= 0) throw std::invalid_argument("cache_max_bytes must be positive");
      backend = std::make_shared<MemoryBackend>(max_bytes, host.config().at("shards").get<int>());
    } else {
      throw std::invalid_argument("cache.backend must be \"memory\" or \"redis\", not \"" + kind +
                                  "\"");
    }
    host.logger().info("cache backend: " + backend->name());
    host.cache().set_backend(std::move(backend));
    host.routes().add(make_refresh_route(host.cache()));
  }
};

}  // namespace
}  // namespace zaplify::cache

ZAPLIFY_PLUGIN(zaplify::cache::CachePlugin, "cache", "1.0.0",
               "Response cache stores (in-process LRU or Redis) and the cache refresh endpoint")
ZAPLIFY_PLUGIN_CONFIG(zaplify::cache::cache_config)
