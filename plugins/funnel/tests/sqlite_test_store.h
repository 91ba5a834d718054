#pragma once
// Test-only sdk::Store over an in-memory SQLite database with the host's events table (schema
// from zaplify/sdk/store.h), so the funnel's real SQL runs in unit tests.

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "zaplify/sdk/calendar.h"
#include "zaplify/sdk/store.h"

namespace zaplify::funnel::testing {

/// One event with the fields the funnel reads (stage changes, definitions, and the lead and
/// conversation starts a breakdown reads).
struct TestEvent {
  std::string id;
  std::string type;
  std::int64_t ts = 0;
  std::string lead_id;
  std::string funnel_id;
  std::string stage;
  std::string name;
  std::string stages_json;
  std::string tenant_id = "t1";
  std::string conversation_id, assistant_id, channel, source;  ///< Empty: NULL.
};

TestEvent stage_event(std::string id, std::string lead, std::int64_t ts, std::string stage,
                      std::string funnel = "f1");
TestEvent define_event(std::string id, std::int64_t ts, std::vector<std::string> stages,
                       std::string name = "Sales", std::string funnel = "f1");

/// The events table with the host's relations and their indexes (sdk/host_tables.h), so the
/// plugin reads the relations the host gives it.
class SqliteTestStore final : public sdk::Store {
 public:
  /// `path`: a database file (created) or ":memory:".
  explicit SqliteTestStore(const std::string& path = ":memory:");
  ~SqliteTestStore() override;
  SqliteTestStore(const SqliteTestStore&) = delete;
  SqliteTestStore& operator=(const SqliteTestStore&) = delete;

  /// Inserts events in one transaction (duplicate ids are skipped, as ingestion does).
  void insert(const std::vector<TestEvent>& events);
  /// Runs `work` with a writer inside one transaction (commit on return, rollback on throw).
  void write(const std::function<void(sdk::SqlWriter&)>& work);
  sdk::Dialect dialect() const override { return sdk::Dialect::SQLite; }
  void query(std::string_view sql, const std::vector<sdk::Value>& params,
             const sdk::RowCallback& on_row) const override;

 private:
  sqlite3* db_ = nullptr;
};

/// UTC-only calendar: enough for the funnel (it only formats instants).
class UtcCalendar final : public sdk::Calendar {
 public:
  std::int64_t now_ms() const override { return 0; }
  std::vector<std::int64_t> bucket_starts(const sdk::Window&) const override { return {}; }
  std::vector<std::int64_t> day_starts(const sdk::Window&) const override { return {}; }
  std::string format_utc(std::int64_t ms) const override;
  std::string format_local(std::int64_t ms, const std::string&) const override {
    return format_utc(ms);
  }
  std::string local_date(std::int64_t ms, const std::string&) const override {
    return format_utc(ms).substr(0, 10);
  }
};

}  // namespace zaplify::funnel::testing
