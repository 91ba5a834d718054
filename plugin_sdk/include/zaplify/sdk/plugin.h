#pragma once
// The plugin contract: a descriptor, a Plugin object with start/stop, the Host services it may use,
// and the one macro that exports a plugin's entry points.
//
// Life of a plugin (all driven by the host):
//   dlopen → read descriptor → ABI version matches? → create → start(Host&) registers routes, data
//   sources, migrations and hooks → host validates and applies migrations → routes go live.
//   On unload: routes leave the table → in-flight handlers finish → stop() → destroy → dlclose.
// Nothing a plugin registered outlives stop(); the host keeps the library loaded while any of its
// handlers, producers, hooks or backends runs.

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "zaplify/sdk/cache.h"
#include "zaplify/sdk/calendar.h"
#include "zaplify/sdk/config.h"
#include "zaplify/sdk/data_source.h"
#include "zaplify/sdk/event_types.h"
#include "zaplify/sdk/events.h"
#include "zaplify/sdk/funnels.h"
#include "zaplify/sdk/http.h"
#include "zaplify/sdk/projection.h"
#include "zaplify/sdk/store.h"
#include "zaplify/sdk/telemetry.h"
#include "zaplify/sdk/version.h"

namespace zaplify::sdk {

/// What a plugin was compiled with, as far as it matters across the boundary: SDK types carry
/// std::string, std::function and nlohmann::json by value, so host and plugin must agree on the
/// standard library's layout and on the JSON library's version. Filled by ZAPLIFY_PLUGIN.
struct PluginToolchain {
  const char* compiler;  ///< Informational, e.g. "gcc 12.2.0" or "clang 14.0.6".
  /// Must equal the host's: the C++ standard library, its release and its string ABI, e.g.
  /// "libstdc++ 12, cxx11 ABI" (libstdc++ keeps layouts within a release family, not across ABIs).
  const char* standard_library;
  /// Must equal the host's: nlohmann-json's version as major·10000 + minor·100 + patch.
  std::uint32_t json_version;
};

/// Read by the host before anything else in the plugin runs. Static storage, never freed.
/// The host reads `abi_version` first (it stays the first field in every ABI), then no more than
/// `descriptor_size` bytes. It refuses the plugin, saying what differs, when: the plugin's ABI is
/// outside what the host loads (ZAPLIFY_SDK_MIN_PLUGIN_ABI … ZAPLIFY_SDK_ABI_VERSION), the
/// descriptor is shorter than this ABI's, the plugin needs a newer host (`min_host_abi`), or the
/// toolchain's standard library or JSON version differ from the host's.
struct PluginDescriptor {
  std::uint32_t abi_version;      ///< ZAPLIFY_SDK_ABI_VERSION of the SDK the plugin was built with.
  std::uint32_t descriptor_size;  ///< sizeof(PluginDescriptor) as the plugin was built.
  const char* name;               ///< Unique plugin name, [a-z0-9_]+.
  const char* version;            ///< The plugin's own version, e.g. "1.2.0".
  const char* description;        ///< One line.
  std::uint32_t min_host_abi;     ///< The oldest host ABI the plugin runs on.
  PluginToolchain toolchain;
};

/// Settings of the host that plugins may read (the YAML's metrics.retention_days,
/// realtime.window_minutes, cache.ttl_seconds and cache.backend). Plain values, copied at start.
struct HostSettings {
  int retention_days = 90;
  int realtime_window_minutes = 5;
  int cache_ttl_seconds = 3600;
  std::string cache_backend = "memory";       ///< "memory" | "redis" (cache.backend).
  std::string redis_url;                      ///< REDIS_URL / cache.redis_url; may be empty.
  std::int64_t cache_max_bytes = 64ll << 20;  ///< Bound of the in-process cache.
  std::string version;                        ///< The server's version.
};

/// The services the host offers a plugin. Every reference returned belongs to the host and stays
/// valid until the plugin's stop() returns. Registration methods may be called only during start().
class ZAPLIFY_SDK_API Host {
 public:
  virtual ~Host() = default;
  /// The plugin's own `config:` block from the YAML, as JSON (an empty object when absent). With
  /// ZAPLIFY_PLUGIN_CONFIG (config.h): already checked against the declaration, defaults applied.
  virtual const nlohmann::json& config() const = 0;
  virtual const HostSettings& settings() const = 0;
  virtual RouteRegistry& routes() = 0;
  virtual DataSourceRegistry& data_sources() = 0;
  virtual MigrationRegistry& migrations() = 0;
  virtual IngestHookRegistry& ingest_hooks() = 0;
  virtual CacheControl& cache() = 0;
  virtual const Store& store() const = 0;
  /// Runs `work` in one write transaction on the event store (commit when it returns, rollback
  /// when it throws). For the plugin's own tables only (e.g. background re-scoring); never write
  /// the events table. Thread-safe; may wait while ingestion writes (SQLite has one writer).
  virtual void write(const std::function<void(SqlWriter&)>& work) = 0;
  virtual const Calendar& calendar() const = 0;
  virtual Logger& logger() = 0;
  virtual MetricsRegistry& metrics() = 0;
  /// Directory of the plugin's .so file, for data files shipped beside it.
  virtual std::string plugin_dir() const = 0;
  /// Derived tables the host keeps in step with the event log (projection.h). Appended in SDK
  /// 1.1; same ABI.
  virtual ProjectionRegistry& projections() = 0;
  /// The tenant's current funnel definitions, one rule for every plugin (funnels.h). Appended in
  /// SDK 1.1; same ABI.
  virtual const FunnelCatalog& funnels() const = 0;
  /// The plugin's own event types (event_types.h): ingestion accepts them while the plugin runs
  /// and stops when it is unloaded. SDK 2.0 (ABI 2).
  virtual EventTypeRegistry& event_types() = 0;
};

/// Implemented by every plugin. One object per load.
class ZAPLIFY_SDK_API Plugin {
 public:
  virtual ~Plugin() = default;
  /// Required. Registers everything the plugin offers. Throwing marks the plugin `failed` (the
  /// error is shown in /health and /admin/plugins) and the others keep serving.
  virtual void start(Host& host) = 0;
  /// Optional. Called after the plugin's routes left the table and its in-flight calls finished;
  /// stop background work here. Must not throw.
  virtual void stop() noexcept {}
};

}  // namespace zaplify::sdk

