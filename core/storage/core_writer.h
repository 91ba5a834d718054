#pragma once
// The host's own write access inside a Database::write transaction: the SDK's SqlWriter plus the
// events insert that reports which events were new. Ingestion downcasts the SqlWriter it is given.

#include <vector>

#include "zaplify/sdk/events.h"
#include "zaplify/sdk/store.h"

namespace zaplify::core {

class CoreWriter : public sdk::SqlWriter {
 public:
  /// Inserts events unless (tenant_id, id) is already stored; inserted[i] = 1 when events[i] was
  /// new. REQUIRES: no two events share (tenant_id, id).
  virtual void insert_events(const std::vector<sdk::Event>& events,
                             std::vector<char>& inserted) = 0;
  /// Runs a script of several statements without parameters (migrations; `$$` bodies allowed).
  virtual void execute_script(const std::string& sql) = 0;
  /// Until the transaction ends, other writers for `tenant` wait here (PostgreSQL; SQLite has one
  /// writer anyway). Taken first, it orders concurrent batches of one tenant, whose ingest hooks
  /// update the same derived rows in data-dependent orders and could otherwise deadlock.
  virtual void lock_tenant(const std::string& tenant) = 0;
};

}  // namespace zaplify::core
