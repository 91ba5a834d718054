#include "config/settings.h"

#include <unistd.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config/config_reference.h"
#include "config/yaml_json.h"

extern char** environ;

namespace zaplify::core {
namespace fs = std::filesystem;

namespace {

std::string join_problems(const std::vector<std::string>& problems, const std::string& source) {
  std::string out =
      source.empty() ? "invalid configuration:" : "invalid configuration in " + source + ":";
  for (const auto& p : problems) out += "\n  - " + p;
  return out;
}

const char* node_kind(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a scalar";
    default:
      return "nothing (null)";
  }
}

bool parse_int64(const std::string& s, std::int64_t& out) {
  const char* first = s.data();
  const char* last = s.data() + s.size();
  if (first != last && *first == '+') ++first;
  auto [p, ec] = std::from_chars(first, last, out);
  return first != last && ec == std::errc() && p == last;
}

// [a-z0-9_]+ by hand: std::regex recurses per character and overflows the stack on long names.
bool is_plugin_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

/// Turns one YAML file into Settings, collecting every problem instead of stopping at the first.
class SettingsParser {
 public:
  SettingsParser(const Environment& env, std::string default_plugins_dir)
      : env_(env), default_plugins_dir_(std::move(default_plugins_dir)) {}

  Settings parse(const YAML::Node& root) {
    parse_root(root);
    apply_env();
    validate();
    if (!problems_.empty()) throw ConfigError(problems_);
    return std::move(s_);
  }

 private:
  void parse_root(const YAML::Node& root) {
    if (!root || root.IsNull()) return;
    if (!root.IsMap()) {
      problems_.push_back("the document must be a mapping of sections, got " +
                          std::string(node_kind(root)));
      return;
    }
    for (const auto& kv : root) {
      const auto key = kv.first.as<std::string>();
      if (key == "plugins") {
        parse_plugins(kv.second);
      } else if (const ConfigKey* k = find_config_key(key)) {
        apply_yaml(*k, kv.second);
      } else if (is_config_section(key)) {
        parse_section(key, kv.second);
      } else {
        problems_.push_back(key + ": unknown key");
      }
    }
  }

  void parse_section(const std::string& section, const YAML::Node& node) {
    if (node.IsNull()) return;
    if (!node.IsMap()) {
      problems_.push_back(section + ": expected a mapping, got " + node_kind(node));
      return;
    }
    for (const auto& kv : node) {
      const auto path = section + "." + kv.first.as<std::string>();
      if (const ConfigKey* k = find_config_key(path))
        apply_yaml(*k, kv.second);
      else
        problems_.push_back(path + ": unknown key");
    }
  }

  void apply_yaml(const ConfigKey& key, const YAML::Node& node) {
    if (node.IsNull() && key.kind == KeyKind::String) {
      assign(key, "", key.path);
      return;
    }
    if (!node.IsScalar()) {
      problems_.push_back(key.path + ": expected " + expected_type(key) + ", got " +
                          node_kind(node));
      return;
    }
    assign(key, node.Scalar(), key.path);
    if (key.path == "auth.secret_key" && !node.Scalar().empty()) secret_in_file_ = true;
  }

  /// Parses `text` as the key's type and stores it; `where` names the key (or env variable).
  void assign(const ConfigKey& key, const std::string& text, const std::string& where) {
    KeyTarget target = key.target(s_);
    if (key.kind == KeyKind::Integer) {
      std::int64_t v = 0;
      if (!parse_int64(text, v) || v < key.min || v > key.max) {
        problems_.push_back(where + ": expected " + expected_type(key) + ", got '" + text + "'");
        return;
      }
      if (auto* i = std::get_if<int*>(&target)) **i = static_cast<int>(v);
      if (auto* l = std::get_if<std::int64_t*>(&target)) **l = v;
      return;
    }
    if (key.kind == KeyKind::Enum &&
        std::find(key.allowed.begin(), key.allowed.end(), text) == key.allowed.end()) {
      problems_.push_back(where + ": expected " + expected_type(key) + ", got '" + text + "'");
      return;
    }
    if (auto* str = std::get_if<std::string*>(&target)) **str = text;
  }

  void parse_plugins(const YAML::Node& node) {
    if (node.IsNull()) return;
    if (!node.IsSequence()) {
      problems_.push_back("plugins: expected a list of {name, library, enabled, config}, got " +
                          std::string(node_kind(node)));
      return;
    }
    for (std::size_t i = 0; i < node.size(); ++i) parse_plugin(i, node[i]);
  }

  void parse_plugin(std::size_t index, const YAML::Node& node) {
    const std::string at = "plugins[" + std::to_string(index) + "]";
    if (!node.IsMap()) {
      problems_.push_back(at + ": expected a mapping {name, library, enabled, config}, got " +
                          node_kind(node));
      return;
    }
    PluginConfig p;
    for (const auto& kv : node) {
      const auto key = kv.first.as<std::string>();
      const auto& v = kv.second;
      if (key == "name" || key == "library") {
        if (!v.IsScalar()) {
          problems_.push_back(at + "." + key + ": expected a string, got " + node_kind(v));
          continue;
        }
        (key == "name" ? p.name : p.library) = v.Scalar();
      } else if (key == "enabled") {
        bool b = true;
        if (!v.IsScalar() || !YAML::convert<bool>::decode(v, b)) {
          problems_.push_back(at + ".enabled: expected a boolean (true or false)");
          continue;
        }
        p.enabled = b;
      } else if (key == "config") {
        if (!v.IsNull() && !v.IsMap()) {
          problems_.push_back(at + ".config: expected a mapping, got " + std::string(node_kind(v)));
          continue;
        }
        try {
          p.config = v.IsNull() ? nlohmann::json::object() : yaml_to_json(v);
        } catch (const std::invalid_argument& e) {
          problems_.push_back(at + ".config: " + e.what());
        }
      } else {
        problems_.push_back(at + "." + key + ": unknown key");
      }
    }
    if (p.name.empty()) problems_.push_back(at + ".name: required");
    if (p.library.empty()) problems_.push_back(at + ".library: required");
    s_.plugins.push_back(std::move(p));
  }

