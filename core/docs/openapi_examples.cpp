#include "docs/openapi_examples.h"

#include <string_view>

namespace zaplify::core {
namespace {

// core/docs/openapi_examples.json as bytes, written by CMake at configure time (core/extra.cmake).
constexpr unsigned char kExamplesJson[] = {
#include "openapi_examples.inc"
};

}  // namespace

const nlohmann::json& shipped_openapi_examples() {
  static const nlohmann::json examples = [] {
    std::string_view text(reinterpret_cast<const char*>(kExamplesJson), sizeof kExamplesJson);
    auto file = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!file.is_object() || !file.contains("examples") || !file["examples"].is_object())
      return nlohmann::json::object();
    return file["examples"];
  }();
  return examples;
}

}  // namespace zaplify::core
