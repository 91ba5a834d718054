#include "scenario_spec.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace zaplify::bench {
namespace {

// "all", "none" or a comma-separated list of the shipped plugins (an ingest with only those on).
bool known_plugin_list(const std::string& plugins) {
  if (plugins == "all" || plugins == "none") return true;
  std::stringstream items(plugins);
  std::string name;
  int count = 0;
  while (std::getline(items, name, ',')) {
    if (name != "metrics" && name != "funnel" && name != "conversation" && name != "export" &&
        name != "cache")
      return false;
    ++count;
  }
  return count > 0;
}

ScenarioKind kind_from(const std::string& s, const std::string& entry) {
  if (s == "ingest") return ScenarioKind::Ingest;
  if (s == "latency") return ScenarioKind::Latency;
  if (s == "export") return ScenarioKind::Export;
  if (s == "throughput") return ScenarioKind::Throughput;
  if (s == "raw-insert") return ScenarioKind::RawInsert;
  throw std::runtime_error("scenario " + entry + ": unknown kind '" + s + "'");
}

// A bar value is a number, or an object {"sqlite": n, "postgres": n}.
std::optional<double> bar_value(const nlohmann::json& bar, const char* key,
                                const std::string& database, const std::string& entry) {
  auto it = bar.find(key);
  if (it == bar.end()) return std::nullopt;
  if (it->is_number()) return it->get<double>();
  if (it->is_object()) {
    auto db = it->find(database);
    if (db == it->end()) return std::nullopt;
    if (db->is_number()) return db->get<double>();
  }
  throw std::runtime_error("scenario " + entry + ": bar." + key + " must be a number or a " +
                           "per-database object of numbers");
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::vector<ScenarioSpec> parse_scenarios(const nlohmann::json& doc, const std::string& database) {
  if (!doc.is_object() || !doc.contains("scenarios") || !doc["scenarios"].is_array())
    throw std::runtime_error("scenarios file: expected {\"scenarios\": [...]}");
  std::vector<ScenarioSpec> out;
  for (const auto& e : doc["scenarios"]) {
    ScenarioSpec s;
    if (!e.contains("name") || !e["name"].is_string())
      throw std::runtime_error("scenarios file: an entry has no string 'name'");
    s.name = e["name"];
    try {
      s.plugin = e.value("plugin", "");
      s.kind = kind_from(e.value("kind", "latency"), s.name);
      s.method = e.value("method", s.kind == ScenarioKind::Ingest ? "POST" : "GET");
      s.path =
          s.kind == ScenarioKind::RawInsert ? e.value("path", "") : e.at("path").get<std::string>();
      s.plugins = e.value("plugins", "all");
      s.window = e.value("window", "30d");
      s.repetitions = e.value("repetitions", 10);
      s.warmup = e.value("warmup", 1);
      s.cached = e.value("cached", false);
      s.connections = e.value("connections", 4);
      s.duration_s = e.value("duration_s", 5.0);
      s.wrk = e.value("wrk", false);
      s.time_budget_s = e.value("time_budget_s", 60.0);
    } catch (const nlohmann::json::exception& ex) {
      throw std::runtime_error("scenario " + s.name + ": " + ex.what());
    }
    if (s.repetitions < 1 || s.warmup < 0 || s.connections < 1 || s.duration_s <= 0)
      throw std::runtime_error("scenario " + s.name + ": repetitions, connections and " +
                               "duration_s must be positive, warmup not negative");
    if ((s.plugins != "all" && s.kind != ScenarioKind::Ingest) || !known_plugin_list(s.plugins))
      throw std::runtime_error("scenario " + s.name + ": plugins must be \"all\", or \"none\" " +
                               "or a comma-separated list of plugins for an ingest scenario");
    if (auto b = e.find("bar"); b != e.end()) {
      s.bar.median_ms_max = bar_value(*b, "median_ms_max", database, s.name);
      s.bar.p99_ms_max = bar_value(*b, "p99_ms_max", database, s.name);
      s.bar.throughput_min = bar_value(*b, "throughput_min", database, s.name);
      s.bar.rss_growth_mb_max = bar_value(*b, "rss_growth_mb_max", database, s.name);
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<ScenarioSpec> load_scenarios(const std::string& path, const std::string& database) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read scenarios file " + path);
  try {
    return parse_scenarios(nlohmann::json::parse(in), database);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error("scenarios file " + path + ": " + e.what());
  }
}

std::string substitute(const std::string& text, const std::map<std::string, std::string>& vars) {
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto open = text.find('{', pos);
    if (open == std::string::npos) break;
    auto close = text.find('}', open);
    if (close == std::string::npos) break;
    out.append(text, pos, open - pos);
    std::string key = text.substr(open + 1, close - open - 1);
    auto it = vars.find(key);
    if (it == vars.end()) throw std::runtime_error("unknown placeholder {" + key + "} in " + text);
    out += it->second;
    pos = close + 1;
  }
  out.append(text, pos, std::string::npos);
  return out;
}

void judge(const Bar& bar, ScenarioResult& r) {
  std::vector<std::string> parts;
  bool ok = true;
  auto check = [&](bool pass, std::string text) {
    parts.push_back(std::move(text));
    ok = ok && pass;
  };
  if (bar.median_ms_max)
    check(r.median_ms <= *bar.median_ms_max, "median <= " + fmt(*bar.median_ms_max) + " ms");
  if (bar.p99_ms_max) check(r.p99_ms <= *bar.p99_ms_max, "p99 <= " + fmt(*bar.p99_ms_max) + " ms");
  if (bar.throughput_min)
    check(r.throughput >= *bar.throughput_min, ">= " + fmt(*bar.throughput_min) + " " + r.unit);
  if (bar.rss_growth_mb_max)
    check(r.rss_growth_mb >= 0 && r.rss_growth_mb <= *bar.rss_growth_mb_max,
          "RSS growth <= " + fmt(*bar.rss_growth_mb_max) + " MB");
  if (parts.empty()) return;
  if (r.requests == 0 || r.errors > 0) ok = false;
  r.bar.clear();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) r.bar += ", ";
    r.bar += parts[i];
  }
  r.verdict = ok ? "met" : "MISSED";
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream s(text);
  std::string item;
  while (std::getline(s, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace zaplify::bench
