#pragma once
// DATABASE_URL forms (docs/operations.md, Configuration reference: `database.url`):
// "sqlite3://PATH" and "postgresql://user:pass@host:port/db?opts" (also "postgres://"). Internal to
// core/storage.

#include <string>

#include "zaplify/sdk/store.h"

namespace zaplify::core::storage {

struct ParsedUrl {
  sdk::Dialect dialect = sdk::Dialect::SQLite;
  std::string sqlite_path;  ///< SQLite: the file path as written (relative or absolute).
  std::string pg_conninfo;  ///< PostgreSQL: a libpq "key=value" conninfo string.
};

/// Throws std::invalid_argument with a message that never contains the password.
ParsedUrl parse_database_url(const std::string& url);

/// The URL with its password replaced by "***" (unchanged when it has none).
std::string redact_url(const std::string& url);

}  // namespace zaplify::core::storage
