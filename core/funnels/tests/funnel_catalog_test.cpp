#include "funnels/funnel_catalog.h"

#include <gtest/gtest.h>

#include "storage/tests/test_db.h"

namespace zaplify::core {
namespace {

using testing::TempDatabase;

// A stored funnel_defined row; `stages` nullopt stores NULL. Written with raw SQL so malformed
// rows that ingestion would refuse can be stored.
struct Def {
  std::string id;
  std::int64_t ts;
  std::optional<std::string> stages;
  std::string name = "F";
  std::string funnel_id = "f1";
  std::string tenant = "t1";
};

class FunnelCatalogTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ZAPLIFY_SKIP_WITHOUT_BACKEND(GetParam());
    db_ = std::make_unique<TempDatabase>(GetParam());
    catalog_ = std::make_unique<StoreFunnelCatalog>(db_->db());
  }

  void store(const std::vector<Def>& defs) {
    db_->db().write([&](sdk::SqlWriter& w) {
      for (const auto& d : defs)
        w.execute(
            "INSERT INTO events (tenant_id, id, type, ts, funnel_id, name, stages) VALUES "
            "(?, ?, 'funnel_defined', ?, ?, ?, ?)",
            {d.tenant, d.id, d.ts, d.funnel_id, d.name,
             d.stages ? sdk::Value{*d.stages} : sdk::Value{}});
    });
  }

  std::unique_ptr<TempDatabase> db_;
  std::unique_ptr<StoreFunnelCatalog> catalog_;
};

TEST_P(FunnelCatalogTest, LatestTimestampWins) {
  store({{"a", 30, R"(["x","y"])", "Old"},
         {"b", 50, R"(["x","y","z"])", "New"},
         {"c", 40, R"(["p"])", "Middle"}});
  const auto f = catalog_->find("t1", "f1");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->name, "New");
  EXPECT_EQ(f->stages, (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(f->defined_at_ms, 50);
}

TEST_P(FunnelCatalogTest, EqualTimestampsGoToTheGreaterIdBytewise) {
  // "b" > "B" > "A" byte-wise; "é" (0xC3 0xA9) is greater than any ASCII id.
  store({{"b", 10, R"(["b"])", "lower b"},
         {"B", 10, R"(["B"])", "upper B"},
         {"A", 10, R"(["A"])", "A"},
         {"z", 5, R"(["z"])", "older"}});
  EXPECT_EQ(catalog_->find("t1", "f1")->name, "lower b");
  store({{"\xC3\xA9", 10, R"(["e"])", "utf8"}});
  EXPECT_EQ(catalog_->find("t1", "f1")->name, "utf8");
}

TEST_P(FunnelCatalogTest, MalformedLatestFallsBackToLatestWellFormed) {
  store({{"d1", 10, R"(["a","b"])", "Good old"},
         {"d2", 20, R"(["a","c"])", "Good"},
         {"d3", 30, "[]", "Empty"},
         {"d4", 40, "not json", "Broken"},
         {"d5", 50, std::nullopt, "Null"},
         {"d6", 60, R"(["a",1])", "Non-string"},
         {"d7", 70, R"(["a","a"])", "Repeated"},
         {"d8", 80, R"({"a":1})", "Object"}});
  const auto f = catalog_->find("t1", "f1");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->name, "Good");
  EXPECT_EQ(f->stages, (std::vector<std::string>{"a", "c"}));
  ASSERT_EQ(catalog_->current("t1").size(), 1u);
  EXPECT_EQ(catalog_->current("t1")[0].name, "Good");
}

TEST_P(FunnelCatalogTest, FunnelWithOnlyMalformedDefinitionsIsAbsent) {
  store({{"d1", 10, "[]", "Empty", "bad"},
         {"d2", 20, "{", "Broken", "bad"},
         {"d3", 5, R"(["a"])", "Fine", "good"}});
  EXPECT_FALSE(catalog_->find("t1", "bad"));
  const auto all = catalog_->current("t1");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].funnel_id, "good");
}

TEST_P(FunnelCatalogTest, TooManyStagesIsMalformed) {
  std::string fifty = "[", fifty_one;
  for (int i = 0; i < 50; ++i) fifty += (i ? ",\"s" : "\"s") + std::to_string(i) + "\"";
  fifty_one = fifty + ",\"s50\"]";
  fifty += "]";
  store({{"d1", 10, fifty, "Fifty"}, {"d2", 20, fifty_one, "Fifty-one"}});
  const auto f = catalog_->find("t1", "f1");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->name, "Fifty");
  EXPECT_EQ(f->stages.size(), 50u);
}

TEST_P(FunnelCatalogTest, TenantsAreIsolated) {
  store({{"d1", 10, R"(["a"])", "Mine"},
         {"d2", 99, R"(["b"])", "Theirs", "f1", "t2"},
         {"d3", 10, R"(["c"])", "Only theirs", "f2", "t2"}});
  EXPECT_EQ(catalog_->find("t1", "f1")->name, "Mine");
  EXPECT_FALSE(catalog_->find("t1", "f2"));
  EXPECT_EQ(catalog_->current("t1").size(), 1u);
  EXPECT_EQ(catalog_->current("t2").size(), 2u);
  EXPECT_TRUE(catalog_->current("t3").empty());
}

TEST_P(FunnelCatalogTest, CurrentIsSortedByFunnelIdAndFindIgnoresOthers) {
  store({{"d1", 10, R"(["a"])", "Z", "zeta"},
         {"d2", 10, R"(["a"])", "A", "alpha"},
         {"d3", 10, R"(["a"])", "M", "Mid"}});
  const auto all = catalog_->current("t1");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].funnel_id, "Mid");  // byte-wise: uppercase first
  EXPECT_EQ(all[1].funnel_id, "alpha");
  EXPECT_EQ(all[2].funnel_id, "zeta");
  EXPECT_EQ(catalog_->find("t1", "alpha")->name, "A");
  EXPECT_FALSE(catalog_->find("t1", "missing"));
}

TEST(FunnelStages, ParsesOnlyWhatIngestionAccepts) {
  EXPECT_EQ(parse_funnel_stages(R"(["a","b"])"), (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(parse_funnel_stages(""));
  EXPECT_FALSE(parse_funnel_stages("[]"));
  EXPECT_FALSE(parse_funnel_stages("\"a\""));
  EXPECT_FALSE(parse_funnel_stages(R"(["a",null])"));
  EXPECT_FALSE(parse_funnel_stages(R"(["a","b","a"])"));
}

INSTANTIATE_TEST_SUITE_P(Backends, FunnelCatalogTest, ::testing::Values("sqlite", "postgresql"),
                         testing::backend_name);

}  // namespace
}  // namespace zaplify::core
