// zaplify-bench: starts the server against a fresh database, ingests demo data over HTTP and
// measures the read paths; prints a Markdown (or JSON) report. See bench/README.md.

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "backfill.h"
#include "bench_run.h"
#include "config/yaml_json.h"
#include "dataset.h"
#include "demo/demo_generator.h"
#include "options.h"
#include "report.h"
#include "scenario_spec.h"
#include "soak_report.h"
#include "soak_run.h"

namespace zb = zaplify::bench;
namespace fs = std::filesystem;

namespace {

std::string exe_dir() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : p.parent_path().string();
}

// The file's scenarios, in file order, restricted to --scenarios. Our own server ingests before
// it serves reads; only the scenarios that run apart (ingest-core, raw-insert) need no server A.
std::vector<zb::ScenarioSpec> select(const zb::BenchOptions& o, const std::string& database) {
  auto all = zb::load_scenarios(o.scenarios_file, database);
  std::set<std::string> wanted(o.scenarios.begin(), o.scenarios.end());
  std::set<std::string> known;
  bool reads = false;
  for (const auto& s : all)
    reads =
        reads || (wanted.count(s.name) && s.kind != zb::ScenarioKind::Ingest && !zb::runs_apart(s));
  std::vector<zb::ScenarioSpec> out;
  for (const auto& s : all) {
    known.insert(s.name);
    bool forced =
        reads && s.kind == zb::ScenarioKind::Ingest && !zb::runs_apart(s) && o.server_url.empty();
    if (wanted.empty() || wanted.count(s.name) || forced) out.push_back(s);
  }
  for (const auto& w : wanted)
    if (!known.count(w)) throw std::invalid_argument("unknown scenario '" + w + "' in --scenarios");
  return out;
}

zb::Dataset generate(const zb::BenchOptions& o, std::int64_t end_ms, const std::string& tenant,
                     std::int64_t leads, zb::DataShape shape = zb::DataShape::TimeOrdered) {
  zaplify::core::DemoOptions demo;
  demo.tenant = tenant;
  demo.seed = o.seed;
  demo.leads = leads;
  demo.days = o.days;
  demo.end_ms = end_ms;
  zaplify::core::DemoGenerator gen(demo);
  std::cerr << "[zaplify-bench] generating " << leads << " leads of " << zb::data_shape_name(shape)
            << " demo data for '" << tenant << "'" << std::endl;
  zb::EventSource source = [&gen](std::vector<nlohmann::json>& out, std::size_t max) {
    return gen.next_batch(out, max);
  };
  auto data = shape == zb::DataShape::Backfill ? zb::build_backfill_dataset(source, 1000, o.seed)
                                               : zb::build_dataset(source, 1000);
  std::cerr << "[zaplify-bench] " << data.stats.events << " events in " << data.bodies.size()
            << " batches, generated in " << data.generate_seconds << " s" << std::endl;
  return data;
}

std::string shape_note(zb::DataShape shape) {
  return shape == zb::DataShape::Backfill
             ? "backfill-shaped (every event of the window in a seeded random order, ids with a "
               "hashed "
               "prefix: an import or a replay)"
             : "time-ordered (lead by lead, ids in generation order: live traffic)";
}

std::string dataset_note(const zb::Dataset& d, const zb::BenchOptions& o, std::int64_t leads,
                         zb::DataShape shape = zb::DataShape::TimeOrdered) {
  std::uint64_t lead_msgs = 0;
  for (const auto& [day, n] : d.stats.lead_messages_by_day) lead_msgs += n;
  std::string types;
  for (const auto& [t, n] : d.stats.by_type) {
    if (!types.empty()) types += ", ";
    types += t + " " + std::to_string(n);
  }
  return "dataset " + zb::data_shape_name(shape) + ": " + shape_note(shape) + "; demo generator, " +
         std::to_string(leads) + " leads, " + std::to_string(o.days) + " days, seed " +
         std::to_string(o.seed) + ": " + std::to_string(d.stats.events) + " events (" + types +
         "), " + std::to_string(lead_msgs) + " lead messages, from " +
         zb::format_rfc3339_ms(d.stats.min_ts_ms) + " to " +
         zb::format_rfc3339_ms(d.stats.max_ts_ms);
}

