// The host's checks of a plugin descriptor (sdk/plugin.h): each mismatch refused with a message
// naming both sides, on hand-made descriptors (the real .so path is plugin_manager_test's abi999).

#include <gtest/gtest.h>

#include "plugins/descriptor_check.h"

namespace zaplify::core {
namespace {

sdk::PluginDescriptor built_here() {
  return {ZAPLIFY_SDK_ABI_VERSION, sizeof(sdk::PluginDescriptor), "p", "1.0.0", "d",
          ZAPLIFY_SDK_ABI_VERSION, ZAPLIFY_SDK_TOOLCHAIN};
}

std::string why(const sdk::PluginDescriptor& d) {
  const auto reason = descriptor_mismatch(d);
  EXPECT_TRUE(reason.has_value());
  return reason.value_or("");
}

TEST(DescriptorCheck, APluginBuiltWithThisSdkAndToolchainLoads) {
  EXPECT_EQ(descriptor_mismatch(built_here()), std::nullopt);
  EXPECT_NE(std::string(host_toolchain().standard_library).find("libstdc++"), std::string::npos);
  EXPECT_GE(host_toolchain().json_version, 30000u);
}

TEST(DescriptorCheck, AnotherAbiNamesBothVersions) {
  auto d = built_here();
  d.abi_version = 1;
  EXPECT_NE(why(d).find("ABI version 1"), std::string::npos) << why(d);
  EXPECT_NE(why(d).find(std::to_string(ZAPLIFY_SDK_ABI_VERSION)), std::string::npos);
}

TEST(DescriptorCheck, AShortDescriptorIsRefusedBeforeItsFieldsAreRead) {
  auto d = built_here();
  d.descriptor_size = 24;                  // as if only the first fields existed
  d.toolchain.standard_library = nullptr;  // never read
  EXPECT_NE(why(d).find("descriptor of 24 bytes"), std::string::npos) << why(d);
}

TEST(DescriptorCheck, APluginNeedingANewerHostSaysWhich) {
  auto d = built_here();
  d.min_host_abi = ZAPLIFY_SDK_ABI_VERSION + 1;
  EXPECT_NE(why(d).find("needs a host of SDK ABI " + std::to_string(ZAPLIFY_SDK_ABI_VERSION + 1)),
            std::string::npos)
      << why(d);
}

TEST(DescriptorCheck, ToolchainDifferencesNameWhatDiffers) {
  auto d = built_here();
  d.toolchain.standard_library = "libc++ 15000";
  d.toolchain.compiler = "clang 15.0.0";
  const std::string lib = why(d);
  EXPECT_NE(lib.find("libc++ 15000 (clang 15.0.0)"), std::string::npos) << lib;
  EXPECT_NE(lib.find(host_toolchain().standard_library), std::string::npos) << lib;
  d = built_here();
  d.toolchain.json_version = 31001;
  const std::string json = why(d);
  EXPECT_NE(json.find("nlohmann-json 3.10.1"), std::string::npos) << json;
  d.toolchain.compiler = "some other compiler";  // informational only
  d.toolchain.json_version = host_toolchain().json_version;
  EXPECT_EQ(descriptor_mismatch(d), std::nullopt);
}

}  // namespace
}  // namespace zaplify::core
