// libFuzzer target: arbitrary bytes as the YAML configuration file through the real loader and
// validator. The only accepted outcomes are a Settings value that keeps every documented rule, or
// a ConfigError naming the file; any other exception, crash, hang or memory blow-up is a bug.

#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <variant>

#include "config/config_reference.h"
#include "config/settings.h"

namespace {

namespace fs = std::filesystem;
using zaplify::core::KeyKind;
using zaplify::core::Settings;

const char* const kSource = "fuzz.yaml";

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "invariant violated: %s\n", what);
  std::abort();
}
#define FUZZ_CHECK(cond) \
  if (!(cond)) fail(#cond)

// Empty stand-ins for the shipped plugins, so valid seeds get past the library check and reach the
// success path (existence is all the loader checks). Removed when the fuzzer exits normally.
struct PluginsDir {
  fs::path path = fs::temp_directory_path() / ("zaplify_config_fuzz_" + std::to_string(::getpid()));
  PluginsDir() {
    fs::create_directories(path);
    for (const char* lib : {"metrics.so", "funnel.so", "conversation.so", "export.so", "cache.so"})
      std::ofstream(path / lib) << "";
  }
  ~PluginsDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

const std::string& plugins_dir() {
  static const PluginsDir dir;
  static const std::string text = dir.path.string();
  return text;
}

void check_key(const zaplify::core::ConfigKey& key, Settings& s) {
  auto target = key.target(s);
  if (key.kind == KeyKind::Integer) {
    std::int64_t v = 0;
    if (auto* i = std::get_if<int*>(&target)) v = **i;
    if (auto* l = std::get_if<std::int64_t*>(&target)) v = **l;
    FUZZ_CHECK(v >= key.min && v <= key.max);
  }
  if (key.kind == KeyKind::Enum) {
    const std::string& v = *std::get<std::string*>(target);
    FUZZ_CHECK(std::find(key.allowed.begin(), key.allowed.end(), v) != key.allowed.end());
  }
}

bool plugin_name_ok(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

void check_settings(Settings& s) {
  for (const auto& key : zaplify::core::config_keys())
    if (key.target) check_key(key, s);
  if (s.auth.mode == "jwt") FUZZ_CHECK(s.auth.secret_key.size() >= 32);
  if (s.cache.backend == "redis") FUZZ_CHECK(!s.cache.redis_url.empty());
  const std::string& url = s.database.url;
  FUZZ_CHECK(url.rfind("sqlite3://", 0) == 0 || url.rfind("postgresql://", 0) == 0 ||
             url.rfind("postgres://", 0) == 0);
  FUZZ_CHECK(!s.plugins_dir.empty());
  FUZZ_CHECK(s.source_path == kSource);
  std::set<std::string> names;
  for (const auto& p : s.plugins) {
    FUZZ_CHECK(plugin_name_ok(p.name));
    FUZZ_CHECK(names.insert(p.name).second);
    FUZZ_CHECK(!p.library.empty() && !p.library_path.empty());
    FUZZ_CHECK(p.config.is_object());
    std::error_code ec;
    if (p.enabled) FUZZ_CHECK(fs::is_regular_file(p.library_path, ec));
    // Plugins get it as JSON and the host serialises with replacement (YAML strings may hold
    // invalid UTF-8, which the loader does not promise to reject); that must work.
    (void)p.config.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string yaml(reinterpret_cast<const char*>(data), size);
  try {
    Settings s = zaplify::core::load_settings_from_string(yaml, {}, plugins_dir(), kSource);
    check_settings(s);
  } catch (const zaplify::core::ConfigError& e) {
    FUZZ_CHECK(!e.problems().empty());
    FUZZ_CHECK(std::string(e.what()).rfind(std::string("invalid configuration in ") + kSource + ":",
                                           0) == 0);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "undocumented exception from the config loader: %s\n", e.what());
    std::abort();
  }
  return 0;
}