// `--plugin-configs-from`: each plugin's `config:` block in a server YAML, as JSON text.
std::map<std::string, std::string> read_plugin_configs(const std::string& path) {
  std::map<std::string, std::string> out;
  if (!fs::exists(path))
    throw std::invalid_argument("--plugin-configs-from: no file '" + path + "'");
  for (const auto& plugin : YAML::LoadFile(path)["plugins"]) {
    if (!plugin["name"] || !plugin["config"]) continue;
    out[plugin["name"].as<std::string>()] = zaplify::core::yaml_to_json(plugin["config"]).dump();
  }
  return out;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// `--scenarios soak`: one long mixed run per database instead of the scenario table.
int run_soak_mode(const zb::BenchOptions& o) {
  if (o.scenarios.size() != 1) throw std::invalid_argument("--scenarios soak runs alone");
  if (!o.server_url.empty())
    throw std::invalid_argument("soak starts its own server: no --server-url");
  std::int64_t end_ms = now_ms();
  std::string load_at_start = zb::load_average();
  zb::Dataset growing = generate(o, end_ms, o.tenant, o.soak.leads);
  zb::Dataset fixed = generate(o, end_ms, o.tenant + "-static", o.soak.leads);
  std::string work =
      (fs::temp_directory_path() / ("zaplify-soak-" + std::to_string(::getpid()))).string();
  fs::create_directories(work);
  auto machine = zb::machine_info();
  std::string text;
  bool passed = true;
  for (const auto& db : o.databases) {
    auto result = zb::run_soak(o, db, growing, fixed, work);
    std::vector<std::string> notes{"seed: " + dataset_note(growing, o, o.soak.leads) +
                                       "; the same again for tenant '" + o.tenant + "-static'",
                                   "load average (1/5/15 min) at start: " + load_at_start +
                                       "; at end: " + zb::load_average() +
                                       " (other processes share the CPUs)"};
    if (o.keep_work_dir) notes.push_back("work folder kept: " + work);
    text +=
        o.json ? zb::render_soak_json(result, o.soak, machine, o.command_line, notes).dump(2) + "\n"
               : zb::render_soak_markdown(result, o.soak, machine, o.command_line, notes);
    passed = passed && result.row.verdict == "met";
  }
  if (!o.keep_work_dir) fs::remove_all(work);
  std::cout << text;
  if (!o.output_file.empty()) std::ofstream(o.output_file) << text;
  return passed ? 0 : 3;
}

int run(const zb::BenchOptions& o) {
  if (std::find(o.scenarios.begin(), o.scenarios.end(), "soak") != o.scenarios.end())
    return run_soak_mode(o);
  if (o.scenarios_file.empty() || !fs::exists(o.scenarios_file))
    throw std::invalid_argument("scenarios file not found: '" + o.scenarios_file +
                                "' (--scenarios-file)");
  std::int64_t end_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  std::string load_at_start = zb::load_average();
  bool needs_data = false;
  for (const auto& s : select(o, o.databases.front()))
    needs_data =
        needs_data || s.kind == zb::ScenarioKind::Ingest || s.kind == zb::ScenarioKind::RawInsert;
  std::string work =
      (fs::temp_directory_path() / ("zaplify-bench-" + std::to_string(::getpid()))).string();
  fs::create_directories(work);
  std::vector<zb::ScenarioResult> results;
  std::vector<std::string> notes;
  // One data set in memory at a time: a million backfill events hold ~0.5 GB until serialised.
  for (const auto& shape_name : o.data_shapes) {
    zb::DataShape shape = zb::data_shape_from(shape_name);
    zb::Dataset data;
    if (needs_data) {
      data = generate(o, end_ms, o.tenant, o.leads, shape);
      notes.push_back(dataset_note(data, o, o.leads, shape));
    }
    for (const auto& db : o.databases) {
      zb::BenchRun bench(o, select(o, db), needs_data ? &data : nullptr, end_ms, work, shape_name);
      bench.run(db, results, notes);
    }
  }
  if (o.keep_work_dir)
    notes.push_back("work folder kept: " + work);
  else
    fs::remove_all(work);
  notes.push_back("load average (1/5/15 min) at start: " + load_at_start +
                  "; at end: " + zb::load_average() + " (other processes share the CPUs)");
  auto machine = zb::machine_info();
  std::string text = o.json
                         ? zb::render_json(results, machine, o.command_line, notes).dump(2) + "\n"
                         : zb::render_markdown(results, machine, o.command_line, notes);
  std::cout << text;
  if (!o.output_file.empty()) std::ofstream(o.output_file) << text;
  for (const auto& r : results)
    if (r.verdict == "MISSED" || r.errors)
      return 3;  // distinguishes "ran, bar missed" from failures
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  bool help = false;
  try {
    auto options = zb::parse_options(argc, argv, exe_dir(), help);
    if (help) {
      std::cout << zb::usage();
      return 0;
    }
    if (!options.plugin_configs_from.empty())
      options.plugin_configs = read_plugin_configs(options.plugin_configs_from);
    return run(options);
  } catch (const std::invalid_argument& e) {
    std::cerr << "zaplify-bench: " << e.what() << "\n" << zb::usage();
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "zaplify-bench: " << e.what() << "\n";
    return 1;
  }
}
