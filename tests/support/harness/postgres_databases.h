#pragma once
// Throw-away databases on a PostgreSQL server, for tests and benchmarks.

#include <string>

namespace zaplify::testing {

/// Replaces the database name (the path) of a postgresql:// URL, keeping any ?query.
std::string with_database_name(const std::string& url, const std::string& name);
/// The database name (the path) of a postgresql:// URL, without any ?query.
std::string database_name(const std::string& url);
/// CREATE DATABASE `name` on the server of `server_url` (its own database is only used to
/// connect); returns the new database's URL. Throws std::runtime_error on failure.
std::string create_postgres_database(const std::string& server_url, const std::string& name);
/// DROP DATABASE IF EXISTS `name` WITH (FORCE) on the server of `server_url`; best effort.
void drop_postgres_database(const std::string& server_url, const std::string& name);

}  // namespace zaplify::testing