// The toolchain of the translation unit that expands it (see PluginToolchain).
#define ZAPLIFY_SDK_STRINGIFY_(x) #x
#define ZAPLIFY_SDK_STRINGIFY(x) ZAPLIFY_SDK_STRINGIFY_(x)
#if defined(__clang__)
#define ZAPLIFY_SDK_COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define ZAPLIFY_SDK_COMPILER "gcc " __VERSION__
#else
#define ZAPLIFY_SDK_COMPILER "unknown compiler"
#endif
#if defined(_GLIBCXX_RELEASE) && _GLIBCXX_USE_CXX11_ABI
#define ZAPLIFY_SDK_STDLIB "libstdc++ " ZAPLIFY_SDK_STRINGIFY(_GLIBCXX_RELEASE) ", cxx11 ABI"
#elif defined(_GLIBCXX_RELEASE)
#define ZAPLIFY_SDK_STDLIB "libstdc++ " ZAPLIFY_SDK_STRINGIFY(_GLIBCXX_RELEASE) ", old string ABI"
#elif defined(_LIBCPP_VERSION)
#define ZAPLIFY_SDK_STDLIB "libc++ " ZAPLIFY_SDK_STRINGIFY(_LIBCPP_VERSION)
#else
#define ZAPLIFY_SDK_STDLIB "unknown standard library"
#endif
#define ZAPLIFY_SDK_TOOLCHAIN                                                       \
  ::zaplify::sdk::PluginToolchain {                                                 \
    ZAPLIFY_SDK_COMPILER, ZAPLIFY_SDK_STDLIB,                                       \
        NLOHMANN_JSON_VERSION_MAJOR * 10000u + NLOHMANN_JSON_VERSION_MINOR * 100u + \
            NLOHMANN_JSON_VERSION_PATCH                                             \
  }

/// Exports a plugin's three C entry points. Use once, in one .cpp file of the plugin:
///   ZAPLIFY_PLUGIN(MyPlugin, "my_plugin", "1.0.0", "What it does")
#define ZAPLIFY_PLUGIN(PluginClass, NAME, VERSION, DESCRIPTION)                             \
  extern "C" __attribute__((visibility("default"))) const ::zaplify::sdk::PluginDescriptor* \
  zaplify_plugin_descriptor() noexcept {                                                    \
    static const ::zaplify::sdk::PluginDescriptor descriptor{                               \
        ZAPLIFY_SDK_ABI_VERSION,                                                            \
        sizeof(::zaplify::sdk::PluginDescriptor),                                           \
        NAME,                                                                               \
        VERSION,                                                                            \
        DESCRIPTION,                                                                        \
        ZAPLIFY_SDK_ABI_VERSION,                                                            \
        ZAPLIFY_SDK_TOOLCHAIN};                                                             \
    return &descriptor;                                                                     \
  }                                                                                         \
  extern "C" __attribute__((visibility("default"))) ::zaplify::sdk::Plugin*                 \
  zaplify_plugin_create() noexcept {                                                        \
    try {                                                                                   \
      return new PluginClass();                                                             \
    } catch (...) {                                                                         \
      return nullptr;                                                                       \
    }                                                                                       \
  }                                                                                         \
  extern "C" __attribute__((visibility("default"))) void zaplify_plugin_destroy(            \
      ::zaplify::sdk::Plugin* plugin) noexcept {                                            \
    delete plugin;                                                                          \
  }
