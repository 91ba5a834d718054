#pragma once
// The funnel tests' events, stored in the SDK test kit's SQLite store (the server's own schema and
// relations), so the funnel's real SQL runs in unit tests.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "zaplify/testkit/fake_host.h"
#include "zaplify/testkit/fixed_calendar.h"
#include "zaplify/testkit/sqlite_store.h"

namespace zaplify::funnel::testing {

/// One event with the fields the funnel reads (stage changes, definitions, and the lead and
/// conversation starts a breakdown reads). Empty strings are NULL.
struct TestEvent {
  std::string id;
  std::string type;
  std::int64_t ts = 0;
  std::string lead_id;
  std::string funnel_id;
  std::string stage;
  std::string name;
  std::vector<std::string> stages;
  std::string tenant_id = "t1";
  std::string conversation_id, assistant_id, channel, source;
};

inline TestEvent stage_event(std::string id, std::string lead, std::int64_t ts, std::string stage,
                             std::string funnel = "f1") {
  TestEvent e;
  e.id = std::move(id);
  e.type = "stage_changed";
  e.ts = ts;
  e.lead_id = std::move(lead);
  e.funnel_id = std::move(funnel);
  e.stage = std::move(stage);
  return e;
}

inline TestEvent define_event(std::string id, std::int64_t ts, std::vector<std::string> stages,
                              std::string name = "Sales", std::string funnel = "f1") {
  TestEvent e;
  e.id = std::move(id);
  e.type = "funnel_defined";
  e.ts = ts;
  e.funnel_id = std::move(funnel);
  e.name = std::move(name);
  e.stages = std::move(stages);
  return e;
}

class SqliteTestStore final : public testkit::SqliteStore {
 public:
  explicit SqliteTestStore(const std::string& path = ":memory:") : testkit::SqliteStore(path) {}

  /// Stores events in one transaction (a duplicate id is skipped, as ingestion does).
  void insert(const std::vector<TestEvent>& events) {
    std::vector<sdk::Event> out;
    out.reserve(events.size());
    for (const auto& t : events) {
      sdk::Event e;
      e.id = t.id;
      e.type = t.type;
      e.ts_ms = t.ts;
      e.tenant_id = t.tenant_id;
      e.lead_id = t.lead_id;
      e.funnel_id = t.funnel_id;
      e.stage = t.stage;
      e.name = t.name;
      e.stages = t.stages;
      e.conversation_id = t.conversation_id;
      e.assistant_id = t.assistant_id;
      e.channel = t.channel;
      e.source = t.source;
      out.push_back(std::move(e));
    }
    insert_events(out);
  }
  /// Runs `work` with a writer inside one transaction (commit on return, rollback on throw).
  void write(const std::function<void(sdk::SqlWriter&)>& work) {
    transaction([&] { work(*this); });
  }
};

/// The server's funnel-definition rule over a store, as Host::funnels() gives it to the plugin.
class TestFunnelCatalog final : public sdk::FunnelCatalog {
 public:
  explicit TestFunnelCatalog(const sdk::Store& store) : catalog_(testkit::funnel_catalog(store)) {}
  std::vector<sdk::FunnelDefinition> current(const std::string& tenant_id) const override {
    return catalog_->current(tenant_id);
  }
  std::optional<sdk::FunnelDefinition> find(const std::string& tenant_id,
                                            const std::string& funnel_id) const override {
    return catalog_->find(tenant_id, funnel_id);
  }

 private:
  std::unique_ptr<sdk::FunnelCatalog> catalog_;
};

/// The server's calendar; the funnel only formats instants.
using UtcCalendar = testkit::FixedCalendar;

}  // namespace zaplify::funnel::testing