  void apply_env() {
    for (const auto& key : config_keys()) {
      if (key.env.empty() || !key.target) continue;
      auto it = env_.find(key.env);
      if (it == env_.end() || it->second.empty()) continue;
      assign(key, it->second, key.env + " (environment, overrides " + key.path + ")");
    }
  }

  void validate() {
    if (secret_in_file_)
      s_.warnings.push_back(
          "auth.secret_key is written in the config file; prefer the "
          "SECRET_KEY environment variable");
    if (s_.auth.mode == "jwt") {
      if (s_.auth.secret_key.empty())
        problems_.push_back("auth.secret_key: jwt mode needs a secret (set SECRET_KEY)");
      else if (s_.auth.secret_key.size() < 32)
        problems_.push_back("auth.secret_key: the secret must be at least 32 bytes, got " +
                            std::to_string(s_.auth.secret_key.size()));
    }
    if (s_.cache.backend == "redis" && s_.cache.redis_url.empty())
      problems_.push_back("cache.redis_url: required when cache.backend is redis (set REDIS_URL)");
    const auto& url = s_.database.url;
    if (url.rfind("sqlite3://", 0) != 0 && url.rfind("postgresql://", 0) != 0 &&
        url.rfind("postgres://", 0) != 0)
      problems_.push_back(
          "database.url: expected sqlite3://PATH or "
          "postgresql://user:pass@host:port/db");
    validate_plugins();
  }

  void validate_plugins() {
    if (s_.plugins_dir.empty()) s_.plugins_dir = default_plugins_dir_;
    std::set<std::string> names;
    for (std::size_t i = 0; i < s_.plugins.size(); ++i) {
      auto& p = s_.plugins[i];
      const std::string at = "plugins[" + std::to_string(i) + "]";
      if (!p.name.empty() && !is_plugin_name(p.name))
        problems_.push_back(at + ".name: '" + p.name + "' must match [a-z0-9_]+");
      if (!p.name.empty() && !names.insert(p.name).second)
        problems_.push_back(at + ".name: plugin '" + p.name + "' is listed twice");
      if (p.library.empty()) continue;
      fs::path lib(p.library);
      p.library_path =
          (lib.is_absolute() ? lib : fs::path(s_.plugins_dir) / lib).lexically_normal().string();
      std::error_code ec;
      if (p.enabled && !fs::is_regular_file(p.library_path, ec))
        problems_.push_back(at + ".library: plugin '" + p.name +
                            "': file not found: " + p.library_path);
    }
  }

  const Environment& env_;
  std::string default_plugins_dir_;
  Settings s_;
  std::vector<std::string> problems_;
  bool secret_in_file_ = false;
};

}  // namespace

ConfigError::ConfigError(std::vector<std::string> problems, const std::string& source)
    : std::runtime_error(join_problems(problems, source)), problems_(std::move(problems)) {}

Environment process_environment() {
  Environment env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return env;
}

Settings load_settings_from_string(const std::string& yaml_text, const Environment& env,
                                   const std::string& default_plugins_dir,
                                   const std::string& source_name) {
  // A config file is a few KiB; the bound keeps a wrong or hostile file from costing unbounded
  // time and memory in the YAML parser.
  if (yaml_text.size() > kMaxConfigBytes)
    throw ConfigError({"the file is larger than " + std::to_string(kMaxConfigBytes) + " bytes"},
                      source_name);
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's own text for this is only "bad file".
    throw ConfigError(
        {"nesting deeper than " + std::to_string(e.depth()) + " levels at line " +
         std::to_string(e.mark.line + 1) + ", column " + std::to_string(e.mark.column + 1)},
        source_name);
  } catch (const YAML::Exception& e) {
    throw ConfigError({"YAML syntax error at line " + std::to_string(e.mark.line + 1) +
                       ", column " + std::to_string(e.mark.column + 1) + ": " + e.msg},
                      source_name);
  }
  Settings s;
  try {
    s = SettingsParser(env, default_plugins_dir).parse(root);
  } catch (const ConfigError& e) {
    throw ConfigError(e.problems(), source_name);
  } catch (const YAML::Exception& e) {
    throw ConfigError({source_name + ": " + e.msg}, source_name);
  }
  s.source_path = source_name;
  return s;
}

Settings load_settings(const std::string& yaml_path, const Environment& env,
                       const std::string& default_plugins_dir) {
  std::ifstream in(yaml_path);
  if (!in) throw ConfigError({"config file not readable: " + yaml_path});
  std::ostringstream text;
  text << in.rdbuf();
  return load_settings_from_string(text.str(), env, default_plugins_dir, yaml_path);
}

std::string default_plugins_dir_for_executable() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "plugins";
  return (exe.parent_path() / ".." / "plugins").lexically_normal().string();
}

}  // namespace zaplify::core
