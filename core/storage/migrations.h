#pragma once
// Versioned schema steps: the host's own ("core": the events table) and the plugins'.
// Internal to core/storage.

#include <string>
#include <vector>

#include "zaplify/sdk/store.h"

namespace zaplify::core {
class Database;
}

namespace zaplify::core::storage {

/// The host's migrations (plugin name "core").
std::vector<sdk::Migration> core_migrations();

/// Creates schema_migrations when missing (inside the caller's transaction).
void ensure_migrations_table(sdk::SqlWriter& w);

/// Applies the not-yet-recorded migrations of `plugin` in version order, each in its own
/// transaction. On PostgreSQL a transaction-scoped advisory lock makes concurrent starts of several
/// server instances apply each step once. Throws sdk::StoreError naming the failing step.
void apply_migrations(Database& db, const std::string& plugin,
                      std::vector<sdk::Migration> migrations);

}  // namespace zaplify::core::storage
