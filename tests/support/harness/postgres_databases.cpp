#include "support/harness/postgres_databases.h"

#include <libpq-fe.h>

#include <stdexcept>

namespace zaplify::testing {
namespace {

// The URL split at its path: "postgresql://u@h:p" + "/name" + "?query".
struct UrlParts {
  std::string head, name, query;
};

UrlParts split(const std::string& url) {
  UrlParts p;
  p.head = url;
  if (auto q = p.head.find('?'); q != std::string::npos) {
    p.query = p.head.substr(q);
    p.head.resize(q);
  }
  auto authority = p.head.find("//");
  auto slash = p.head.find('/', authority == std::string::npos ? 0 : authority + 2);
  if (slash != std::string::npos) {
    p.name = p.head.substr(slash + 1);
    p.head.resize(slash);
  }
  return p;
}

}  // namespace

std::string with_database_name(const std::string& url, const std::string& name) {
  UrlParts p = split(url);
  return p.head + "/" + name + p.query;
}

std::string database_name(const std::string& url) { return split(url).name; }

std::string create_postgres_database(const std::string& server_url, const std::string& name) {
  PGconn* conn = PQconnectdb(server_url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string err = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("cannot connect to PostgreSQL: " + err);
  }
  PGresult* r = PQexec(conn, ("CREATE DATABASE " + name).c_str());
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  std::string err = PQerrorMessage(conn);
  PQclear(r);
  PQfinish(conn);
  if (!ok) throw std::runtime_error("CREATE DATABASE " + name + " failed: " + err);
  return with_database_name(server_url, name);
}

void drop_postgres_database(const std::string& server_url, const std::string& name) {
  PGconn* conn = PQconnectdb(server_url.c_str());
  if (PQstatus(conn) == CONNECTION_OK)
    PQclear(PQexec(conn, ("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").c_str()));
  PQfinish(conn);
}

}  // namespace zaplify::testing
