// The projection log's bookkeeping against a real database (SQLite, and PostgreSQL when the test
// services are up).
#include <gtest/gtest.h>

#include "projections/projection_log.h"
#include "storage/database.h"
#include "storage/tests/test_db.h"

namespace zaplify::core {
namespace {

class ProjectionLogTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ZAPLIFY_SKIP_WITHOUT_BACKEND(GetParam());
    tmp_ = std::make_unique<testing::TempDatabase>(GetParam());
  }
  std::int64_t count(const std::string& sql) {
    std::int64_t n = -1;
    tmp_->db().query(sql, {}, [&](const sdk::Row& r) { n = r.int64(0); });
    return n;
  }
  std::unique_ptr<testing::TempDatabase> tmp_;
};

// A new build of a plugin that stops declaring a projection (its table dropped by the plugin's
// migration) must not leave the host purging a table that is gone, nor the state behind.
TEST_P(ProjectionLogTest, ForgetsProjectionsAPluginNoLongerDeclares) {
  tmp_->db().write([](sdk::SqlWriter& w) {
    for (const char* key : {"funnel.stage_events", "funnel.kept", "metrics.derived_tables"}) {
      const std::string plugin = std::string(key).substr(0, std::string(key).find('.'));
      projections::save_state(w, key, plugin, {"active", 1, 0}, 1);
      projections::record_tables(w, key,
                                 {{std::string("t_") + (key + plugin.size() + 1), "ts", 1}});
    }
  });
  int forgotten = -1;
  tmp_->db().write([&](sdk::SqlWriter& w) {
    forgotten = projections::forget_undeclared(w, "funnel", {"funnel.kept"});
  });
  EXPECT_EQ(forgotten, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM projection_state WHERE projection = 'funnel.stage_events'"),
            0);
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM projection_tables WHERE projection = 'funnel.stage_events'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM projection_state"), 2);  // the kept one, another plugin's
  EXPECT_EQ(count("SELECT COUNT(*) FROM projection_tables"), 2);
  const auto recorded = projections::recorded_tables(tmp_->db());
  ASSERT_EQ(recorded.size(), 2u);
  EXPECT_EQ(recorded[0].second.name, "t_kept");
  EXPECT_EQ(recorded[1].second.name, "t_derived_tables");
}

INSTANTIATE_TEST_SUITE_P(Backends, ProjectionLogTest, ::testing::Values("sqlite", "postgresql"),
                         testing::backend_name);

}  // namespace
}  // namespace zaplify::core
