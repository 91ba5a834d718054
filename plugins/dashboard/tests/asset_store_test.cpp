#include "asset_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace zaplify::dashboard {
namespace {

namespace fs = std::filesystem;

class AssetStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("dashboard-assets-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& body) {
    std::ofstream(dir_ / name, std::ios::binary) << body;
  }
  fs::path dir_;
};

TEST_F(AssetStoreTest, ServesKnownFilesWithTheirTypes) {
  write("index.html", "<!doctype html>");
  write("app.js", "export {}");
  auto store = AssetStore::load(dir_.string());
  auto page = store.find("index.html", false);
  ASSERT_TRUE(page);
  EXPECT_EQ(*page->body, "<!doctype html>");
  EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(store.find("app.js", false)->content_type, "text/javascript; charset=utf-8");
  EXPECT_FALSE(store.find("missing.js", false));
}

TEST_F(AssetStoreTest, PathsNeverReachTheFileSystem) {
  write("index.html", "x");
  write(".hidden", "secret");
  auto store = AssetStore::load(dir_.string());
  EXPECT_FALSE(store.find("../index.html", false));
  EXPECT_FALSE(store.find(".hidden", false));
  EXPECT_FALSE(store.find("", false));
  EXPECT_EQ(store.size(), 1u);
}

TEST_F(AssetStoreTest, GzipVariantOnlyWhenAcceptedAndSmaller) {
  write("index.html", "x");
  write("lib.js", std::string(100, 'a'));
  write("lib.js.gz", "packed");
  write("tiny.js", "a");
  write("tiny.js.gz", "much longer than a");
  auto store = AssetStore::load(dir_.string());
  EXPECT_FALSE(store.find("lib.js", false)->gzip);
  auto packed = store.find("lib.js", true);
  EXPECT_TRUE(packed->gzip);
  EXPECT_EQ(*packed->body, "packed");
  EXPECT_FALSE(store.find("tiny.js", true)->gzip);
  EXPECT_FALSE(store.find("lib.js.gz", true));  // never served under its own name
}

TEST_F(AssetStoreTest, MissingFolderOrPageIsAClearError) {
  EXPECT_THROW(AssetStore::load((dir_ / "nope").string()), std::runtime_error);
  write("app.js", "x");
  try {
    AssetStore::load(dir_.string());
    FAIL() << "no index.html should throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("index.html"), std::string::npos);
  }
}

TEST(AcceptsGzip, ReadsTheHeader) {
  EXPECT_TRUE(accepts_gzip("gzip, deflate, br"));
  EXPECT_TRUE(accepts_gzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_FALSE(accepts_gzip("br, deflate"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
}

}  // namespace
}  // namespace zaplify::dashboard
