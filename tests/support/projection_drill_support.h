#pragma once
// Shared by the projection drills (issue 12): a deterministic, adversarial event generator for
// tenant "t1", batch ingestion, every read target of metrics, funnel, conversation and export, and
// an exact comparison of two servers' answers to them (data_as_of aside).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/harness/http_client.h"
#include "support/server.h"

namespace zaplify::testing {

inline constexpr std::int64_t kMinMs = 60'000;
inline constexpr std::int64_t kHourMs = 60 * kMinMs;
inline constexpr std::int64_t kDayMs = 24 * kHourMs;
/// The tenant of drill_events().
inline const Headers kDrillTenant{{"X-Tenant-ID", "t1"}};

/// Deterministic events for tenant t1 with every timestamp in [end − 20 days, end], in arrival
/// order: shuffled (messages before their start, endings before starts), duplicate and tied starts
/// naming other assistants, second endings, id duplicates (some with other content), stages outside
/// the funnel, a funnel redefined and one defined late, a stale definition arriving last.
std::vector<nlohmann::json> drill_events(std::int64_t end, int conversations, int leads);

/// POSTs events[from, to) to `s` in batches of 1,000 as tenant t1; each must be acknowledged (200)
/// with nothing rejected (fatal failure otherwise: check HasFatalFailure()).
void ingest(const ServerProcess& s, const std::vector<nlohmann::json>& events, std::size_t from,
            std::size_t to);

/// Options of a drill server on `database`: metrics, funnel, conversation and export on (with a
/// topic dictionary), cache disabled so every read is computed.
ServerOptions drill_options(const std::string& database);

/// Removes every "data_as_of" member, at any depth.
void strip_as_of(nlohmann::json& j);

/// The bar (issue 12) is identical bodies. A float that differs only by rounding (a sum taken in
/// another order) is reported as such; raise this to accept it.
inline constexpr double kFloatRelTolerance = 0;

double rel_diff(const nlohmann::json& a, const nlohmann::json& b);
/// Equal as documents: same types (an integer is not a float), floats within the tolerance.
bool same(const nlohmann::json& a, const nlohmann::json& b);
/// Lines "path: a != b" where the documents differ; "~" leads the ones that are float rounding
/// only.
void diff(const nlohmann::json& a, const nlohmann::json& b, const std::string& path,
          std::vector<std::string>& out);

std::string day_text(std::int64_t ms);  ///< "YYYY-MM-DD" (UTC) of epoch ms.

/// Every read target of metrics, funnel, conversation and export, under several windows around
/// drill_events(end, ...), as `s` lists its funnels and export datasets.
std::vector<std::string> read_targets(const ServerProcess& s, std::int64_t end);

/// Waits until each named plugin is listed "running" in /health; notes any catching_up seen.
bool wait_running(const ServerProcess& s, const std::vector<std::string>& names,
                  nlohmann::json& seen_progress, int timeout_ms);

/// Polls GET `target` as tenant t1 every 25 ms until it answers `status`; false after `timeout_ms`.
bool wait_for_tenant_status(const ServerProcess& s, const std::string& target, int status,
                            int timeout_ms = 60'000);

struct ReadComparison {
  int compared = 0;
  int mismatches = 0;
  int rounding_mismatches = 0;  ///< Of the mismatches, those that are float rounding only.
};

/// GETs every target (as tenant t1) from `expected` and from `actual`; each must answer 200 (fatal
/// failure otherwise) and the bodies, data_as_of aside (and "window" for targets without from=,
/// which is relative to now), must be equal: each difference is a failure labelled `what`.
ReadComparison compare_reads(const ServerProcess& expected, const std::string& expected_name,
                             const ServerProcess& actual, const std::string& actual_name,
                             const std::vector<std::string>& targets, const std::string& what);

/// Straight database reads (not through the server): rows of a query as text, SQLite
/// ("sqlite3://path") or PostgreSQL; a failed query is a test failure (no rows).
std::vector<std::vector<std::string>> db_rows(const std::string& url, const std::string& sql);
/// The first column of the first row as a number; -1 when there is none.
std::int64_t db_count(const std::string& url, const std::string& sql);

double seconds_since(std::chrono::steady_clock::time_point t);

}  // namespace zaplify::testing
