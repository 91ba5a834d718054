#include "config/yaml_json.h"

#include <gtest/gtest.h>

namespace zaplify::core {
namespace {

nlohmann::json convert(const std::string& yaml) { return yaml_to_json(YAML::Load(yaml)); }

TEST(YamlJsonTest, ScalarsKeepTheirTypes) {
  auto j = convert(
      "i: 42\nneg: -7\nbig: 9007199254740993\nf: 2.5\nexp: 1e3\nt: true\nF: False\n"
      "s: hello\nq: \"42\"\nsq: 'true'\nn: ~\nn2: null\nempty:\n");
  EXPECT_TRUE(j["i"].is_number_integer());
  EXPECT_EQ(j["i"].get<std::int64_t>(), 42);
  EXPECT_EQ(j["neg"].get<std::int64_t>(), -7);
  EXPECT_EQ(j["big"].get<std::int64_t>(), 9007199254740993LL);  // beyond double precision
  EXPECT_TRUE(j["f"].is_number_float());
  EXPECT_DOUBLE_EQ(j["f"].get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(j["exp"].get<double>(), 1000.0);
  EXPECT_EQ(j["t"], true);
  EXPECT_EQ(j["F"], false);
  EXPECT_EQ(j["s"], "hello");
  EXPECT_EQ(j["q"], "42");  // quoted stays a string
  EXPECT_EQ(j["sq"], "true");
  EXPECT_TRUE(j["n"].is_null());
  EXPECT_TRUE(j["n2"].is_null());
  EXPECT_TRUE(j["empty"].is_null());
}

TEST(YamlJsonTest, NestedMappingsAndSequences) {
  auto j = convert(
      "topics:\n  pricing: [preço, price, \"quanto custa\"]\n  support:\n    - help\n"
      "weights: {a: 1, b: 0.5}\n");
  ASSERT_TRUE(j["topics"]["pricing"].is_array());
  EXPECT_EQ(j["topics"]["pricing"].size(), 3u);
  EXPECT_EQ(j["topics"]["pricing"][0], "preço");
  EXPECT_EQ(j["topics"]["pricing"][2], "quanto custa");
  EXPECT_EQ(j["topics"]["support"][0], "help");
  EXPECT_EQ(j["weights"]["a"], 1);
  EXPECT_DOUBLE_EQ(j["weights"]["b"].get<double>(), 0.5);
}

TEST(YamlJsonTest, NotNumbersStayStrings) {
  auto j = convert("a: 1.2.3\nb: 12abc\nc: .inf\nd: 0x1F\ne: yes\n");
  EXPECT_EQ(j["a"], "1.2.3");
  EXPECT_EQ(j["b"], "12abc");
  EXPECT_EQ(j["c"], ".inf");
  EXPECT_EQ(j["d"], "0x1F");
  EXPECT_EQ(j["e"], "yes");  // YAML 1.2 core schema: only true/false are booleans
}

}  // namespace
}  // namespace zaplify::core
