#include "support/harness/postgres_databases.h"

#include <gtest/gtest.h>

namespace zaplify::testing {
namespace {

TEST(PostgresDatabases, NameOfAUrlIsReplacedAndRead) {
  EXPECT_EQ(with_database_name("postgresql://u@h:5/postgres", "zb"), "postgresql://u@h:5/zb");
  EXPECT_EQ(with_database_name("postgresql://u@h:5", "zb"), "postgresql://u@h:5/zb");
  EXPECT_EQ(with_database_name("postgresql://u@h:5/db?sslmode=disable", "zb"),
            "postgresql://u@h:5/zb?sslmode=disable");
  EXPECT_EQ(database_name("postgresql://u:p@h:5/zt_1?sslmode=disable"), "zt_1");
  EXPECT_EQ(database_name("postgresql://u@h:5"), "");
}

}  // namespace
}  // namespace zaplify::testing
