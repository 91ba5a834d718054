#pragma once
// The test kit's SQLite store (the server's own schema) with the metrics plugin's fixtures:
// its migrations, and ingestion through its hook and reply-triggers projection with their time
// measured (the micro-benchmarks read it).

#include <chrono>
#include <string>
#include <vector>

#include "derived_schema.h"
#include "ingest_hook.h"
#include "reply_triggers.h"
#include "zaplify/testkit/sqlite_store.h"

namespace zaplify::metrics::testing {

class MetricsStore final : public testkit::SqliteStore {
 public:
  /// `dialect`: what dialect() reports; PostgreSQL runs the hook's PostgreSQL statements (valid
  /// SQLite too) with its advisory locks counted instead of taken.
  explicit MetricsStore(const std::string& path = ":memory:",
                        sdk::Dialect dialect = sdk::Dialect::SQLite)
      : testkit::SqliteStore(path) {
    set_reported_dialect(dialect);
    stub_function("pg_advisory_xact_lock", 2);
  }

  /// Applies the metrics plugin's migrations not applied yet (all, or those up to `up_to`).
  void migrate(int up_to = 1'000'000) {
    testkit::SqliteStore::migrate("metrics", all_migrations(), up_to);
  }

  /// Stores events and runs the hook and the reply-triggers projection on the new ones, in one
  /// transaction, as the server's ingestion does.
  void ingest(const std::vector<sdk::Event>& events) {
    using Clock = std::chrono::steady_clock;
    auto timed = [](double& total, auto fn) {
      return [&total, fn](const sdk::IngestBatch& b, sdk::SqlWriter& w) {
        const auto t0 = Clock::now();
        fn(b, w);
        total += std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      };
    };
    testkit::SqliteStore::ingest(events, {timed(hook_ms_, update_derived_tables),
                                          timed(triggers_ms_, update_reply_triggers)});
  }
  /// Stores events without the hook (events that predate the plugin).
  void insert_events_only(const std::vector<sdk::Event>& events) { insert_events(events); }

  double hook_ms() const { return hook_ms_; }          ///< Time in the hook so far.
  double triggers_ms() const { return triggers_ms_; }  ///< Time in the projection so far.
  std::int64_t advisory_locks() const { return calls_of("pg_advisory_xact_lock"); }

 private:
  double hook_ms_ = 0;
  double triggers_ms_ = 0;
};

}  // namespace zaplify::metrics::testing
